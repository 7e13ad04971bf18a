/**
 * One MCP server instance with every tool and resource registered: the factory both serving
 * entries call. Over stdio one instance serves the connection; over HTTP a 2026-07-28
 * request gets a fresh instance for that one exchange and a handshake session keeps one for
 * its life. All share the same ServerContext, so any instance can answer any request.
 */
import { McpServer } from "@modelcontextprotocol/server";
import { existsSync, readFileSync } from "node:fs";
import { registerAnalyzeTool } from "../tools/analyze.js";
import { registerInventoryTool } from "../tools/inventory.js";
import { registerReadDocumentTool } from "../tools/read-document.js";
import { registerReindexTools } from "../tools/reindex.js";
import { registerSearchTool } from "../tools/search.js";
import type { ServerContext } from "./context.js";
import { registerDocumentResources } from "./resources.js";

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

const INSTRUCTIONS =
  "docindex indexes the documents of this workspace (code, Markdown, text, HTML, PDF, Word). " +
  "Use `search` to find passages (with file, lines or page), `read_document` to read around a hit, " +
  "`analyze` for a document's outline, key terms, related files and duplicates, and `inventory` to see " +
  "what is indexed and why some files are not.";

export function createMcpServer(ctx: ServerContext): McpServer {
  const server = new McpServer(
    { name: "docindex", version: SERVER_VERSION },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  registerSearchTool(server, ctx);
  registerInventoryTool(server, ctx);
  registerAnalyzeTool(server, ctx);
  registerReadDocumentTool(server, ctx);
  registerReindexTools(server, ctx);
  registerDocumentResources(server, ctx);
  return server;
}
