import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** sha256 of a file's bytes, streamed so that a 50 MB PDF does not sit in memory twice. */
export async function hashFile(absPath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(absPath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
