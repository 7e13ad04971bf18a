/**
 * One file through parse, chunk and store (src/pipeline/index-file.ts), with the real parser
 * pool and a real SQLite store: whatever happens to the file, it ends as a row with a status
 * and, unless indexed, the reason.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../indexers/sqlite/index.js";
import type { Store } from "../../../indexers/store.js";
import { ParserPool } from "../../../scanners/pool/parser-pool.js";
import type { FileKind, SourceFile } from "../../../scanners/types.js";
import { indexFile } from "../../../src/pipeline/index-file.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

let dir: string;
let store: Store;
let pool: ParserPool;

beforeAll(async () => {
  dir = makeTempDir();
  writeTree(dir, {
    "guide.md": "# Guide\n\nHow to feed the newts.\n",
    "data.bin": Buffer.from([0, 1, 0, 1]),
  });
  store = await openSqliteStore(join(dir, "index.db"));
  pool = new ParserPool({ size: 1, timeoutMs: 20_000 });
});
afterAll(async () => {
  await pool.close();
  await store.close();
  removeDir(dir);
});

function source(path: string, kind: FileKind, extra: Partial<SourceFile> = {}): SourceFile {
  const absPath = join(dir, path);
  let size = 0;
  let mtimeMs = 0;
  try {
    ({ size, mtimeMs } = statSync(absPath));
  } catch {
    // A file that is gone keeps the figures the walker saw; zero will do here.
  }
  return { root: dir, path, absPath, size, mtimeMs, kind, ...extra };
}

const context = () => ({ store, parser: pool, chunkTokens: 400 });

describe("indexFile", () => {
  it("stores a parsed file with its chunks, title and text", async () => {
    const result = await indexFile(source("guide.md", "markdown"), context());
    expect(result).toEqual({ status: "indexed", chunks: 1 });
    const record = await store.getDocument(dir, "guide.md");
    expect(record).toMatchObject({ status: "indexed", title: "Guide", chunkCount: 1 });
    expect(record!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.getDocumentText(dir, "guide.md")).toContain("feed the newts");
  });

  it("records the walker's reason without parsing, and binary files as skipped", async () => {
    const tooLarge = await indexFile(
      source("guide.md", "markdown", {
        path: "big.md",
        skipReason: "too large (9 MB > limit 1 MB)",
      }),
      context(),
    );
    expect(tooLarge).toEqual({
      status: "skipped",
      reason: "too large (9 MB > limit 1 MB)",
      chunks: 0,
    });
    expect(await store.getChunks(dir, "big.md")).toEqual([]);
    const binary = await indexFile(source("data.bin", "binary"), context());
    expect(binary).toEqual({ status: "skipped", reason: "binary", chunks: 0 });
    expect((await store.getDocument(dir, "data.bin"))!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("records a file that vanished after the walk as unreadable", async () => {
    const result = await indexFile(source("gone.md", "markdown", { size: 10 }), context());
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(/^unreadable: ENOENT/);
    expect(await store.getDocument(dir, "gone.md")).toMatchObject({ status: "failed", sha256: "" });
  });

  it("records a parser that cannot take the file as a parser error", async () => {
    const closed = new ParserPool({ size: 1 });
    await closed.close();
    const result = await indexFile(source("guide.md", "markdown", { path: "late.md" }), {
      ...context(),
      parser: closed,
    });
    expect(result).toEqual({
      status: "failed",
      reason: "parser error: ParserPool is closed",
      chunks: 0,
    });
    expect(await store.getDocument(dir, "late.md")).toMatchObject({
      status: "failed",
      reason: "parser error: ParserPool is closed",
    });
  });
});
