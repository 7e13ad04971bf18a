import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { SourceFile } from "../../scanners/types.js";

/** sha256 of a file's bytes, streamed so that a 50 MB PDF does not sit in memory twice. */
export async function hashFile(absPath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(absPath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The content hash of a listed file, "" for a refused one: its content is a symlink target the
 * admission rule keeps out, and even a hash of a short secret gives it away.
 */
export async function hashSourceFile(file: SourceFile): Promise<string> {
  return file.refused ? "" : hashFile(file.absPath);
}
