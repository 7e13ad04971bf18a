/**
 * A run over given paths of one root instead of a whole walk: what the watcher sends after a
 * burst of file events, and what the `reindex` tool does when it is given paths. Each path is
 * judged by the root's admission rule, as the walker judges it: an admitted file is indexed if
 * it changed, a refused one (a symlink whose target may not be read) becomes a skipped row
 * with the reason, and a path that is gone, excluded or a folder leaves the index, together
 * with whatever was stored under it and is gone now too (a removed or renamed directory).
 */
import type { Admission } from "../../scanners/walk/index.js";
import { listedFile } from "../../scanners/walk/index.js";
import type { SourceFile } from "../../scanners/types.js";
import { join } from "node:path";
import { applyChanges, type Candidate, type RunCounters } from "./apply-changes.js";
import { applyContext, runWithSummary, type PipelineOptions, type RunSummary } from "./reindex.js";

export interface ReindexPathsOptions extends PipelineOptions {
  /** Realpath of the root. */
  root: string;
  /** Root-relative POSIX paths of files or directories that may have changed. */
  paths: Iterable<string>;
  /** The root's admission rule: the same one the walker applies. */
  admission: Admission;
}

/** The file as the walker would list it now, or undefined if the walker would not list it. */
function fileAt(
  admission: Admission,
  rel: string,
  maxFileSizeBytes: number,
): SourceFile | undefined {
  const { verdict, size, mtimeMs } = admission.judgePath(rel);
  if (size === undefined || mtimeMs === undefined) return undefined;
  const root = admission.root;
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  const facts = { size, mtimeMs }; // judgePath stat'ed it anyway: the unchanged check needs no other.
  return listedFile(root, rel, name, join(root, rel), verdict, maxFileSizeBytes, facts);
}

export async function reindexPaths(options: ReindexPathsOptions): Promise<RunSummary> {
  const { root, store, settings, admission } = options;
  const paths = [...new Set(options.paths)].filter((p) => p !== "").sort();
  return runWithSummary(options, [root], "reindex paths", async (counters: RunCounters, log) => {
    const maxBytes = Math.round(settings.maxFileSizeMb * 1024 * 1024);
    const candidates: Candidate[] = [];
    const gone: string[] = [];
    const handled = new Set<string>();
    for (const given of paths) {
      let file = fileAt(admission, given, maxBytes);
      let rel = given;
      if (file === undefined) {
        // An attachment is re-read with the message it came in, never deleted on its own.
        const container = (await store.getDocument(root, given))?.container;
        if (container !== undefined) {
          rel = container;
          file = fileAt(admission, rel, maxBytes);
        }
      }
      if (handled.has(rel)) continue;
      handled.add(rel);
      if (file === undefined) {
        gone.push(rel);
        continue;
      }
      counters.scanned++;
      candidates.push({ file, known: await store.getDocument(root, rel) });
    }
    if (gone.length > 0) {
      const below = await storedPathsUnder(options, gone, maxBytes);
      if (below.gone.length > 0) counters.deleted += await store.deleteDocuments(root, below.gone);
      candidates.push(...below.refused);
    }
    await applyChanges(
      candidates,
      applyContext(root, options, log, (done, total, path) =>
        options.onProgress?.({
          phase: "indexing",
          root,
          scanned: paths.length,
          total,
          done,
          current: path || undefined,
        }),
      ),
      counters,
    );
  });
}

/**
 * The stored paths equal to, or under, each of `paths` (a gone path may have been a directory)
 * that are gone now; and those that are refused now, whose rows must be rewritten.
 */
async function storedPathsUnder(
  options: ReindexPathsOptions,
  paths: string[],
  maxBytes: number,
): Promise<{ gone: string[]; refused: Candidate[] }> {
  const gone = new Set<string>();
  const refused: Candidate[] = [];
  for (const rel of paths) {
    if (await options.store.getDocument(options.root, rel)) gone.add(rel);
    let cursor: string | undefined;
    do {
      const page = await options.store.documents(
        { roots: [options.root], pathPrefix: rel + "/" },
        { cursor, limit: 1000 },
      );
      for (const doc of page.items) {
        // An attachment goes with its message (deleteDocuments), which is listed here too.
        if (doc.container !== undefined) continue;
        // Stored paths under a directory that still exists are only gone if they are gone on disk.
        const file = fileAt(options.admission, doc.path, maxBytes);
        if (file === undefined) gone.add(doc.path);
        else if (file.refused) refused.push({ file, known: doc });
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
  return { gone: [...gone], refused };
}
