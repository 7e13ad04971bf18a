/**
 * A file as the walker lists it, from its admission verdict: the one shape for the walker and
 * for runs over given paths, so both record a refused link or a plain file the same way.
 * Sizes are not judged here: the walk has none (see file-facts.ts, where "too large" is decided
 * when the file is opened).
 */
import { kindForName } from "../detect/kind.js";
import type { SourceFile } from "../types.js";
import { listsFile, type Verdict } from "./admission.js";
import { describeRefusal, verdictLine } from "./describe.js";
import type { FileFacts } from "./file-facts.js";

/**
 * undefined when the verdict makes no file row (excluded, a folder, missing). `name` is the
 * last segment of `path`; `facts` are the figures when the caller has them (a refused row must
 * have its link's own, since nothing may open it to learn them).
 */
export function listedFile(
  root: string,
  path: string,
  name: string,
  absPath: string,
  verdict: Verdict,
  sizeLimit: number,
  facts?: FileFacts,
): SourceFile | undefined {
  if (!listsFile(verdict)) return undefined;
  const file: SourceFile = { root, path, absPath, sizeLimit, kind: kindForName(name) };
  if (facts !== undefined) {
    file.size = facts.size;
    file.mtimeMs = facts.mtimeMs;
  }
  if (!verdict.admitted) {
    file.refused = true;
    file.skipReason = describeRefusal(verdict.refusal, root);
    file.rule = verdictLine(verdict, root);
    return file;
  }
  if (verdict.rule !== undefined) file.rule = verdictLine(verdict, root);
  return file;
}
