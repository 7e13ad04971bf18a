/**
 * A file as the walker lists it, from its admission verdict: the one shape for the walker and
 * for runs over given paths, so both record a refused link, a too-large file or a plain file
 * the same way.
 */
import { kindForPath } from "../detect/kind.js";
import type { SourceFile } from "../types.js";
import { listsFile, type Verdict } from "./admission.js";
import { describeRefusal, verdictLine } from "./describe.js";
import { formatTooLarge } from "./too-large.js";

export interface ListedStats {
  size: number;
  mtimeMs: number;
}

/** undefined when the verdict makes no file row (excluded, a folder, missing). */
export function listedFile(
  root: string,
  path: string,
  absPath: string,
  verdict: Verdict,
  stats: ListedStats,
  maxFileSizeBytes: number,
): SourceFile | undefined {
  if (!listsFile(verdict)) return undefined;
  const file: SourceFile = {
    root,
    path,
    absPath,
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    kind: kindForPath(path),
  };
  if (!verdict.admitted) {
    file.refused = true;
    file.skipReason = describeRefusal(verdict.refusal, root);
    file.rule = verdictLine(verdict, root);
    return file;
  }
  if (verdict.rule !== undefined) file.rule = verdictLine(verdict, root);
  if (stats.size > maxFileSizeBytes) file.skipReason = formatTooLarge(stats.size, maxFileSizeBytes);
  return file;
}
