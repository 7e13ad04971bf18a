/**
 * The `read_document` tool: the extracted text of an indexed document (PDF and Word too), by
 * line range, page, or the neighbourhood of a search hit, in pieces of at most `maxChars`
 * with a cursor to continue.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { DocindexError } from "../errors.js";
import { readablePath } from "../server/readable-path.js";
import type { ServerContext } from "../server/context.js";
import { runTool, toolResult } from "./tool-kit.js";
import { LineIndex } from "../../scanners/line-index.js";
import { ocrSummary } from "../../scanners/ocr/marking.js";
import { ocrSchema } from "./tool-kit.js";
import type { DocumentRecord } from "../../indexers/store.js";

export const readDocumentInput = {
  path: z
    .string()
    .min(1)
    .max(4096)
    .describe("Path of the file, relative to its root (as `search` returns it)."),
  root: z
    .string()
    .optional()
    .describe("The root, when several are served (absolute path or folder name)."),
  startLine: z.number().int().min(1).optional().describe("First line to return (1-based)."),
  endLine: z.number().int().min(1).optional().describe("Last line to return (inclusive)."),
  page: z.number().int().min(1).optional().describe("Only this page (PDF)."),
  chunkId: z
    .string()
    .max(200)
    .optional()
    .describe("A search hit's chunkId: return that passage and its neighbours."),
  around: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(1)
    .describe("With chunkId: passages to include on each side (default 1)."),
  maxChars: z
    .number()
    .int()
    .min(200)
    .max(200_000)
    .default(20_000)
    .describe("At most this many characters (default 20,000)."),
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe("`nextCursor` from the previous call, to continue."),
};

export const readDocumentOutput = {
  path: z.string(),
  root: z.string(),
  kind: z.string(),
  title: z.string().optional(),
  pageCount: z.number().optional(),
  container: z
    .string()
    .optional()
    .describe("for a document found inside a file (an e-mail's attachment): that file's path"),
  metadata: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe("what the parser read besides the text: author, dates, an e-mail's recipients..."),
  ocr: ocrSchema,
  totalChars: z
    .number()
    .describe("length of the selection (the whole document if nothing was selected)"),
  offset: z.number().describe("offset of `text` within the selection"),
  text: z.string(),
  lines: z.object({ start: z.number(), end: z.number() }).optional(),
  pages: z.object({ start: z.number(), end: z.number() }).optional(),
  nextCursor: z.string().optional(),
};

type ReadArgs = z.infer<z.ZodObject<typeof readDocumentInput>>;

interface Selection {
  start: number;
  end: number;
  lines?: { start: number; end: number };
  pages?: { start: number; end: number };
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof value.o === "number" && Number.isInteger(value.o) && value.o >= 0) return value.o;
  } catch {
    // fall through to the error below
  }
  throw new DocindexError(
    "USAGE",
    "cursor is not one that read_document returned; omit it to start from the beginning",
  );
}

export async function readDocumentTool(ctx: ServerContext, args: ReadArgs) {
  const { root, path } = await readablePath(ctx, args.path, args.root);
  const doc = await ctx.store.getDocument(root, path);
  if (!doc) {
    throw new DocindexError(
      "NOT_FOUND",
      `'${path}' is not in the index (not found, ignored, or not indexed yet; see \`inventory\`)`,
    );
  }
  if (doc.status !== "indexed") {
    throw new DocindexError(
      "NOT_FOUND",
      `'${path}' was not indexed: ${doc.status}: ${doc.reason ?? "no reason recorded"}`,
    );
  }
  const text = (await ctx.store.getDocumentText(root, path)) ?? "";
  const lines = new LineIndex(text);
  const starts = lines.starts;
  const selectors = [
    args.page !== undefined,
    args.chunkId !== undefined,
    args.startLine !== undefined || args.endLine !== undefined,
  ];
  if (selectors.filter(Boolean).length > 1) {
    throw new DocindexError(
      "USAGE",
      "give one of `page`, `chunkId` or `startLine`/`endLine`, not several",
    );
  }
  let selection: Selection = { start: 0, end: text.length };
  if (args.page !== undefined) {
    const pages = (doc.sections ?? []).filter((s) => s.page === args.page);
    if (pages.length === 0) {
      const count =
        doc.pageCount !== undefined ? `it has ${doc.pageCount} pages` : "it has no pages";
      throw new DocindexError("USAGE", `page ${args.page} is not in '${path}' (${count})`);
    }
    selection = {
      start: Math.min(...pages.map((s) => s.start)),
      end: Math.max(...pages.map((s) => s.end)),
      pages: { start: args.page, end: args.page },
    };
  } else if (args.chunkId !== undefined) {
    const chunks = await ctx.store.getChunks(root, path);
    const index = chunks.findIndex((c) => c.id === args.chunkId);
    if (index < 0)
      throw new DocindexError(
        "USAGE",
        `chunkId '${args.chunkId}' is not a passage of '${path}' (ids change when the file changes: search again)`,
      );
    const picked = chunks.slice(Math.max(0, index - args.around), index + args.around + 1);
    const joined = picked.map((c) => c.text).join("\n\n");
    const lineStartsOf = picked.map((c) => c.lineStart).filter((n): n is number => n !== undefined);
    const lineEndsOf = picked.map((c) => c.lineEnd).filter((n): n is number => n !== undefined);
    const pagesOf = picked.map((c) => c.page).filter((n): n is number => n !== undefined);
    return respond(
      doc,
      joined,
      {
        start: 0,
        end: joined.length,
        lines:
          lineStartsOf.length > 0
            ? { start: Math.min(...lineStartsOf), end: Math.max(...lineEndsOf) }
            : undefined,
        pages:
          pagesOf.length > 0
            ? { start: Math.min(...pagesOf), end: Math.max(...pagesOf) }
            : undefined,
      },
      args,
    );
  } else if (args.startLine !== undefined || args.endLine !== undefined) {
    const first = args.startLine ?? 1;
    const last = Math.min(args.endLine ?? starts.length, starts.length);
    if (first > starts.length)
      throw new DocindexError(
        "USAGE",
        `startLine ${first} is past the end of '${path}' (${starts.length} lines)`,
      );
    if (last < first) throw new DocindexError("USAGE", "endLine must not be before startLine");
    const end = last < starts.length ? starts[last]! - 1 : text.length;
    selection = { start: starts[first - 1]!, end, lines: { start: first, end: last } };
  }
  return respond(doc, text, selection, args, lines);
}

function respond(
  doc: Pick<
    DocumentRecord,
    "root" | "path" | "kind" | "title" | "pageCount" | "sections" | "container" | "metadata"
  >,
  text: string,
  selection: Selection,
  args: ReadArgs,
  lines?: LineIndex,
) {
  const selected = text.slice(selection.start, selection.end);
  const offset = args.cursor !== undefined ? decodeCursor(args.cursor) : 0;
  if (offset > selected.length)
    throw new DocindexError("USAGE", "cursor is past the end of the selection");
  let end = Math.min(selected.length, offset + args.maxChars);
  // Cut at a line break when one is near, so a continuation starts on a fresh line.
  if (end < selected.length) {
    const newline = selected.lastIndexOf("\n", end);
    if (newline > offset + args.maxChars / 2) end = newline + 1;
  }
  const piece = selected.slice(offset, end);
  const structured: Record<string, unknown> = {
    path: doc.path,
    root: doc.root,
    kind: doc.kind,
    totalChars: selected.length,
    offset,
    text: piece,
  };
  if (doc.title) structured.title = doc.title;
  if (doc.pageCount !== undefined) structured.pageCount = doc.pageCount;
  if (doc.container !== undefined) structured.container = doc.container;
  if (doc.metadata !== undefined) structured.metadata = doc.metadata;
  const ocr = ocrSummary(doc.sections);
  if (ocr !== undefined) structured.ocr = ocr;
  if (lines && piece.length > 0) {
    structured.lines = {
      start: lines.lineOf(selection.start + offset),
      end: lines.lineOf(selection.start + end - 1),
    };
  } else if (selection.lines) {
    structured.lines = selection.lines;
  }
  if (selection.pages) structured.pages = selection.pages;
  if (end < selected.length) structured.nextCursor = encodeCursor(end);
  const header =
    `${doc.path}${structured.lines ? ` lines ${(structured.lines as Selection["lines"])!.start}-${(structured.lines as Selection["lines"])!.end}` : ""}` +
    `${selection.pages ? ` page ${selection.pages.start}` : ""} (${piece.length} of ${selected.length} characters` +
    `${structured.nextCursor ? "; more with nextCursor" : ""}):`;
  return toolResult(structured, `${header}\n\n${piece}`);
}

export function registerReadDocumentTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "read_document",
    {
      title: "Read a document",
      description:
        "Read the text of an indexed file (works for PDF and Word files too, as extracted text). Select a line " +
        "range, a page, or a search hit's `chunkId` with its neighbouring passages; long answers are cut at " +
        "`maxChars` and continue with `cursor`. Use it after `search` to read around a hit.",
      inputSchema: readDocumentInput,
      outputSchema: readDocumentOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => runTool(ctx, "read_document", () => readDocumentTool(ctx, args)),
  );
}
