/**
 * The `inventory` tool: what is indexed, what is not and why, and whether the index is
 * fresh (watcher, running jobs); or SYSTEM_INVENTORY.md as text.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { FILE_KINDS, type FileKind } from "../../scanners/types.js";
import type { DocumentFilter, DocumentRecord, StoreStats } from "../../indexers/store.js";
import { buildRegistry } from "../inventory/registry.js";
import { renderInventoryMarkdown } from "../inventory/markdown.js";
import { OUTSIDE_ROOTS_LINE, verdictLine, type Admission } from "../../scanners/walk/index.js";
import { pickRoot } from "../server/confine.js";
import type { ServerContext } from "../server/context.js";
import type { IndexJob } from "../server/index-jobs.js";
import { ocrSummary } from "../../scanners/ocr/marking.js";
import { iso, ocrSchema, runTool, toolResult } from "./tool-kit.js";
import { backlogSecondsLeft } from "../embed/embed-backlog.js";
import { recoveryLines, recoveryReports } from "../inventory/recoveries.js";

const STATUSES = ["indexed", "skipped", "failed"] as const;

export const inventoryInput = {
  status: z
    .array(z.enum(STATUSES))
    .optional()
    .describe('Only files with these statuses, e.g. ["failed", "skipped"].'),
  kind: z
    .array(z.enum(FILE_KINDS as [FileKind, ...FileKind[]]))
    .optional()
    .describe("Only these kinds of file."),
  pathPrefix: z
    .string()
    .max(1000)
    .optional()
    .describe('Only paths under this prefix, e.g. "docs/".'),
  root: z.string().optional().describe("Only this root (absolute path or folder name)."),
  limit: z
    .number()
    .int()
    .min(0)
    .max(500)
    .default(50)
    .describe("Files per page (0-500, default 50; 0 = summary only)."),
  cursor: z.string().max(2000).optional().describe("`nextCursor` from the previous page."),
  format: z
    .enum(["json", "markdown"])
    .default("json")
    .describe('"markdown" returns the SYSTEM_INVENTORY.md report as text instead of the list.'),
};

export const jobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.string(),
  progress: z.object({ scanned: z.number(), total: z.number(), done: z.number() }),
  queuedAt: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
});

export const inventoryOutput = {
  summary: z.object({
    roots: z.array(z.string()),
    files: z.number(),
    chunks: z.number(),
    byStatus: z.record(z.string(), z.number()),
    byKind: z.record(z.string(), z.number()),
    indexSizeBytes: z.number().optional(),
    lastIndexedAt: z.string().optional(),
    watcher: z.object({
      mode: z.string(),
      detail: z.string().optional(),
      events: z.number(),
      batches: z.number(),
    }),
    embeddings: z.object({
      state: z.enum(["off", "starting", "ready", "unavailable"]),
      model: z.string().optional(),
      reason: z.string().optional(),
      pending: z.number().optional().describe("chunks still without a vector"),
      chunksPerSecond: z
        .number()
        .optional()
        .describe("while the backlog is embedded: chunks given vectors per second, recent rounds"),
      secondsLeft: z
        .number()
        .optional()
        .describe("while the backlog is embedded: pending / chunksPerSecond"),
    }),
    jobs: z.object({
      running: jobSchema.optional(),
      queued: z.number(),
      lastFinished: jobSchema.optional(),
    }),
    recovered: z
      .array(
        z.object({
          what: z.string(),
          file: z.string(),
          movedTo: z.string(),
          reason: z.string(),
          at: z.string(),
        }),
      )
      .optional()
      .describe("damaged index or embedding-cache files that were set aside and rebuilt"),
  }),
  files: z.array(
    z.object({
      path: z.string(),
      root: z.string(),
      container: z
        .string()
        .optional()
        .describe("for a document found inside a file (an e-mail's attachment): that file's path"),
      kind: z.string(),
      size: z.number(),
      mtime: z.string(),
      status: z.string(),
      reason: z.string().optional(),
      rule: z
        .string()
        .describe(
          "what the admission rule says of the path now, and which rule decided: " +
            '"admitted: no rule excludes it", "refused: symlink target .env: default-excludes: .env", ...',
        ),
      chunks: z.number().optional(),
      title: z.string().optional(),
      ocr: ocrSchema,
    }),
  ),
  nextCursor: z.string().optional(),
};

type InventoryArgs = z.infer<z.ZodObject<typeof inventoryInput>>;

export function publicJob(job: IndexJob) {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    progress: job.progress,
    queuedAt: iso(job.queuedAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    error: job.error,
  };
}

export async function inventorySummary(ctx: ServerContext) {
  const stats = await ctx.store.stats();
  const running = ctx.jobs.active();
  const lastFinished = ctx.jobs
    .list()
    .find((job) => job.state === "done" || job.state === "failed");
  const watcher = ctx.watcherStatus();
  return {
    roots: ctx.roots,
    files: stats.documents,
    chunks: stats.chunks,
    byStatus: { ...stats.byStatus } as Record<string, number>,
    byKind: { ...stats.byKind } as Record<string, number>,
    indexSizeBytes: stats.sizeBytes,
    lastIndexedAt: iso(stats.lastIndexedAt),
    watcher: {
      mode: watcher.mode,
      detail: watcher.detail,
      events: watcher.events,
      batches: watcher.batches,
    },
    embeddings: await embeddingsSummary(ctx),
    /** Exact or approximate, and why (stores that can tell, once vectors exist). */
    vectorSearch: stats.vectorSearch,
    jobs: {
      running: running ? publicJob(running) : undefined,
      queued: ctx.jobs.pending(),
      lastFinished: lastFinished ? publicJob(lastFinished) : undefined,
      deferred: ctx.jobs.deferredWork(),
    },
    recovered: optional(recoveryReports(ctx.settings.indexDir)),
  };
}

const optional = <T>(list: T[]) => (list.length > 0 ? list : undefined);

/** The embedder's state and the backlog: what is left, the recent pace and the time left at it. */
async function embeddingsSummary(ctx: ServerContext) {
  const status = ctx.vectors.status();
  const pending = ctx.vectors.enabled ? await ctx.store.countChunksWithoutVectors() : undefined;
  const secondsLeft =
    pending !== undefined ? backlogSecondsLeft(pending, status.chunksPerSecond) : undefined;
  return {
    ...status,
    pending,
    ...(status.chunksPerSecond !== undefined
      ? { chunksPerSecond: round1(status.chunksPerSecond) }
      : {}),
    ...(secondsLeft !== undefined ? { secondsLeft: Math.ceil(secondsLeft) } : {}),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function embeddingsLine(e: Awaited<ReturnType<typeof embeddingsSummary>>): string {
  const pace =
    e.chunksPerSecond !== undefined
      ? `, embedding ${e.chunksPerSecond} chunks/s${e.secondsLeft !== undefined ? `, about ${e.secondsLeft} s left` : ""}`
      : "";
  return (
    `Embeddings: ${e.state}${e.model ? ` (${e.model})` : ""}` +
    `${e.pending ? `, ${e.pending} chunks waiting` : ""}${pace}${e.reason ? `: ${e.reason}` : ""}.`
  );
}

function vectorSearchLine(state: StoreStats["vectorSearch"]): string[] {
  if (state === undefined) return [];
  if (state.mode === "exact") return [`Vector search: exact (${state.reason}).`];
  return [
    `Vector search: approximate (graph file ${state.indexFile}; ${state.changedSinceIndexFile} vectors changed since, searched exactly).`,
  ];
}

function summaryText(summary: Awaited<ReturnType<typeof inventorySummary>>): string {
  const status = Object.entries(summary.byStatus)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  const kinds = Object.entries(summary.byKind)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const lines = [
    `Index: ${summary.files} files (${status || "none"}), ${summary.chunks} chunks.`,
    `By kind: ${kinds || "none"}.`,
    `Last indexed: ${summary.lastIndexedAt ?? "never"}. Watcher: ${summary.watcher.mode}${summary.watcher.detail ? ` (${summary.watcher.detail})` : ""}.`,
    embeddingsLine(summary.embeddings),
    ...vectorSearchLine(summary.vectorSearch),
    ...(summary.recovered ? recoveryLines(summary.recovered) : []),
  ];
  if (summary.jobs.running) {
    const p = summary.jobs.running.progress;
    lines.push(
      `Indexing now (${summary.jobs.running.id}): ${p.done}/${p.total} files, ${p.scanned} scanned.`,
    );
  }
  return lines.join("\n");
}

/**
 * Each row's verdict judged now, as `docindex explain` would: the rule in force, not the one at
 * indexing time. One admission per root and page, so the rules are read once per call.
 */
async function rulesOf(ctx: ServerContext, docs: DocumentRecord[]): Promise<string[]> {
  const byRoot = new Map<string, Promise<Admission>>();
  const out: string[] = [];
  for (const { root, path, container } of docs) {
    // An index may hold roots this server does not serve; nothing is read from those.
    if (!ctx.roots.includes(root)) {
      out.push(OUTSIDE_ROOTS_LINE);
      continue;
    }
    let admission = byRoot.get(root);
    if (admission === undefined) byRoot.set(root, (admission = ctx.admission(root)));
    // A document inside a file is admitted or refused with that file.
    out.push(verdictLine((await admission).judgePath(container ?? path).verdict, root));
  }
  return out;
}

/** Kinds whose text can come from OCR (scanned PDF pages, images). */
const OCR_KINDS = new Set(["pdf", "image"]);

/**
 * The OCR marking of each listed document. Listings carry no sections (they are the large part
 * of a record), so the indexed PDFs and images of the page are read whole for theirs.
 */
async function ocrOf(ctx: ServerContext, docs: readonly DocumentRecord[]) {
  return Promise.all(
    docs.map(async (doc) => {
      if (!OCR_KINDS.has(doc.kind) || doc.status !== "indexed") return undefined;
      return ocrSummary((await ctx.store.getDocument(doc.root, doc.path))?.sections);
    }),
  );
}

export async function inventoryTool(ctx: ServerContext, args: InventoryArgs) {
  if (args.format === "markdown") {
    const roots = args.root !== undefined ? [pickRoot(ctx.roots, args.root)] : ctx.roots;
    const parts: string[] = [];
    for (const root of roots)
      parts.push(renderInventoryMarkdown(await buildRegistry(root, ctx.settings, ctx.store)));
    const summary = await inventorySummary(ctx);
    return toolResult({ summary, files: [] }, parts.join("\n---\n\n"));
  }
  const filter: DocumentFilter = {};
  if (args.root !== undefined) filter.roots = [pickRoot(ctx.roots, args.root)];
  if (args.pathPrefix) filter.pathPrefix = args.pathPrefix.replace(/^\.\//, "");
  if (args.status) filter.statuses = [...args.status];
  if (args.kind) filter.kinds = args.kind;
  const summary = await inventorySummary(ctx);
  const page =
    args.limit > 0
      ? await ctx.store.documents(filter, { cursor: args.cursor, limit: args.limit })
      : { items: [] };
  const rules = await rulesOf(ctx, page.items);
  const ocr = await ocrOf(ctx, page.items);
  const files = page.items.map((doc, i) => ({
    path: doc.path,
    root: doc.root,
    container: doc.container,
    kind: doc.kind,
    size: doc.size,
    mtime: new Date(doc.mtimeMs).toISOString(),
    status: doc.status,
    reason: doc.reason,
    rule: rules[i]!,
    chunks: doc.chunkCount,
    title: doc.title,
    ocr: ocr[i],
  }));
  const structured: Record<string, unknown> = { summary, files };
  if ("nextCursor" in page && page.nextCursor) structured.nextCursor = page.nextCursor;
  const lines = [summaryText(summary)];
  if (files.length > 0) {
    lines.push(
      "",
      `Files (${files.length}${structured.nextCursor ? ", more with nextCursor" : ""}):`,
    );
    for (const f of files)
      lines.push(
        `- ${f.path} [${f.kind}, ${f.status}${f.reason ? `: ${f.reason}` : ""}${f.ocr ? `, OCR text, confidence ${Math.round(f.ocr.confidence)}%` : ""}]`,
      );
  }
  return toolResult(structured, lines.join("\n"));
}

export function registerInventoryTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "inventory",
    {
      title: "Inventory of the index",
      description:
        "Summarise what is in the index (files by kind and status, chunks, index size, last indexing, watcher " +
        "and indexing-job state) and list files with their status and, for files not indexed, the reason " +
        "(encrypted, binary, too large, ...). Use it to check coverage and freshness, or to find files that " +
        'failed. Filter by status, kind or path prefix; page with `cursor`. `format: "markdown"` gives a report.',
      inputSchema: inventoryInput,
      outputSchema: inventoryOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => runTool(ctx, "inventory", () => inventoryTool(ctx, args)),
  );
}
