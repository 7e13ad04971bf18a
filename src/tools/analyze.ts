/**
 * The `analyze` tool: a document's outline, statistics, key terms, related documents and
 * duplicates; the same for a set of documents given by a glob; or, with no path, an overview
 * of the whole index.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import {
  allDocuments,
  analyzeDocument,
  analyzeSet,
  corpusOverview,
  isGlob,
  matchDocuments,
  type CorpusOverview,
  type DocumentAnalysis,
  type SetAnalysis,
} from "../analysis/analyze.js";
import { DocindexError } from "../errors.js";
import { formatBytes } from "../inventory/markdown.js";
import { pickRoot } from "../server/confine.js";
import { readablePath } from "../server/readable-path.js";
import type { ServerContext } from "../server/context.js";
import { runTool, toolResult } from "./tool-kit.js";
import { summarizeDocuments } from "../analysis/summary.js";
import type { DocumentRecord } from "../../indexers/store.js";
import type { Logger } from "../log.js";

export const analyzeInput = {
  path: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe(
      'A file (relative to its root) or a glob such as "docs/**/*.md". Leave out for an overview of the whole index.',
    ),
  root: z
    .string()
    .optional()
    .describe("The root, when several are served (absolute path or folder name)."),
  summarize: z
    .boolean()
    .default(false)
    .describe(
      "Also ask the configured LLM for a summary that cites the passages it used (needs llmModel).",
    ),
  question: z
    .string()
    .max(2000)
    .optional()
    .describe("With summarize: focus the summary on this question."),
};

export const analyzeOutput = {
  scope: z.enum(["document", "set", "corpus"]),
  document: z.record(z.string(), z.unknown()).optional(),
  set: z.record(z.string(), z.unknown()).optional(),
  corpus: z.record(z.string(), z.unknown()).optional(),
  summary: z
    .object({
      text: z.string().optional(),
      notice: z.string().optional(),
      model: z.string().optional(),
      usedFallback: z.boolean().optional(),
      citations: z.array(z.record(z.string(), z.unknown())).optional(),
      usage: z.object({ promptTokens: z.number(), completionTokens: z.number() }).optional(),
      latencyMs: z.number().optional(),
    })
    .optional(),
};

type AnalyzeArgs = z.infer<z.ZodObject<typeof analyzeInput>>;

function documentText(a: DocumentAnalysis): string {
  const s = a.statistics;
  const lines = [
    `${a.path} (${a.kind}${a.language ? `, ${a.language}` : ""}${a.title ? `, "${a.title}"` : ""})`,
    `${formatBytes(a.size)}, ${s.words} words, ${s.lines} lines, ~${s.estimatedTokens} tokens, ${a.chunks} chunks` +
      `${a.pageCount !== undefined ? `, ${a.pageCount} pages` : ""}.`,
  ];
  if (a.outline.length > 0) {
    lines.push("Outline:");
    for (const entry of a.outline.slice(0, 40)) {
      const where = entry.lines
        ? ` (lines ${entry.lines.start}-${entry.lines.end})`
        : entry.page !== undefined && !entry.title.startsWith("Page")
          ? ` (page ${entry.page})`
          : "";
      lines.push(`${"  ".repeat(Math.max(0, entry.level - 1))}- ${entry.title}${where}`);
    }
    if (a.outline.length > 40) lines.push(`  … ${a.outline.length - 40} more`);
  }
  if (a.keyTerms.length > 0) lines.push(`Key terms: ${a.keyTerms.map((t) => t.term).join(", ")}.`);
  if (a.related.length > 0) {
    lines.push("Related:");
    for (const r of a.related)
      lines.push(
        `- ${r.path}${r.sharedTerms.length ? ` (shares ${r.sharedTerms.join(", ")})` : ""}`,
      );
  }
  lines.push(
    a.duplicates.length > 0
      ? `Duplicates: ${a.duplicates.map((d) => `${d.path} (${d.kind}${d.kind === "near" ? ` ${d.similarity}` : ""})`).join(", ")}.`
      : "No duplicates in the index.",
  );
  return lines.join("\n");
}

function setText(a: SetAnalysis): string {
  const kinds = Object.entries(a.byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const lines = [
    `${a.matched} indexed documents match ${a.pattern} (${kinds || "none"}): ${a.statistics.words} words, ~${a.statistics.estimatedTokens} tokens.`,
  ];
  if (a.keyTerms.length > 0) lines.push(`Key terms: ${a.keyTerms.map((t) => t.term).join(", ")}.`);
  for (const d of a.documents.slice(0, 30))
    lines.push(`- ${d.path}: ${d.words} words, ${d.chunks} chunks`);
  if (a.documents.length > 30) lines.push(`… ${a.matched - 30} more`);
  if (a.duplicates.length > 0) {
    lines.push("Duplicates:");
    for (const d of a.duplicates.slice(0, 30))
      lines.push(`- ${d.a} ~ ${d.b} (${d.kind}${d.kind === "near" ? ` ${d.similarity}` : ""})`);
  }
  return lines.join("\n");
}

function corpusText(c: CorpusOverview): string {
  const lines = [
    `${c.documents} files (${Object.entries(c.byStatus)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ")}), ${c.chunks} chunks, ${formatBytes(c.totalBytes)}.`,
    `By kind: ${
      Object.entries(c.byKind)
        .map(([k, v]) => `${k} ${v.files} (${formatBytes(v.bytes)})`)
        .join(", ") || "none"
    }.`,
  ];
  if (c.largest.length > 0)
    lines.push(
      `Largest: ${c.largest.map((d) => `${d.path} (${formatBytes(d.size)})`).join(", ")}.`,
    );
  if (c.mostChunked.length > 0)
    lines.push(`Most chunks: ${c.mostChunked.map((d) => `${d.path} (${d.chunks})`).join(", ")}.`);
  if (c.failures.length > 0) {
    lines.push("Not indexed:");
    for (const f of c.failures) lines.push(`- ${f.path}: ${f.status}: ${f.reason}`);
  }
  return lines.join("\n");
}

async function withSummary(
  ctx: ServerContext,
  args: AnalyzeArgs,
  docs: DocumentRecord[],
  structured: Record<string, unknown>,
  text: string,
  log: Logger,
) {
  if (!args.summarize) return toolResult(structured, text);
  const summary = await summarizeDocuments(ctx.settings, ctx.store, docs, {
    question: args.question,
    log,
  });
  const cites = (summary.citations ?? []).map(
    (c) =>
      `[${c.n}] ${c.path}${c.lines ? `:${c.lines.start}-${c.lines.end}` : c.page !== undefined ? ` (page ${c.page})` : ""}`,
  );
  const summaryText = summary.text
    ? `\n\nSummary (${summary.model}):\n${summary.text}${cites.length > 0 ? `\n\nSources:\n${cites.join("\n")}` : ""}`
    : `\n\nNo summary: ${summary.notice}`;
  return toolResult({ ...structured, summary }, text + summaryText);
}

export async function analyzeTool(ctx: ServerContext, args: AnalyzeArgs, log: Logger = ctx.log) {
  if (args.path === undefined) {
    const corpus = await corpusOverview(ctx.store);
    return toolResult({ scope: "corpus", corpus }, corpusText(corpus));
  }
  if (isGlob(args.path)) {
    const roots = args.root !== undefined ? [pickRoot(ctx.roots, args.root)] : ctx.roots;
    if (args.path.startsWith("/") || args.path.split("/").includes("..")) {
      throw new DocindexError(
        "OUTSIDE_ROOT",
        `glob '${args.path}' must be relative to a root, without '..'`,
      );
    }
    const docs = matchDocuments(
      await allDocuments(ctx.store, roots),
      args.path.replace(/^\.\//, ""),
    );
    if (docs.length === 0)
      throw new DocindexError("NOT_FOUND", `no indexed document matches '${args.path}'`);
    const set = await analyzeSet(ctx.store, args.path, docs);
    return withSummary(ctx, args, docs, { scope: "set", set }, setText(set), log);
  }
  const { root, path } = await readablePath(ctx, args.path, args.root);
  const doc = await ctx.store.getDocument(root, path);
  if (!doc)
    throw new DocindexError("NOT_FOUND", `'${path}' is not in the index (see \`inventory\`)`);
  if (doc.status !== "indexed")
    throw new DocindexError(
      "NOT_FOUND",
      `'${path}' was not indexed: ${doc.status}: ${doc.reason ?? ""}`,
    );
  const vectorize = ctx.vectors.enabled
    ? async (text: string) => (await ctx.vectors.queryVector(text)).vector
    : undefined;
  const document = await analyzeDocument(ctx.store, ctx.roots, doc, {
    vectorize,
    rrfK: ctx.settings.rrfK,
  });
  return withSummary(
    ctx,
    args,
    [doc],
    { scope: "document", document },
    documentText(document),
    log,
  );
}

export function registerAnalyzeTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "analyze",
    {
      title: "Analyze documents",
      description:
        "Computed facts about a document or a set of documents: outline (headings or pages), statistics " +
        "(words, lines, estimated tokens), key terms that set it apart from the rest of the index, related " +
        'documents, and exact or near duplicates. Give a file path or a glob ("docs/**/*.md"); give no path ' +
        "for an overview of the whole index (kinds, sizes, largest and most-chunked files, failures). " +
        "With `summarize: true` (and an LLM configured) it adds a summary citing the passages it used.",
      inputSchema: analyzeInput,
      outputSchema: analyzeOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => runTool(ctx, "analyze", (log) => analyzeTool(ctx, args, log)),
  );
}
