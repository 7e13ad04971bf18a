/**
 * Size and mtime of listed files, read where they are needed instead of during the walk: the
 * walk lists names only (rg and git never stat a file either), and a per-file lstat was over
 * half of its time. Two ways in:
 *
 * - openListedFile: for a reader (hashing, parsing). The size limit is judged on the fstat of
 *   the open descriptor, so the bytes read are the bytes judged: no window between a check
 *   and the read in which the file could grow.
 * - statListedFiles: for those that need only the figures (the pipeline's unchanged check on
 *   paths it already stores, the inventory), in time slices so a server stays responsive.
 */
import { closeSync, constants, fstatSync, openSync, statSync, type Stats } from "node:fs";
import type { SourceFile } from "../types.js";
import { DEFAULT_MAX_FILE_SIZE_BYTES } from "./options.js";
import { formatTooLarge } from "./too-large.js";

export interface FileFacts {
  size: number;
  mtimeMs: number;
}

/** "too large (…)" when `size` is over the file's limit, else undefined. The one size policy. */
export function tooLargeReason(
  file: Pick<SourceFile, "sizeLimit">,
  size: number,
): string | undefined {
  const limit = file.sizeLimit ?? DEFAULT_MAX_FILE_SIZE_BYTES;
  return size > limit ? formatTooLarge(size, limit) : undefined;
}

export interface OpenedFile extends FileFacts {
  /** The open descriptor: the caller reads from it and closes it. */
  fd: number;
  /** The file's own skipReason, or "too large" by the fstat of `fd`. */
  skipReason?: string;
}

/**
 * Opens an admitted file for reading, with its figures from the descriptor. Throws (ENOENT,
 * EACCES, …) as open(2) does; a path that is no longer a regular file (replaced by a FIFO or a
 * folder since the walk) throws too. O_NONBLOCK: opening a FIFO must not wait for a writer.
 * Never for a refused row: nothing may open what it points at.
 */
export function openListedFile(
  file: Pick<SourceFile, "absPath" | "path" | "refused" | "skipReason" | "sizeLimit">,
): OpenedFile {
  if (file.refused) throw new Error(`refused: ${file.path} may not be opened`);
  const fd = openSync(file.absPath, constants.O_RDONLY | constants.O_NONBLOCK);
  let st: Stats;
  try {
    st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`not a regular file: ${file.path}`);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const skipReason = file.skipReason ?? tooLargeReason(file, st.size);
  return { fd, size: st.size, mtimeMs: st.mtimeMs, skipReason };
}

/** stat (following links: an admitted link's content is its target's); undefined if gone. */
export function statFacts(absPath: string): FileFacts | undefined {
  try {
    const st = statSync(absPath, { throwIfNoEntry: false });
    return st === undefined ? undefined : { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined; // Unreadable folder above it, a name too long: the reader will say why.
  }
}

const TIME_SLICE_MS = 10;

/**
 * Fills in size and mtimeMs of `files` that lack them (a file that is gone keeps them
 * undefined), in place, giving the event loop a turn every 10 ms. Synchronous stats: on a tree
 * of 50,000 small files fs.promises batches took several times longer (see the walker README).
 */
export async function statListedFiles(
  files: SourceFile[],
  stat: (absPath: string) => FileFacts | undefined = statFacts,
): Promise<void> {
  let deadline = performance.now() + TIME_SLICE_MS;
  let sinceClock = 0;
  for (const file of files) {
    if (file.size !== undefined && file.mtimeMs !== undefined) continue;
    const facts = stat(file.absPath);
    if (facts !== undefined) {
      file.size = facts.size;
      file.mtimeMs = facts.mtimeMs;
    }
    // The clock every 16 stats: per stat it was 2% of the work, and 16 stats take well under 1 ms.
    if (++sinceClock % 16 === 0 && performance.now() > deadline) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      deadline = performance.now() + TIME_SLICE_MS;
    }
  }
}
