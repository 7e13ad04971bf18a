/**
 * One MCP server instance with every tool and resource registered: the factory both serving
 * entries call. Over stdio one instance serves the connection; over HTTP a 2026-07-28
 * request gets a fresh instance for that one exchange and a handshake session keeps one for
 * its life. All share the same ServerContext, so any instance can answer any request.
 */
import { McpServer } from "@modelcontextprotocol/server";
import { existsSync, readFileSync } from "node:fs";
import { registerAnalyzeTool } from "../tools/analyze.js";
import { registerGrepTool } from "../tools/grep.js";
import { registerInventoryTool } from "../tools/inventory.js";
import { registerReadDocumentTool } from "../tools/read-document.js";
import { registerReindexTools } from "../tools/reindex.js";
import { registerSearchTool } from "../tools/search.js";
import { registerSymbolsTool } from "../tools/symbols.js";
import type { ServerContext } from "./context.js";
import { registerDocumentResources } from "./resources.js";
import { USAGE_INSTRUCTIONS } from "./workspace-instructions.js";

/**
 * The package's version. package.json is two folders up from src/server (where tests load this
 * file) and three from dist/src/server (where `docindex serve` runs it).
 */
function packageVersion(): string {
  const file = ["../../package.json", "../../../package.json"]
    .map((path) => new URL(path, import.meta.url))
    .find((url) => existsSync(url));
  if (file === undefined) throw new Error(`package.json not found above ${import.meta.url}`);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

export const SERVER_VERSION = packageVersion();

/**
 * How long a client may keep each listing (2026-07-28 cache hints). The tools never change
 * while a server runs; the document list changes with every file added or removed (clients
 * that listen are told), and `server/discover` carries the instructions' index figures.
 * Private: what a workspace holds is not for shared caches.
 */
export const CACHE_HINTS = {
  "tools/list": { ttlMs: 60 * 60_000, cacheScope: "private" },
  "resources/templates/list": { ttlMs: 60 * 60_000, cacheScope: "private" },
  "resources/list": { ttlMs: 10_000, cacheScope: "private" },
  "server/discover": { ttlMs: 60_000, cacheScope: "private" },
} as const;

/** `instructions` defaults to the usage text alone (the entries pass the workspace's figures). */
export function createMcpServer(
  ctx: ServerContext,
  instructions: string = USAGE_INSTRUCTIONS,
): McpServer {
  const server = new McpServer(
    { name: "docindex", version: SERVER_VERSION },
    {
      // Subscriptions: handshake clients subscribe per document, 2026-07-28 clients listen.
      capabilities: { logging: {}, resources: { subscribe: true, listChanged: true } },
      instructions,
      cacheHints: CACHE_HINTS,
    },
  );
  registerSearchTool(server, ctx);
  registerSymbolsTool(server, ctx);
  registerGrepTool(server, ctx);
  registerInventoryTool(server, ctx);
  registerAnalyzeTool(server, ctx);
  registerReadDocumentTool(server, ctx);
  registerReindexTools(server, ctx);
  registerDocumentResources(server, ctx);
  return server;
}
