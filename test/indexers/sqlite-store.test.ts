import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../indexers/sqlite/index.js";
import { SCHEMA_VERSION } from "../../indexers/sqlite/schema.js";
import { makeChunks, makeRecord, runStoreContract } from "./store-contract.js";
import { storeModule } from "./helpers/transpile.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "docindex-sqlite-"));
let counter = 0;
const dbFile = (): string => path.join(tmp, `db-${counter++}`, "nested", "index.db");
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "writer.mjs");

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

runStoreContract("sqlite", () => openSqliteStore(dbFile()));

function startWriter(dbPath: string, mode: "crash" | "replace"): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WRITER, storeModule(), dbPath, mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on("exit", () => resolve());
  });
}

describe("SQLite store specifics", () => {
  beforeAll(() => {
    storeModule();
  });

  it("creates the parent directory, uses WAL and records the schema version", async () => {
    const file = dbFile();
    const store = await openSqliteStore(file);
    expect(fs.existsSync(path.dirname(file))).toBe(true);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("synchronous", { simple: true })).toBe(1);
    await store.close();
    const reopened = await openSqliteStore(file);
    // One row per migration, none added by reopening.
    expect(reopened.db.prepare("SELECT count(*) FROM schema_version").pluck().get()).toBe(
      SCHEMA_VERSION,
    );
    await reopened.close();
  });

  it("refuses an index written by a newer schema, with an actionable error", async () => {
    const file = dbFile();
    await (await openSqliteStore(file)).close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_version (version) VALUES (99)").run();
    db.close();
    await expect(openSqliteStore(file)).rejects.toMatchObject({ code: "SCHEMA_TOO_NEW" });
  });

  it("caps search results at 1000", async () => {
    const store = await openSqliteStore(dbFile());
    await store.upsertDocument(
      makeRecord("big.txt"),
      makeChunks(
        "big.txt",
        Array.from({ length: 1500 }, (_, i) => `word ${i}`),
      ),
    );
    expect(await store.search({ query: "word", limit: 5000, mode: "lexical" })).toHaveLength(1000);
    expect(await store.search({ query: "word", limit: 0, mode: "lexical" })).toEqual([]);
    await store.close();
  });

  it("opens read-only for readers in other processes", async () => {
    const file = dbFile();
    const writer = await openSqliteStore(file);
    await writer.upsertDocument(makeRecord("a.txt"), makeChunks("a.txt", ["readonly check"]));
    const reader = await openSqliteStore(file, { readonly: true });
    expect(
      (await reader.search({ query: "readonly", limit: 5, mode: "lexical" })).map((h) => h.path),
    ).toEqual(["a.txt"]);
    await expect(reader.upsertDocument(makeRecord("b.txt"), [])).rejects.toThrow(/readonly/i);
    await reader.close();
    await writer.close();
  });

  it("keeps the vectors of unchanged chunks when a document is replaced", async () => {
    const store = await openSqliteStore(dbFile());
    await store.setVectorModel({ id: "m", dimensions: 2 });
    const chunks = makeChunks("a.md", ["unchanged part", "old part"]);
    await store.upsertDocument(makeRecord("a.md"), chunks);
    await store.putVectors(
      chunks.map((c) => ({ chunkId: c.id, vector: new Float32Array([1, 0]) })),
    );
    const edited = makeChunks("a.md", ["unchanged part", "new part"]);
    edited[0] = { ...chunks[0]! };
    await store.upsertDocument(makeRecord("a.md"), edited);
    expect((await store.chunksWithoutVectors(10)).map((p) => p.text)).toEqual(["new part"]);
    expect(store.db.prepare("SELECT count(*) FROM chunk_vectors").pluck().get()).toBe(1);
    await store.close();
  });

  it("writes a document twice in one batch: only the last version is found, the FTS index stays intact", async () => {
    // The store inserts a batch's FTS rows after its other rows; a document written twice in a
    // batch must not leave the first version's rows (or a duplicate rowid) behind.
    const store = await openSqliteStore(dbFile());
    await store.upsertDocument(makeRecord("b.md"), makeChunks("b.md", ["bystander text"]));
    await store.upsertDocuments([
      { doc: makeRecord("a.md"), chunks: makeChunks("a.md", ["first zebra", "first yak"]) },
      { doc: makeRecord("c.md"), chunks: makeChunks("c.md", ["another walrus"]) },
      { doc: makeRecord("a.md"), chunks: makeChunks("a.md", ["second zebra"]) },
    ]);
    const paths = async (query: string) =>
      (await store.search({ query, mode: "lexical", limit: 10 })).map((h) => h.path);
    expect(await paths("yak")).toEqual([]);
    expect(await paths("first")).toEqual([]);
    expect(await paths("zebra")).toEqual(["a.md"]);
    expect(await paths("second")).toEqual(["a.md"]);
    expect(await paths("walrus")).toEqual(["c.md"]);
    expect(await paths("bystander")).toEqual(["b.md"]);
    const fts = store.db.prepare("SELECT count(*) FROM chunks_fts").pluck().get();
    expect(fts).toBe(store.db.prepare("SELECT count(*) FROM chunks").pluck().get());
    expect(() =>
      store.db.exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')"),
    ).not.toThrow();
    await store.close();
  });

  it("computes the same distances with and without the sqlite-vec extension", async () => {
    const withVec = await openSqliteStore(dbFile());
    const withJs = await openSqliteStore(dbFile(), { sqliteVec: false });
    let seed = 7;
    const random = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
    for (const store of [withVec, withJs]) {
      seed = 7;
      await store.setVectorModel({ id: "m", dimensions: 16 });
      const texts = Array.from({ length: 50 }, (_, i) => `chunk ${i}`);
      const chunks = makeChunks("a.txt", texts);
      await store.upsertDocument(makeRecord("a.txt"), chunks);
      await store.putVectors(
        chunks.map((c) => ({ chunkId: c.id, vector: Float32Array.from({ length: 16 }, random) })),
      );
    }
    const query = Float32Array.from({ length: 16 }, random);
    const a = await withVec.search({ query: "", limit: 50, mode: "semantic", vector: query });
    const b = await withJs.search({ query: "", limit: 50, mode: "semantic", vector: query });
    expect(b.map((h) => h.chunkId)).toEqual(a.map((h) => h.chunkId));
    b.forEach((h, i) => expect(h.score).toBeCloseTo(a[i]!.score, 5));
    await withVec.close();
    await withJs.close();
  });

  it("readers in another connection never see a half-replaced document while another process writes", async () => {
    const file = dbFile();
    await (await openSqliteStore(file)).close();
    const child = await startWriter(file, "replace");
    const reader = await openSqliteStore(file, { readonly: true });
    const versions = new Set<string>();
    try {
      const until = Date.now() + 2000;
      while (Date.now() < until) {
        const hits = await reader.search({ query: "shared", limit: 1000, mode: "lexical" });
        const marks = new Set(hits.map((h) => /v(\d+)x(\d+)/.exec(h.text)?.[0]));
        expect(marks.size).toBe(1);
        const [mark] = [...marks];
        expect(hits).toHaveLength(Number(/x(\d+)/.exec(mark ?? "")?.[1]));
        versions.add(mark ?? "");
        const chunks = await reader.getChunks("/r", "doc.txt");
        const chunkMarks = new Set(chunks.map((c) => /v(\d+)x(\d+)/.exec(c.text)?.[0]));
        expect(chunkMarks.size).toBe(1);
        expect(chunks).toHaveLength(Number(/x(\d+)/.exec([...chunkMarks][0] ?? "")?.[1]));
      }
    } finally {
      child.kill("SIGKILL");
      await killed(child);
      await reader.close();
    }
    expect(versions.size).toBeGreaterThan(3);
  });

  it("survives SIGKILL in the middle of writing: the reopened index is consistent", async () => {
    const file = dbFile();
    for (const delay of [150, 400, 900]) {
      const child = await startWriter(file, "crash");
      await new Promise((r) => setTimeout(r, delay));
      child.kill("SIGKILL");
      await killed(child);

      const store = await openSqliteStore(file);
      const db = store.db;
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      // FTS5's integrity-check command throws SQLITE_CORRUPT_VTAB when the index is damaged.
      expect(() =>
        db.prepare("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 0)").run(),
      ).not.toThrow();
      const mismatched = db
        .prepare(
          `SELECT d.path, d.chunk_count, (SELECT count(*) FROM chunks c WHERE c.doc_id = d.id) AS actual
           FROM documents d WHERE d.chunk_count != (SELECT count(*) FROM chunks c WHERE c.doc_id = d.id)`,
        )
        .all();
      expect(mismatched).toEqual([]);
      const chunks = db.prepare("SELECT count(*) FROM chunks").pluck().get() as number;
      expect(chunks).toBeGreaterThan(0);
      // Every chunk is searchable exactly once: the FTS index matches the chunks table.
      const hits = db
        .prepare("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'shared'")
        .pluck()
        .get();
      expect(hits).toBe(chunks);
      const orphans = db
        .prepare(
          "SELECT count(*) FROM chunks_fts f WHERE chunks_fts MATCH 'shared' AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = f.rowid)",
        )
        .pluck()
        .get();
      expect(orphans).toBe(0);
      for (const doc of (await store.documents({}, { limit: 1000 })).items) {
        const stored = await store.getChunks(doc.root, doc.path);
        expect(stored).toHaveLength(doc.chunkCount ?? -1);
        expect(new Set(stored.map((c) => /v(\d+)x/.exec(c.text)?.[1])).size).toBe(1);
      }
      await store.close();
    }
  });
});
