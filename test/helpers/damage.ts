/**
 * Ways a SQLite file gets damaged in the wild, applied to a real file: pages overwritten (a bad
 * copy, a disk that wrote garbage), the file cut short (a crash while copying, a full disk
 * outside SQLite's control), and the file replaced by something that is no database at all.
 */
import {
  existsSync,
  openSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
  closeSync,
} from "node:fs";

export type Damage = "overwritten" | "truncated" | "not a database";

export const DAMAGES: Damage[] = ["overwritten", "truncated", "not a database"];

/** SQLite's -wal and -shm belong to the file: a damaged copy comes without them. */
function dropCompanions(file: string): void {
  for (const suffix of ["-wal", "-shm"]) if (existsSync(file + suffix)) rmSync(file + suffix);
}

export function damage(file: string, how: Damage): void {
  dropCompanions(file);
  const size = statSync(file).size;
  if (how === "overwritten") {
    // 8 KB of a fixed pattern in the middle of the file, on a page boundary.
    const at = Math.floor(size / 2 / 8192) * 8192;
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, at);
    closeSync(fd);
  } else if (how === "truncated") {
    truncateSync(file, Math.floor(size / 2));
  } else {
    writeFileSync(file, "these are notes, not a database\n".repeat(64));
  }
}
