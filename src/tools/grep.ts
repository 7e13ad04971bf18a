/**
 * The `grep` tool: exact lines matching a literal or a regular expression (ripgrep's syntax)
 * over the indexed text of every file, PDF and Word included, with the search filters.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { ServerContext } from "../server/context.js";
import { MAX_PATTERN_LENGTH } from "../grep/grep-pattern.js";
import { formatGrepText } from "../grep/format-grep.js";
import { runGrep } from "../grep/run-grep.js";
import { filtersFrom, searchInput } from "./search.js";
import { runTool, toolResult } from "./tool-kit.js";

export const grepInput = {
  pattern: z
    .string()
    .min(1)
    .max(MAX_PATTERN_LENGTH)
    .describe("A regular expression in ripgrep's (Rust) syntax, or a literal with `literal: true`."),
  literal: z.boolean().default(false).describe("Match the pattern as a literal string (rg -F)."),
  ignoreCase: z.boolean().default(false).describe("Case-insensitive (rg -i)."),
  wordRegexp: z.boolean().default(false).describe("Only whole-word matches (rg -w)."),
  context: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe("Lines of context before and after each match (rg -C), 0-10."),
  limit: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .describe("Matching lines per page (1-500, default 50)."),
  cursor: z.string().max(4000).optional().describe("`nextCursor` of the previous page."),
  path: searchInput.path,
  pathPrefix: searchInput.pathPrefix,
  kind: searchInput.kind,
  modifiedSince: searchInput.modifiedSince,
  root: searchInput.root,
};

const matchSchema = z.object({
  path: z.string(),
  root: z.string(),
  kind: z.string(),
  line: z.number().describe("1-based line of the indexed text (the file's own line for code, Markdown, text)"),
  page: z.number().optional().describe("1-based page (PDF)"),
  column: z.number(),
  text: z.string(),
  before: z.array(z.string()).optional(),
  after: z.array(z.string()).optional(),
});

export const grepOutput = {
  matches: z.array(matchSchema),
  nextCursor: z.string().optional(),
  candidates: z
    .enum(["ngram", "scan"])
    .describe("ngram: files came from the n-gram index; scan: the pattern has no literal of 3+ characters"),
  documentsRead: z.number(),
  incomplete: z.string().optional().describe("why the page stopped short (time limit); go on with nextCursor"),
};

type GrepArgs = z.infer<z.ZodObject<typeof grepInput>>;

export async function grepTool(ctx: ServerContext, args: GrepArgs) {
  const answer = await runGrep(ctx.store, {
    pattern: args.pattern,
    fixedStrings: args.literal,
    ignoreCase: args.ignoreCase,
    wordRegexp: args.wordRegexp,
    context: args.context,
    limit: args.limit,
    cursor: args.cursor,
    filters: filtersFrom(ctx, args),
  });
  return toolResult({ ...answer }, formatGrepText(answer, args.pattern));
}

export function registerGrepTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "grep",
    {
      title: "Exact and regex search",
      description:
        "Find every line that matches a literal or a regular expression (ripgrep syntax) in the indexed " +
        "text of the workspace's files (code, Markdown, text, and the text of PDF, Word and HTML files), " +
        "with path, line (and page for PDFs) and optional context lines. Exact, like ripgrep: use it for " +
        "identifiers, error messages and patterns; use `search` for ranked passages on a topic.",
      inputSchema: grepInput,
      outputSchema: grepOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => runTool(ctx, "grep", () => grepTool(ctx, args)),
  );
}
