/**
 * The approximate nearest-neighbour index of the SQLite store (indexers/sqlite/ann/), on real
 * SQLite files and the real usearch graph, against exact cosine search computed here over the
 * same vectors: answers, filters, the delta of vectors changed since the file, two
 * connections, a damaged file (text, truncated, overwritten: never mapped, never a hang, rebuilt),
 * and a model switch.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../indexers/sqlite/index.js";
import { ANN_MIN_VECTORS } from "../../indexers/sqlite/ann/refresh.js";
import { annFiles } from "../../indexers/sqlite/ann/usearch-file.js";
import type { SearchHit } from "../../indexers/store.js";
import { makeChunks, makeRecord } from "./store-contract.js";
import { storeModule } from "./helpers/transpile.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "docindex-ann-"));
let counter = 0;
const dbFile = (): string => path.join(tmp, `db-${counter++}`, "index.db");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DIMS = 24;
const DOCS = 60;
/** Enough chunks for the store to want an index file. */
const PER_DOC = Math.ceil((ANN_MIN_VECTORS * 1.2) / DOCS);

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** Vectors around 40 centres, as embeddings cluster by topic. */
function clustered(seed: number): () => Float32Array {
  const next = random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-9)) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: DIMS }, gauss));
  return () => {
    const centre = centres[Math.floor(next() * centres.length)]!;
    return Float32Array.from(centre, (x) => x + 0.6 * gauss());
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

interface Corpus {
  store: SqliteStore;
  file: string;
  /** chunk id → (path, kind, vector) */
  chunks: Map<string, { path: string; kind: string; vector: Float32Array }>;
  sample: () => Float32Array;
}

/** DOCS documents, one in ten a PDF, PER_DOC chunks each, all embedded. */
async function corpus(file = dbFile()): Promise<Corpus> {
  const store = await openSqliteStore(file, { log: () => undefined });
  await store.setVectorModel({ id: "test-model", dimensions: DIMS });
  const sample = clustered(11);
  const chunks: Corpus["chunks"] = new Map();
  for (let d = 0; d < DOCS; d++) {
    const docPath = `doc-${d}.${d % 10 === 0 ? "pdf" : "md"}`;
    const kind = d % 10 === 0 ? "pdf" : "markdown";
    const docChunks = makeChunks(
      docPath,
      Array.from({ length: PER_DOC }, (_, i) => `chunk ${i} of ${d}`),
    );
    await store.upsertDocument(makeRecord(docPath, { kind }), docChunks);
    const vectors = docChunks.map((c) => ({ chunkId: c.id, vector: sample() }));
    for (const v of vectors) chunks.set(v.chunkId, { path: docPath, kind, vector: v.vector });
    await store.putVectors(vectors);
  }
  return { store, file, chunks, sample };
}

function exactTop(c: Corpus, query: Float32Array, limit: number, kind?: string): string[] {
  return [...c.chunks]
    .filter(([, v]) => kind === undefined || v.kind === kind)
    .map(([id, v]) => ({ id, score: cosine(query, v.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((x) => x.id);
}

function recall(hits: SearchHit[], exact: string[]): number {
  const found = new Set(hits.map((h) => h.chunkId));
  return exact.filter((id) => found.has(id)).length / exact.length;
}

async function semantic(store: SqliteStore, vector: Float32Array, limit = 10, kinds?: string[]) {
  return store.search({
    query: "",
    mode: "semantic",
    vector,
    limit,
    ...(kinds ? { filters: { kinds: kinds as never } } : {}),
  });
}

describe("SQLite approximate vector index", () => {
  it("writes an index file once enough vectors exist, and answers as exact search does", async () => {
    const c = await corpus();
    await c.store.vectorIndexSettled();
    expect(annFiles(c.file)).toHaveLength(1);
    // The graph's file counts in the index's size.
    const graphBytes = fs.statSync(annFiles(c.file)[0]!.path).size;
    expect((await c.store.stats()).sizeBytes).toBeGreaterThanOrEqual(
      fs.statSync(c.file).size + graphBytes,
    );
    expect((await c.store.stats()).vectorSearch).toEqual({
      mode: "approximate",
      indexFile: annFiles(c.file)[0]!.path,
      changedSinceIndexFile: 0,
    });
    let total = 0;
    let filtered = 0;
    for (let q = 0; q < 20; q++) {
      const query = c.sample();
      const hits = await semantic(c.store, query);
      expect(hits).toHaveLength(10);
      expect(c.store.lastSearchPlan()?.kind).toBe("approximate");
      total += recall(hits, exactTop(c, query, 10));
      // A kind that keeps one document in ten: `limit` still counts hits that pass.
      const pdfHits = await semantic(c.store, query, 10, ["pdf"]);
      expect(pdfHits).toHaveLength(10);
      expect(pdfHits.every((h) => h.kind === "pdf")).toBe(true);
      expect(c.store.lastSearchPlan()?.kind).toBe("approximate");
      filtered += recall(pdfHits, exactTop(c, query, 10, "pdf"));
      // Scores are exact cosine similarities, whichever way the candidates came.
      const best = c.chunks.get(hits[0]!.chunkId)!;
      expect(hits[0]!.score).toBeCloseTo(cosine(query, best.vector), 5);
    }
    expect(total / 20).toBeGreaterThanOrEqual(0.95);
    expect(filtered / 20).toBeGreaterThanOrEqual(0.95);
    await c.store.close();
  });

  it("sees vectors written after the file at once, and another connection sees the same", async () => {
    const c = await corpus();
    await c.store.vectorIndexSettled();
    const [before] = annFiles(c.file);
    const query = c.sample();
    const added = makeChunks("late.md", ["a late chunk"]);
    await c.store.upsertDocument(makeRecord("late.md", { kind: "markdown" }), added);
    await c.store.putVectors([{ chunkId: added[0]!.id, vector: query }]);
    // Deleting a document takes its vectors out of answers before any refresh.
    const gone = (await semantic(c.store, c.sample(), 1))[0]!.path;
    await c.store.deleteDocuments(makeRecord(gone).root, [gone]);
    expect(annFiles(c.file)[0]?.path).toBe(before!.path);
    const hits = await semantic(c.store, query);
    expect(hits[0]!.path).toBe("late.md");
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    const reader = await openSqliteStore(c.file, { readonly: true, log: () => undefined });
    expect((await semantic(reader, query)).map((h) => h.chunkId)).toEqual(
      hits.map((h) => h.chunkId),
    );
    for (let q = 0; q < 5; q++) {
      expect((await semantic(c.store, c.sample(), 50)).some((h) => h.path === gone)).toBe(false);
    }
    await reader.close();
    await c.store.close();
  });

  it("searches exactly while the index file is unreadable, says so, and rebuilds it", async () => {
    const c = await corpus();
    await c.store.vectorIndexSettled();
    await c.store.close();
    const [file] = annFiles(c.file);
    fs.writeFileSync(file!.path, "not an index");
    const logged: string[] = [];
    const store = await openSqliteStore(c.file, {
      log: (level, message, fields) => logged.push(`${level} ${message} ${JSON.stringify(fields)}`),
    });
    const query = c.sample();
    const hits = await semantic(store, query);
    expect(hits.map((h) => h.chunkId)).toEqual(exactTop(c, query, 10));
    expect(store.lastSearchPlan()).toEqual({ kind: "exact", why: "the index file is unreadable" });
    expect((await store.stats()).vectorSearch).toEqual({
      mode: "exact",
      reason: "the index file is unreadable",
    });
    expect(logged.join("\n")).toMatch(/unreadable/);
    // The next refresh finds the file unreadable and builds a new one from the stored vectors.
    const db = (await import("better-sqlite3")).default;
    const { refreshAnnFile } = await import("../../indexers/sqlite/ann/refresh.js");
    const direct = new db(c.file);
    const result = refreshAnnFile(direct, c.file);
    direct.close();
    expect(result.action).toBe("built");
    expect(result.reason).toMatch(/cannot be read/);
    // The rebuilt file serves searches again, without a warning.
    logged.length = 0;
    expect(recall(await semantic(store, query), exactTop(c, query, 10))).toBeGreaterThanOrEqual(
      0.9,
    );
    expect(logged).toEqual([]);
    expect(store.lastSearchPlan()?.kind).toBe("approximate");
    await store.close();
  });

  /** One refresh in a child process, killed if it takes longer than `ms`: a hang fails. */
  function refreshInChild(
    file: string,
    ms = 120_000,
  ): Promise<{ action: string; reason?: string }> {
    const fixture = fileURLToPath(new URL("./fixtures/ann-refresh-once.mjs", import.meta.url));
    const root = path.dirname(path.dirname(path.dirname(storeModule())));
    const child = spawn(process.execPath, [fixture, root, file], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the refresh hung on a damaged file (${ms} ms)`));
      }, ms);
      child.once("exit", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(JSON.parse(out) as { action: string; reason?: string });
        else reject(new Error(`refresh exited ${code}: ${err}`));
      });
    });
  }

  const ANN_DAMAGES: [string, (file: string) => void][] = [
    ["truncated", (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2))],
    [
      "overwritten in the middle",
      (f) => {
        const fd = fs.openSync(f, "r+");
        fs.writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, Math.floor(fs.statSync(f).size / 2));
        fs.closeSync(fd);
      },
    ],
    [
      "overwritten at the start",
      (f) => {
        const fd = fs.openSync(f, "r+");
        fs.writeSync(fd, Buffer.alloc(8192, 0xff), 0, 8192, 0);
        fs.closeSync(fd);
      },
    ],
  ];

  for (const [how, damageFile] of ANN_DAMAGES) {
    it(`a graph file ${how}: the refresh never hangs, and searches stay right`, async () => {
      const c = await corpus();
      await c.store.vectorIndexSettled();
      await c.store.close();
      const [file] = annFiles(c.file);
      damageFile(file!.path);
      // A search never maps the damaged file (usearch would crash the process on it): exact.
      const store = await openSqliteStore(c.file, {
        log: () => undefined,
        refreshVectorIndex: false,
      });
      const query = c.sample();
      expect((await semantic(store, query)).map((h) => h.chunkId)).toEqual(exactTop(c, query, 10));
      expect(store.lastSearchPlan()).toEqual({
        kind: "exact",
        why: "the index file is unreadable",
      });
      // The refresh (in a child: a hang fails by the timeout) rebuilds it from the stored vectors.
      const result = await refreshInChild(c.file);
      expect(result.action).toBe("built");
      expect(result.reason).toMatch(/cannot be read/);
      const reopened = await openSqliteStore(c.file, {
        log: () => undefined,
        refreshVectorIndex: false,
      });
      expect(
        recall(await semantic(reopened, query), exactTop(c, query, 10)),
      ).toBeGreaterThanOrEqual(0.9);
      expect(reopened.lastSearchPlan(), JSON.stringify(annFiles(c.file))).toMatchObject({
        kind: "approximate",
      });
      await reopened.close();
      await store.close();
    }, 180_000);
  }

  it("drops the index file when the model changes: vectors of two models never mix", async () => {
    const c = await corpus();
    await c.store.vectorIndexSettled();
    expect(annFiles(c.file)).toHaveLength(1);
    await c.store.setVectorModel({ id: "other-model", dimensions: DIMS });
    await c.store.vectorIndexSettled();
    expect(annFiles(c.file)).toHaveLength(0);
    expect(await semantic(c.store, c.sample())).toEqual([]);
    await c.store.close();
  });

  it("keeps the index's vectors within 1.3x of their raw bytes", async () => {
    const store = await openSqliteStore(dbFile(), {
      log: () => undefined,
      refreshVectorIndex: false,
    });
    await store.setVectorModel({ id: "m", dimensions: 384 });
    const count = 3000;
    const chunks = makeChunks(
      "big.md",
      Array.from({ length: count }, (_, i) => `chunk ${i}`),
    );
    await store.upsertDocument(makeRecord("big.md"), chunks);
    await store.putVectors(
      chunks.map((c, i) => ({ chunkId: c.id, vector: new Float32Array(384).fill(i) })),
    );
    const bytes = store.db
      .prepare(
        "SELECT sum(pgsize) FROM dbstat WHERE name IN ('chunk_vectors', 'sqlite_autoindex_chunk_vectors_1')",
      )
      .pluck()
      .get() as number;
    expect(bytes / (count * 384 * 4)).toBeLessThanOrEqual(1.3);
    await store.close();
  });

  it("survives kill -9 in the middle of writing the index file: search stays exact-correct, the next refresh completes", async () => {
    const c = await corpus();
    await c.store.vectorIndexSettled();
    await c.store.close();
    const fixture = path.join(
      path.dirname(fileURLToPath(import.meta.url)),
      "fixtures",
      "ann-refresher.mjs",
    );
    const root = path.dirname(path.dirname(path.dirname(storeModule())));
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [fixture, root, c.file], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
      // Somewhere in a build, a save or a log trim.
      await new Promise((resolve) => setTimeout(resolve, 150 + round * 170));
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      const store = await openSqliteStore(c.file, {
        log: () => undefined,
        refreshVectorIndex: false,
      });
      for (let q = 0; q < 3; q++) {
        const query = c.sample();
        expect(recall(await semantic(store, query), exactTop(c, query, 10))).toBeGreaterThanOrEqual(
          0.9,
        );
      }
      await store.close();
    }
    const store = await openSqliteStore(c.file, { log: () => undefined });
    await store.vectorIndexSettled();
    expect(annFiles(c.file)).toHaveLength(1);
    expect(fs.readdirSync(path.dirname(c.file)).filter((f) => f.includes(".ann-tmp-"))).toEqual([]);
    await semantic(store, c.sample());
    expect(store.lastSearchPlan()?.kind).toBe("approximate");
    await store.close();
  });
});
