/**
 * Reading one directory's .gitignore. Since git 2.32 a .gitignore that is a symlink is not
 * followed (it would let a tree read files outside itself), so it is opened with O_NOFOLLOW.
 * Any failure (missing, a directory, unreadable) means "no patterns", as git treats it.
 */
import { closeSync, constants, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bufferToByteString } from "./byte-string.js";
import type { WalkFs } from "./options.js";

const READ_NOFOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

export function readGitignoreTextSync(dir: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, ".gitignore"), READ_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return bufferToByteString(readFileSync(fd));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export async function readGitignoreText(fs: WalkFs, dir: string): Promise<string | undefined> {
  try {
    return bufferToByteString(await fs.readFile(join(dir, ".gitignore"), READ_NOFOLLOW));
  } catch {
    return undefined;
  }
}
