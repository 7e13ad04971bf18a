/**
 * The part of a run that both a full scan (reindex.ts) and a batch of watched paths
 * (reindex-paths.ts) share: given files that may have changed, settle the ones whose bytes did
 * not change (same sha256: record the new mtime, parse nothing) and send the rest through
 * parse → chunk → store, counting what became of each.
 */
import type { SourceFile } from "../../scanners/types.js";
import type { CatalogEntry, DocumentWrite, Store } from "../../indexers/store.js";
import type { Logger } from "../log.js";
import { forEachConcurrent } from "./concurrency.js";
import { statListedFiles } from "../../scanners/walk/index.js";
import { hashSourceFile } from "./hash-file.js";
import { DocumentWriter } from "./document-writer.js";
import { prepareFile, type FileParser, type IndexFileResult } from "./index-file.js";

export interface FileProblem {
  root: string;
  path: string;
  status: "skipped" | "failed";
  reason: string;
}

export interface RunCounters {
  scanned: number;
  added: number;
  changed: number;
  unchanged: number;
  deleted: number;
  /** What became of the files parsed in this run. */
  indexed: number;
  skipped: number;
  failed: number;
  chunksWritten: number;
  /** Skipped and failed files of this run, with reasons. */
  problems: FileProblem[];
}

export function emptyCounters(): RunCounters {
  return {
    scanned: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    deleted: 0,
    indexed: 0,
    skipped: 0,
    failed: 0,
    chunksWritten: 0,
    problems: [],
  };
}

export interface Candidate {
  file: SourceFile;
  /** What the store has for this path, if anything. */
  known?: CatalogEntry;
}

export interface ApplyContext {
  root: string;
  store: Store;
  parser: FileParser;
  chunkTokens: number;
  concurrency: number;
  log: Logger;
  /** Parse even when the bytes did not change. */
  full?: boolean;
  signal?: AbortSignal;
  onFileDone?: (done: number, total: number, path: string) => void;
}

const HASH_CONCURRENCY = 8;

/** A row written for a refused path: skipped, and never hashed (see hashSourceFile). */
function isRefusalRow(known: CatalogEntry): boolean {
  return known.status === "skipped" && known.sha256 === "";
}

function record(
  file: SourceFile,
  known: CatalogEntry | undefined,
  result: IndexFileResult,
  ctx: ApplyContext,
  counters: RunCounters,
  parts: DocumentWrite[] = [],
): void {
  if (known === undefined) counters.added++;
  else counters.changed++;
  counters[result.status]++;
  counters.chunksWritten += result.chunks;
  // Files inside the file (attachments) count as its chunks; those not read are listed too.
  for (const { doc, chunks } of parts) {
    counters.chunksWritten += chunks.length;
    if (doc.status !== "indexed")
      counters.problems.push({
        root: ctx.root,
        path: doc.path,
        status: doc.status,
        reason: doc.reason ?? "",
      });
  }
  if (result.status === "indexed") return;
  counters.problems.push({
    root: ctx.root,
    path: file.path,
    status: result.status,
    reason: result.reason ?? "",
  });
  ctx.log.debug("file not indexed", {
    path: file.path,
    status: result.status,
    reason: result.reason,
  });
}

/**
 * Size and mtime for the files the store already has, which the unchanged check compares: the
 * walk does not stat (scanners/walk/file-facts.ts). New files need none here; they get theirs
 * from the descriptor they are read through. A file gone since the walk keeps none, and is
 * then read, and recorded as unreadable.
 */
async function statKnownCandidates(candidates: Candidate[]): Promise<void> {
  const known: SourceFile[] = [];
  for (const c of candidates) if (c.known !== undefined) known.push(c.file);
  await statListedFiles(known);
}

export async function applyChanges(
  candidates: Candidate[],
  ctx: ApplyContext,
  counters: RunCounters,
): Promise<void> {
  if (!ctx.full) await statKnownCandidates(candidates);
  const work: Candidate[] = [];
  await forEachConcurrent(candidates, HASH_CONCURRENCY, async (candidate) => {
    const { file, known } = candidate;
    if (known === undefined || ctx.full) {
      work.push(candidate);
      return;
    }
    // A link that became refused, or readable again: its row changes, whatever the sizes say.
    if (file.refused === true ? !isRefusalRow(known) : isRefusalRow(known)) {
      work.push(candidate);
      return;
    }
    if (known.size === file.size && known.mtimeMs === file.mtimeMs) {
      counters.unchanged++;
      return;
    }
    // Same bytes under a new mtime (a touch, a checkout): record the mtime, parse nothing. A
    // refused link has no bytes to compare: it may point elsewhere now, so its row is rewritten.
    const hashed = await hashSourceFile(file).catch(() => undefined);
    if (
      !file.refused &&
      hashed !== undefined &&
      hashed.sha256 === known.sha256 &&
      known.size === hashed.size
    ) {
      await ctx.store.touchDocument(ctx.root, file.path, hashed.mtimeMs);
      counters.unchanged++;
    } else {
      work.push({ file: hashed ?? file, known });
    }
  });

  work.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  let done = 0;
  ctx.onFileDone?.(0, work.length, "");
  const parseContext = { parser: ctx.parser, chunkTokens: ctx.chunkTokens };
  const writer = new DocumentWriter(ctx.store);
  const commits: Promise<void>[] = [];
  let failure: unknown;
  try {
    await forEachConcurrent(
      work,
      ctx.concurrency,
      async ({ file, known }) => {
        if (failure !== undefined) throw failure;
        const { result, write } = await prepareFile(file, parseContext);
        // Counted once committed: a run that fails on a write reports only what it stored.
        const committed = writer.write(write).then(() => {
          record(file, known, result, ctx, counters, write.parts);
          ctx.onFileDone?.(++done, work.length, file.path);
        });
        committed.catch((error: unknown) => (failure ??= error));
        commits.push(committed);
      },
      ctx.signal,
    );
  } finally {
    await writer.flush();
  }
  await Promise.all(commits);
  counters.problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
