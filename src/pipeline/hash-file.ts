import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { SourceFile } from "../../scanners/types.js";

/**
 * Files up to this size are read in one call: a stream costs an open, a read per 64 KB, an
 * empty read and a close, each a trip through the event loop, which dominated hashing a tree of
 * small files.
 */
const WHOLE_READ_BYTES = 4 * 1024 * 1024;

/** sha256 of a file's bytes, streamed when large so that a 50 MB PDF does not sit in memory twice. */
export async function hashFile(absPath: string, size?: number): Promise<string> {
  const hash = createHash("sha256");
  if ((size ?? (await stat(absPath)).size) <= WHOLE_READ_BYTES) {
    // A file that grew since the walk is still hashed whole: the bytes read are the bytes hashed.
    return hash.update(await readFile(absPath)).digest("hex");
  }
  for await (const chunk of createReadStream(absPath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The content hash of a listed file, "" for a refused one: its content is a symlink target the
 * admission rule keeps out, and even a hash of a short secret gives it away.
 */
export async function hashSourceFile(file: SourceFile): Promise<string> {
  return file.refused ? "" : hashFile(file.absPath, file.size);
}
