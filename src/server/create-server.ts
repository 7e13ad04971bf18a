/**
 * One MCP server instance with every tool and resource registered. The stdio transport uses
 * one; the HTTP transport makes one per session, all sharing the same ServerContext.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { readFileSync } from "node:fs";
import { registerAnalyzeTool } from "../tools/analyze.js";
import { registerInventoryTool } from "../tools/inventory.js";
import { registerReadDocumentTool } from "../tools/read-document.js";
import { registerReindexTools } from "../tools/reindex.js";
import { registerSearchTool } from "../tools/search.js";
import type { ServerContext } from "./context.js";
import { registerDocumentResources } from "./resources.js";

export const SERVER_VERSION = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

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
