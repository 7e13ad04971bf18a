/**
 * The approximate nearest-neighbour index as a file: usearch's HNSW graph with float16 copies
 * of the vectors, named after what it holds, beside the SQLite index:
 * `<index>.ann-<generation>-<seq>-<crc32>.usearch`. The generation is the (index, model) token
 * of `vector_model`; seq the last vector_log row it includes; crc32 that of the file's bytes.
 * A file is written under a temporary name and renamed, so a reader sees a whole file or none,
 * and the name says which vectors the file holds, and what its bytes must sum to, without a
 * second file that could disagree with it.
 *
 * Why usearch (indexers/README.md has the figures): a prebuilt N-API binary for each platform
 * (no compiler at install, Node 20 to 26), HNSW with float16 storage (i8 lost a seventh of
 * recall@10 on 384 dimensions), and `view()`, which maps a file instead of reading it: every
 * search reader thread and process shares one copy in the page cache.
 */
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";

export interface AnnMatches {
  keys: BigUint64Array;
  distances: Float32Array;
}

export interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vector: Float32Array, k: number, threads: number): AnnMatches;
  remove(keys: bigint | BigUint64Array): number | number[];
  contains(key: bigint): boolean;
  size(): number;
  save(path: string): void;
  load(path: string): void;
  view(path: string): void;
}

interface UsearchModule {
  Index: new (config: Record<string, unknown>) => UsearchIndex;
}

/**
 * Graph degree and search breadth. Degree 16 left a twentieth of the neighbours of 1M clustered
 * vectors unreachable whatever the search breadth (recall@10 0.94); 32 reached 0.97, for a
 * build half as long again (indexers/README.md).
 */
const CONNECTIVITY = 32;
const EXPANSION_ADD = 64;
const EXPANSION_SEARCH = 200;

let loaded: UsearchModule | null | undefined;

/** usearch when its binary loads on this platform, else undefined (search stays exact). */
export function usearch(): UsearchModule | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("usearch") as UsearchModule;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

export function newIndex(lib: UsearchModule, dimensions: number): UsearchIndex {
  return new lib.Index({
    dimensions,
    metric: "cos",
    quantization: "f16",
    connectivity: CONNECTIVITY,
    expansion_add: EXPANSION_ADD,
    expansion_search: EXPANSION_SEARCH,
  });
}

const MAGIC = "usearch";
const HEAD_BYTES = 64;

/** crc32 of a file's bytes, as 8 hex digits (zlib's: hardware-assisted, a few GB/s). */
export function fileChecksum(file: string): string {
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let sum = 0;
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;)
      sum = crc32(buffer.subarray(0, n), sum);
    return sum.toString(16).padStart(8, "0");
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Throws unless `file` is whole: its bytes sum to the crc32 in its name (files written before
 * names carried one skip this), and it has the layout usearch writes: a vectors matrix (rows
 * and row bytes as two u32 or two u64, then the rows) followed by a 64-byte head starting
 * "usearch". usearch checks neither: a 12-byte file of text makes its own check read past the
 * end (2.25), and a file overwritten inside its graph maps fine and crashes the process on the
 * first search. So no file reaches view() or load() without this check.
 */
export function checkAnnFile(annFile: AnnFile | string): void {
  const file = typeof annFile === "string" ? annFile : annFile.path;
  const expected = typeof annFile === "string" ? undefined : annFile.checksum;
  checkLayout(file);
  if (expected !== undefined) {
    const actual = fileChecksum(file);
    if (actual !== expected)
      throw new Error(`${file} is damaged (its crc32 is ${actual}, its name says ${expected})`);
  }
}

function checkLayout(file: string): void {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const first = Buffer.alloc(16);
    if (fs.readSync(fd, first, 0, 16, 0) < 16)
      throw new Error(`${file} is too short for an index file`);
    const layouts = [
      BigInt(first.readUInt32LE(0)) * BigInt(first.readUInt32LE(4)) + 8n,
      first.readBigUInt64LE(0) * first.readBigUInt64LE(8) + 16n,
    ];
    for (const offset of layouts) {
      if (offset + BigInt(HEAD_BYTES) > BigInt(size)) continue;
      const head = Buffer.alloc(MAGIC.length);
      fs.readSync(fd, head, 0, head.length, Number(offset));
      if (head.toString("latin1") === MAGIC) return;
    }
    throw new Error(`${file} is not a usearch index file (no head after its vectors)`);
  } finally {
    fs.closeSync(fd);
  }
}

export interface AnnFile {
  path: string;
  generation: string;
  seq: number;
  /** crc32 of the file's bytes; undefined for a file written before names carried it. */
  checksum?: string;
}

const FILE_PATTERN = /^(.*)\.ann-([0-9a-f]+)-(\d+)(?:-([0-9a-f]{8}))?\.usearch$/;

/** Every index file (any generation) of the SQLite index at `dbPath`, newest seq first. */
export function annFiles(dbPath: string): AnnFile[] {
  const dir = path.dirname(dbPath);
  const base = path.basename(dbPath);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const files: AnnFile[] = [];
  for (const name of names) {
    const match = FILE_PATTERN.exec(name);
    if (match === null || match[1] !== base) continue;
    const file: AnnFile = {
      path: path.join(dir, name),
      generation: match[2]!,
      seq: Number(match[3]),
    };
    if (match[4] !== undefined) file.checksum = match[4];
    files.push(file);
  }
  return files.sort((a, b) => b.seq - a.seq);
}

/**
 * The file a search may use for `generation`: the newest of it whose seq is at or above the
 * log's floor (below it, rows the file lacks were deleted from the log), if any.
 */
export function usableAnnFile(
  files: AnnFile[],
  generation: string,
  floor: number,
  skip: (file: AnnFile) => boolean = () => false,
): AnnFile | undefined {
  return files.find((f) => f.generation === generation && f.seq >= floor && !skip(f));
}

export function annFileName(
  dbPath: string,
  generation: string,
  seq: number,
  checksum: string,
): string {
  return `${dbPath}.ann-${generation}-${seq}-${checksum}.usearch`;
}

/** Writes `index` as the file for (generation, seq): to a temporary name, then renamed. */
export function saveAnnFile(
  index: UsearchIndex,
  dbPath: string,
  generation: string,
  seq: number,
): AnnFile {
  const temporary = `${dbPath}.ann-tmp-${process.pid}-${Date.now()}`;
  try {
    index.save(temporary);
    const checksum = fileChecksum(temporary);
    const target = annFileName(dbPath, generation, seq, checksum);
    fs.renameSync(temporary, target);
    return { path: target, generation, seq, checksum };
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Deletes the index files older than `keep` or of another generation (all of them without
 * `keep`), and temporary files a killed writer left. A newer file, which another process may
 * have just written, stays. A reader that has a deleted file mapped keeps its mapping.
 */
export function removeStaleAnnFiles(dbPath: string, keep: AnnFile | undefined): void {
  for (const file of annFiles(dbPath)) {
    // Same seq, other name: the damaged file a rebuild replaced (or another process's twin).
    const stale =
      keep === undefined ||
      file.generation !== keep.generation ||
      file.seq < keep.seq ||
      (file.seq === keep.seq && file.path !== keep.path);
    if (stale) fs.rmSync(file.path, { force: true });
  }
  const dir = path.dirname(dbPath);
  const prefix = `${path.basename(dbPath)}.ann-tmp-`;
  for (const name of safeReaddir(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (pid !== process.pid && !processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
