/**
 * The `search` tool: ranked, citable passages from the indexed workspace.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { FILE_KINDS, type FileKind } from "../../scanners/types.js";
import { estimateTokens } from "../../scanners/chunk/index.js";
import type { SearchFilters } from "../../indexers/store.js";
import { DocindexError } from "../errors.js";
import { pickRoot } from "../server/confine.js";
import type { ServerContext } from "../server/context.js";
import { citation, roundScore, type PublicSearchResult } from "../search/format.js";
import { bestPerDocument, reciprocalRankFusion } from "../search/fusion.js";
import { runSearchQuery, type SearchAnswer } from "../search/run-search.js";
import { parseSince } from "../search/since.js";
import { runTool, toolResult } from "./tool-kit.js";

const resultSchema = z.object({
  path: z.string().describe("path relative to its root"),
  root: z.string().describe("absolute path of the root the file is in"),
  score: z.number(),
  snippet: z.string(),
  kind: z.string(),
  title: z.string().optional(),
  headingPath: z.array(z.string()),
  lines: z.object({ start: z.number(), end: z.number() }).optional(),
  page: z.number().optional(),
  chunkId: z.string(),
  matchedBy: z
    .array(z.enum(["lexical", "semantic"]))
    .optional()
    .describe("which rankings found it (hybrid)"),
  text: z.string().optional().describe("the whole passage; present when maxTokens is given"),
  definition: z
    .object({ name: z.string(), kind: z.string(), line: z.number() })
    .optional()
    .describe(
      "the passage defines this identifier, which the query names; such passages come first",
    ),
});

export const searchInput = {
  query: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .optional()
    .describe("What to look for: words, an identifier, or a question."),
  queries: z
    .array(z.string().trim().min(1).max(2000))
    .min(1)
    .max(10)
    .optional()
    .describe(
      "Several queries answered together (instead of `query`); results are fused across them.",
    ),
  limit: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe("Results to return (1-100, default 10)."),
  mode: z
    .enum(["lexical", "semantic", "hybrid"])
    .optional()
    .describe(
      "lexical = BM25 keywords; semantic and hybrid need an embedder. Default: hybrid when vectors exist, else lexical.",
    ),
  path: z
    .string()
    .max(1000)
    .optional()
    .describe('Only paths matching this glob, e.g. "docs/**/*.md".'),
  pathPrefix: z
    .string()
    .max(1000)
    .optional()
    .describe('Only paths under this prefix, e.g. "src/".'),
  kind: z
    .array(z.enum(FILE_KINDS as [FileKind, ...FileKind[]]))
    .optional()
    .describe("Only these kinds of file."),
  modifiedSince: z
    .string()
    .max(64)
    .optional()
    .describe('Only files modified since a date ("2026-01-31") or an age ("7d", "12h").'),
  root: z
    .string()
    .optional()
    .describe("Only this root (absolute path or folder name), when several are served."),
  perDocument: z.boolean().default(true).describe("At most one passage per file (default true)."),
  maxTokens: z
    .number()
    .int()
    .min(50)
    .max(200_000)
    .optional()
    .describe("Token budget: return the whole text of as many passages as fit, best first."),
};

export const searchOutput = {
  mode: z.enum(["lexical", "semantic", "hybrid"]),
  notice: z.string().optional(),
  results: z.array(resultSchema),
  searches: z
    .array(z.object({ query: z.string(), results: z.array(resultSchema) }))
    .optional()
    .describe("per-query results when `queries` was given"),
  truncated: z.boolean().optional().describe("true when maxTokens cut results off"),
};

type SearchArgs = z.infer<z.ZodObject<typeof searchInput>>;
type Result = z.infer<typeof resultSchema>;

/**
 * Several queries' results fused into one list, with the same fusion (and the same `rrfK`) as
 * hybrid search, keyed by root and chunk so that two roots' copies of one file both stay.
 */
function fuseQueries(
  answers: SearchAnswer[],
  args: Pick<SearchArgs, "limit" | "perDocument">,
  rrfK: number,
): PublicSearchResult[] {
  const fused = reciprocalRankFusion(
    answers.map((answer) => answer.results),
    rrfK,
  );
  // Each query kept its best passage per file; across queries a file can still come twice.
  return (args.perDocument ? bestPerDocument(fused) : fused)
    .slice(0, args.limit)
    .map((result) => ({ ...result, score: roundScore(result.score) }));
}

/** Adds each passage's whole text while the budget lasts; the first always fits. */
async function packIntoBudget(
  ctx: ServerContext,
  results: PublicSearchResult[],
  maxTokens: number,
): Promise<{ results: Result[]; truncated: boolean }> {
  const packed: Result[] = [];
  let used = 0;
  for (const result of results) {
    const chunks = await ctx.store.getChunks(result.root, result.path);
    const text = chunks.find((c) => c.id === result.chunkId)?.text ?? result.snippet;
    const cost = estimateTokens(text) + estimateTokens(result.path) + 20;
    if (packed.length > 0 && used + cost > maxTokens) return { results: packed, truncated: true };
    used += cost;
    packed.push({ ...result, text });
  }
  return { results: packed, truncated: false };
}

/** The filter arguments `search` shares with `grep`, as store filters. */
export function filtersFrom(
  ctx: ServerContext,
  args: Pick<SearchArgs, "root" | "path" | "pathPrefix" | "kind" | "modifiedSince">,
): SearchFilters {
  const filters: SearchFilters = {};
  if (args.root !== undefined) filters.roots = [pickRoot(ctx.roots, args.root)];
  if (args.path) filters.pathGlob = args.path;
  if (args.pathPrefix) filters.pathPrefix = args.pathPrefix.replace(/^\.\//, "");
  if (args.kind && args.kind.length > 0) filters.kinds = args.kind;
  if (args.modifiedSince) filters.modifiedSinceMs = parseSince(args.modifiedSince, "modifiedSince");
  return filters;
}

function renderText(
  mode: string,
  results: Result[],
  notice: string | undefined,
  several: boolean,
  empty: string,
): string {
  const lines: string[] = [];
  if (notice) lines.push(`Note: ${notice}`);
  if (results.length === 0) {
    lines.push(empty);
    return lines.join("\n");
  }
  lines.push(
    `${results.length} result${results.length === 1 ? "" : "s"} (${mode}${several ? ", fused across queries" : ""}):`,
  );
  results.forEach((r, i) => {
    const heading = r.headingPath.length > 0 ? ` — ${r.headingPath.join(" > ")}` : "";
    const defines = r.definition ? ` [defines ${r.definition.kind} ${r.definition.name}]` : "";
    lines.push(`${i + 1}. ${citation(r)}${heading}${defines} (score ${r.score})`);
    lines.push(`   ${(r.text ?? r.snippet).replace(/\s+/g, " ").trim()}`);
  });
  return lines.join("\n");
}

export async function searchTool(ctx: ServerContext, args: SearchArgs) {
  const queries = args.queries ?? (args.query !== undefined ? [args.query] : []);
  if (queries.length === 0) {
    throw new DocindexError(
      "USAGE",
      "search needs `query` (a string), or `queries` (a list of strings)",
    );
  }
  if (args.query !== undefined && args.queries !== undefined) {
    throw new DocindexError("USAGE", "give either `query` or `queries`, not both");
  }
  const filters = filtersFrom(ctx, args);
  const answers: SearchAnswer[] = [];
  for (const query of queries) {
    answers.push(
      await runSearchQuery(
        ctx.searcher,
        { query, limit: args.limit, mode: args.mode, filters, perDocument: args.perDocument },
        ctx.vectors,
        { rrfK: ctx.settings.rrfK, candidates: ctx.settings.hybridCandidates },
        ctx.store,
      ),
    );
  }
  const several = answers.length > 1;
  let results: Result[] = several
    ? fuseQueries(answers, args, ctx.settings.rrfK)
    : answers[0]!.results;
  let truncated: boolean | undefined;
  if (args.maxTokens !== undefined)
    ({ results, truncated } = await packIntoBudget(ctx, results, args.maxTokens));
  const { mode, notice } = answers[0]!;
  // Counting the index costs a query: only an empty answer needs to know.
  const empty =
    results.length > 0
      ? ""
      : (await ctx.store.stats()).chunks === 0
        ? "The index is empty: nothing has been indexed yet (see `inventory`; indexing may still be running)."
        : `No results for ${queries.map((q) => JSON.stringify(q)).join(", ")}. Try other words, or fewer filters.`;
  const structured: Record<string, unknown> = { mode, results };
  if (notice) structured.notice = notice;
  if (several) structured.searches = answers.map((a) => ({ query: a.query, results: a.results }));
  if (truncated !== undefined) structured.truncated = truncated;
  return toolResult(structured, renderText(mode, results, notice, several, empty));
}

export function registerSearchTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "search",
    {
      title: "Search the workspace",
      description:
        "Search the indexed documents of the workspace (code, Markdown, text, HTML, PDF, Word) and get the " +
        "best-matching passages with their file path, line range or page, and heading. Use it first whenever " +
        "you need to find where something is written or defined; exact identifiers and natural-language " +
        "questions both work. Then use `read_document` to read more around a hit.",
      inputSchema: searchInput,
      outputSchema: searchOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => runTool(ctx, "search", () => searchTool(ctx, args)),
  );
}
