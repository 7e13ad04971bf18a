import { createHash } from "node:crypto";
import { closeSync, createReadStream, readFileSync } from "node:fs";
import type { SourceFile } from "../../scanners/types.js";
import { openListedFile } from "../../scanners/walk/index.js";

/**
 * Files up to this size are read in one synchronous call: a stream (or fs.promises.readFile)
 * costs an open, an fstat, reads and a close, each a trip through the event loop, which
 * dominated hashing a tree of small files; reading 256 KB blocks the thread for well under a
 * millisecond.
 */
const WHOLE_READ_BYTES = 256 * 1024;

/** A listed file with what reading it told: its hash and, from the descriptor, size and mtime. */
export type HashedFile = SourceFile & { sha256: string; size: number; mtimeMs: number };

/**
 * The content hash of a listed file, "" for a refused one: its content is a symlink target the
 * admission rule keeps out, and even a hash of a short secret gives it away. size, mtimeMs and
 * a "too large" skipReason come from the fstat of the descriptor that is hashed
 * (openListedFile), so the row describes the bytes it was given.
 */
export async function hashSourceFile(file: SourceFile): Promise<HashedFile> {
  if (file.refused)
    return { ...file, sha256: "", size: file.size ?? 0, mtimeMs: file.mtimeMs ?? 0 };
  const opened = openListedFile(file);
  try {
    const hash = createHash("sha256");
    if (opened.size <= WHOLE_READ_BYTES) {
      // Read to the end, even if it grew since the fstat: the bytes read are the bytes hashed.
      hash.update(readFileSync(opened.fd));
    } else {
      // Streamed, so that a 50 MB PDF does not sit in memory twice.
      const stream = createReadStream(file.absPath, { fd: opened.fd, autoClose: false });
      for await (const chunk of stream) hash.update(chunk as Buffer);
    }
    const { size, mtimeMs, skipReason } = opened;
    return { ...file, sha256: hash.digest("hex"), size, mtimeMs, skipReason };
  } finally {
    closeSync(opened.fd);
  }
}
