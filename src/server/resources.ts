/**
 * Indexed documents as MCP resources: `docindex://{root}/{+path}`, where `root` is the root's
 * folder name, returns the extracted text (PDF and Word included). resources/list is served
 * here, page by page with a cursor, because the SDK's own list handler returns everything at
 * once, which a workspace of 50,000 files cannot afford.
 */
import {
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  type McpServer,
} from "@modelcontextprotocol/server";
import { basename } from "node:path";
import { describeError } from "../errors.js";
import { pickRoot } from "./confine.js";
import { readablePath } from "./readable-path.js";
import type { ServerContext } from "./context.js";

const PAGE = 200;

const MIME_BY_KIND: Record<string, string> = {
  markdown: "text/markdown",
  html: "text/plain",
  code: "text/plain",
  data: "text/plain",
  text: "text/plain",
  pdf: "text/plain",
  docx: "text/plain",
  notebook: "text/plain",
};

export function resourceUri(root: string, path: string): string {
  return `docindex://${encodeURIComponent(basename(root))}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

export function registerDocumentResources(server: McpServer, ctx: ServerContext): void {
  const template = new ResourceTemplate("docindex://{root}/{+path}", { list: undefined });
  server.registerResource(
    "document",
    template,
    {
      title: "Indexed document",
      description: "The extracted text of an indexed file (PDF and Word files as text).",
      mimeType: "text/plain",
    },
    async (uri, variables) => {
      const rootName = decodeURIComponent(String(variables.root));
      const rawPath = String(variables.path);
      try {
        const root = pickRoot(ctx.roots, rootName);
        const { path } = await readablePath(ctx, decodeURIComponent(rawPath), root);
        const doc = await ctx.store.getDocument(root, path);
        if (!doc || doc.status !== "indexed") {
          throw new Error(
            doc ? `not indexed: ${doc.status}: ${doc.reason ?? ""}` : "not in the index",
          );
        }
        const text = (await ctx.store.getDocumentText(root, path)) ?? "";
        return {
          contents: [
            { uri: uri.toString(), mimeType: MIME_BY_KIND[doc.kind] ?? "text/plain", text },
          ],
        };
      } catch (error) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `resource ${uri.toString()}: ${describeError(error)}`,
        );
      }
    },
  );

  server.server.setRequestHandler("resources/list", async (request) => {
    const page = await ctx.store
      .documents({ statuses: ["indexed"] }, { cursor: request.params?.cursor, limit: PAGE })
      .catch((error: unknown) => {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `resources/list: ${describeError(error)}`,
        );
      });
    return {
      resources: page.items.map((doc) => ({
        uri: resourceUri(doc.root, doc.path),
        name: doc.path,
        title: doc.title,
        mimeType: MIME_BY_KIND[doc.kind] ?? "text/plain",
        size: doc.size,
      })),
      nextCursor: page.nextCursor,
    };
  });
}
