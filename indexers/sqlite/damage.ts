/**
 * What a damaged SQLite file is, and what is done with one. The index and the embedding cache
 * are both derived data (the workspace and the embedder are the truth), so a damaged file is
 * never repaired in place: it is checked, moved aside for whoever wants to look at it, and a
 * new one is created. This module is the one place that decides "is this corruption" and the
 * one place that sets a file aside; src/pipeline/self-heal.ts decides what to rebuild.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** better-sqlite3's SqliteError carries SQLite's extended result code name in `.code`. */
function sqliteCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * SQLite says the file's content contradicts its own structure (SQLITE_CORRUPT and its extended
 * codes, among them SQLITE_CORRUPT_VTAB from FTS5), or that it is no database at all.
 */
export function isCorruptionError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB");
}

/** The disk (or a quota) is full: not damage, the index stays as the last commit left it. */
export function isDiskFullError(error: unknown): boolean {
  const code = sqliteCode(error) ?? (error as { code?: unknown } | undefined)?.code;
  return code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT";
}

/**
 * Checks a SQLite file with `PRAGMA quick_check` (every page and index entry is well formed;
 * O(file size), without the row-by-row index comparison of integrity_check). Undefined when it
 * is whole or does not exist; else what is wrong, in SQLite's words, on one line.
 */
export function checkSqliteFile(file: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    // Read-only: a check must not replay or create anything, and another process may be writing.
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    const rows = db.pragma("quick_check(5)", { simple: false }) as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((line) => line !== "ok");
    return problems.length === 0 ? undefined : problems.join("; ").replace(/\s+/g, " ");
  } catch (error) {
    if (isCorruptionError(error)) return (error as Error).message;
    throw error;
  } finally {
    db?.close();
  }
}

const DAMAGED_SUFFIX = ".damaged-";
/** SQLite's companions of a database file, moved with it: they belong to that file only. */
const COMPANIONS = ["-wal", "-shm", "-journal"];

/** A time that sorts and reads as a name: 2026-12-02T13-20-49-123Z. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, "-");
}

/**
 * Moves `file` (and its -wal, -shm, -journal) to `<file>.damaged-<time>`, and deletes any
 * earlier damaged copy: one is enough to look at, and an index can be large. Returns the new
 * name. The caller has closed its own connections to the file; another process's keep the
 * moved file, which is why the copy is moved, not deleted.
 */
export function setAsideDamaged(file: string, now = Date.now()): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  for (const name of safeReaddir(dir)) {
    if (name.startsWith(`${base}${DAMAGED_SUFFIX}`)) {
      fs.rmSync(path.join(dir, name), { force: true, recursive: true });
    }
  }
  const target = `${file}${DAMAGED_SUFFIX}${stamp(now)}`;
  fs.renameSync(file, target);
  for (const companion of COMPANIONS) {
    if (fs.existsSync(file + companion)) fs.renameSync(file + companion, target + companion);
  }
  return target;
}

/** The damaged copy of `file` kept by setAsideDamaged, if there is one. */
export function damagedCopyOf(file: string): string | undefined {
  const base = `${path.basename(file)}${DAMAGED_SUFFIX}`;
  const names = safeReaddir(path.dirname(file))
    .filter((n) => n.startsWith(base) && !COMPANIONS.some((c) => n.endsWith(c)))
    .sort();
  const last = names[names.length - 1];
  return last === undefined ? undefined : path.join(path.dirname(file), last);
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
