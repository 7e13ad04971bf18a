/**
 * A run over given paths of one root instead of a whole walk: what the watcher sends after a
 * burst of file events, and what the `reindex` tool does when it is given paths. A path that
 * exists, is a file and is not ignored is indexed if it changed; a path that is gone or now
 * ignored leaves the index, and so does everything that was stored under it (a removed or
 * renamed directory).
 */
import { lstat, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { IgnoreMatcher } from "../../scanners/walk/index.js";
import { formatTooLarge } from "../../scanners/walk/too-large.js";
import { kindForPath } from "../../scanners/detect/kind.js";
import type { SourceFile } from "../../scanners/types.js";
import { applyChanges, type Candidate, type RunCounters } from "./apply-changes.js";
import {
  applyContext,
  runWithSummary,
  type PipelineOptions,
  type ReindexSummary,
} from "./reindex.js";

export interface ReindexPathsOptions extends PipelineOptions {
  /** Realpath of the root. */
  root: string;
  /** Root-relative POSIX paths of files or directories that may have changed. */
  paths: Iterable<string>;
  matcher: IgnoreMatcher;
}

/** Whether a path, or any directory above it, is ignored. */
function isIgnoredPath(matcher: IgnoreMatcher, rel: string): boolean {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    if (matcher.isIgnored(parts.slice(0, i).join("/"), true)) return true;
  }
  return matcher.isIgnored(rel, false);
}

/** The file as the walker would yield it, or undefined if the walker would not yield it. */
async function sourceFileAt(
  root: string,
  rel: string,
  maxFileSizeBytes: number,
): Promise<SourceFile | undefined> {
  const absPath = join(root, rel);
  let info = await lstat(absPath).catch(() => undefined);
  if (info?.isSymbolicLink()) {
    // Like the walker: a link is followed only when its target stays inside the root.
    const target = await realpath(absPath).catch(() => undefined);
    const inside = target !== undefined && !relative(root, target).startsWith(".." + sep);
    info = inside ? await stat(absPath).catch(() => undefined) : undefined;
  }
  if (!info?.isFile()) return undefined;
  const file: SourceFile = {
    root,
    path: rel,
    absPath,
    size: info.size,
    mtimeMs: info.mtimeMs,
    kind: kindForPath(rel),
  };
  if (info.size > maxFileSizeBytes) file.skipReason = formatTooLarge(info.size, maxFileSizeBytes);
  return file;
}

export async function reindexPaths(options: ReindexPathsOptions): Promise<ReindexSummary> {
  const { root, store, settings } = options;
  const paths = [...new Set(options.paths)].filter((p) => p !== "").sort();
  return runWithSummary(options, [root], "reindex paths", async (counters: RunCounters, log) => {
    const maxBytes = Math.round(settings.maxFileSizeMb * 1024 * 1024);
    const candidates: Candidate[] = [];
    const gone: string[] = [];
    for (const rel of paths) {
      const file = isIgnoredPath(options.matcher, rel)
        ? undefined
        : await sourceFileAt(root, rel, maxBytes);
      if (file === undefined) {
        gone.push(rel);
        continue;
      }
      counters.scanned++;
      const known = await store.getDocument(root, rel);
      candidates.push({ file, known });
    }
    if (gone.length > 0) {
      const toDelete = await storedPathsUnder(options, gone);
      if (toDelete.length > 0) counters.deleted += await store.deleteDocuments(root, toDelete);
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

/** The stored paths equal to, or under, each of `paths` (a gone path may have been a directory). */
async function storedPathsUnder(options: ReindexPathsOptions, paths: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const rel of paths) {
    if (await options.store.getDocument(options.root, rel)) found.add(rel);
    let cursor: string | undefined;
    do {
      const page = await options.store.documents(
        { roots: [options.root], pathPrefix: rel + "/" },
        { cursor, limit: 1000 },
      );
      for (const doc of page.items) {
        // Stored paths under a directory that still exists are only gone if they are gone on disk.
        if (
          !(await sourceFileAt(options.root, doc.path, Number.MAX_SAFE_INTEGER)) ||
          isIgnoredPath(options.matcher, doc.path)
        ) {
          found.add(doc.path);
        }
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
  return [...found];
}
