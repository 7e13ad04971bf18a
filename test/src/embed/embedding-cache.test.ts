import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openEmbeddingCache, type EmbeddingCache } from "../../../src/embed/embedding-cache.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

const dirs: string[] = [];
const caches: EmbeddingCache[] = [];

afterEach(() => {
  caches.splice(0).forEach((c) => c.close());
  dirs.splice(0).forEach(removeDir);
});

function open(path: string): EmbeddingCache {
  const cache = openEmbeddingCache(path);
  caches.push(cache);
  return cache;
}

describe("embedding cache (real SQLite file)", () => {
  it("stores float32 vectors by (model, key) and finds them again after reopening", () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const path = `${dir}/nested/embeddings.db`;
    const cache = open(path);
    cache.putMany("openai:a", [
      ["k1", Float32Array.from([0.5, -0.25, 1])],
      ["k2", Float32Array.from([1, 2])],
    ]);
    cache.putMany("local:b", new Map([["k1", Float32Array.from([9])]]));
    expect(cache.count()).toBe(3);
    expect(cache.count("openai:a")).toBe(2);
    cache.close();

    const again = open(path);
    const found = again.getMany("openai:a", ["k1", "k2", "k3", "k1"]);
    expect([...found.keys()].sort()).toEqual(["k1", "k2"]);
    expect(Array.from(found.get("k1")!)).toEqual([0.5, -0.25, 1]);
    expect(Array.from(again.getMany("local:b", ["k1"]).get("k1")!)).toEqual([9]);
    expect(again.getMany("other", ["k1"]).size).toBe(0);
  });

  it("uses WAL mode and answers lookups of more keys than one query takes", () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const path = `${dir}/embeddings.db`;
    const cache = open(path);
    const entries = Array.from({ length: 1200 }, (_, i): [string, Float32Array] => [
      `key${i}`,
      Float32Array.from([i]),
    ]);
    cache.putMany("m", entries);
    const found = cache.getMany(
      "m",
      entries.map(([k]) => k),
    );
    expect(found.size).toBe(1200);
    expect(found.get("key1199")![0]).toBe(1199);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("copies vectors out of subarrays without their neighbours", () => {
    const cache = open(":memory:");
    const big = Float32Array.from([1, 2, 3, 4, 5]);
    cache.putMany("m", [["mid", big.subarray(1, 3)]]);
    expect(Array.from(cache.getMany("m", ["mid"]).get("mid")!)).toEqual([2, 3]);
  });

  it("takes at most 1.3x the bytes of the vectors it holds (384 dimensions, sha256 keys)", () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const path = `${dir}/embeddings.db`;
    const cache = open(path);
    const count = 3000;
    const entries = Array.from({ length: count }, (_, i): [string, Float32Array] => [
      createHash("sha256").update(String(i)).digest("hex"),
      new Float32Array(384).fill(i),
    ]);
    cache.putMany("Xenova/bge-small-en-v1.5", entries);
    cache.close();
    // Closing checkpoints the WAL into the file.
    const bytes = statSync(path).size;
    expect(bytes / (count * 384 * 4)).toBeLessThanOrEqual(1.3);
    expect(
      open(path).getMany("Xenova/bge-small-en-v1.5", [entries[7]![0]]).get(entries[7]![0])![0],
    ).toBe(7);
  });

  it("upgrades a version 1 file in place, keeping every vector", () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const path = `${dir}/embeddings.db`;
    const old = new Database(path);
    old.exec(`CREATE TABLE embeddings (model TEXT NOT NULL, key TEXT NOT NULL, dims INTEGER NOT NULL,
      vector BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID`);
    const hexKey = createHash("sha256").update("a chunk").digest("hex");
    const insert = old.prepare("INSERT INTO embeddings VALUES (?, ?, ?, ?, 1)");
    insert.run("m", hexKey, 2, Buffer.from(Float32Array.from([1, 2]).buffer));
    insert.run("m", "not-a-hash", 1, Buffer.from(Float32Array.from([3]).buffer));
    insert.run("other", hexKey, 1, Buffer.from(Float32Array.from([4]).buffer));
    old.pragma("user_version = 1");
    old.close();
    const cache = open(path);
    expect(Array.from(cache.getMany("m", [hexKey]).get(hexKey)!)).toEqual([1, 2]);
    expect(Array.from(cache.getMany("m", ["not-a-hash"]).get("not-a-hash")!)).toEqual([3]);
    expect(Array.from(cache.getMany("other", [hexKey]).get(hexKey)!)).toEqual([4]);
    expect(cache.count()).toBe(3);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(2);
    expect(db.pragma("page_size", { simple: true })).toBe(8192);
    db.close();
  });
});
