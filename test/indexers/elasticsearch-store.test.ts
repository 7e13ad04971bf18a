/**
 * The Elasticsearch store against a real Elasticsearch 8.19 node (test/elasticsearch/es-node.ts):
 * the shared Store contract, then what only this store has (alias swap on rebuild, errors for an
 * unreachable cluster, refresh-free consistency). Set DOCINDEX_ES_TESTS=0 to skip (machines
 * without Java 17 and Maven), DOCINDEX_ES_TEST_SHARDS=3 to run on three shards per index.
 */
import fs from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { Client } from "@elastic/elasticsearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import picomatch from "picomatch";
import { EsConnection } from "../../indexers/elasticsearch/connection.js";
import { globToRegexp } from "../../indexers/elasticsearch/glob-regexp.js";
import { ADDED_FIELDS } from "../../indexers/elasticsearch/mapping.js";
import {
  openElasticsearchStore,
  type ElasticsearchStoreOptions,
} from "../../indexers/elasticsearch/index.js";
import { startEsCluster, type EsCluster } from "../elasticsearch/es-node.js";
import { chunkDocument } from "../../scanners/chunk/index.js";
import { elasticsearchAvailable } from "../helpers/elasticsearch-gate.js";
import { makeChunks, makeRecord, ROOT, runStoreContract } from "./store-contract.js";
import { ndcgAt, parsedAbstract, recallAt, runScifact, SCIFACT_DIR } from "./scifact-quality.js";

const skip = !elasticsearchAvailable();
const scifact = process.env.DOCINDEX_SCIFACT === "1" && fs.existsSync(SCIFACT_DIR);

// First run: Maven downloads ~60 MB into ~/.m2 before the JVM starts.
const START_TIMEOUT = 600_000;

let es: EsCluster | undefined;
let admin: Client | undefined;
let counter = 0;
const prefix = (): string => `t${process.pid}-${counter++}`;
const url = (): string => es?.urls[0] ?? "";
// DOCINDEX_ES_TEST_SHARDS=3 runs everything on three primary shards per index.
const shards = Number(process.env.DOCINDEX_ES_TEST_SHARDS ?? "") || 1;
const open = (extra: Partial<ElasticsearchStoreOptions> = {}) =>
  openElasticsearchStore({ node: url(), indexPrefix: prefix(), shards, ...extra });

describe.skipIf(skip)("Elasticsearch store", () => {
  beforeAll(async () => {
    es = await startEsCluster({ nodes: 1 });
    admin = new Client({ node: url() });
  }, START_TIMEOUT);

  afterAll(async () => {
    await admin?.close();
    await es?.close();
  }, 60_000);

  runStoreContract("elasticsearch", () => open());

  it("opens an index written before a field was added, adds the field, and keeps its documents", async () => {
    const name = prefix();
    const older = await openElasticsearchStore({ node: url(), indexPrefix: name, shards });
    await older.upsertDocument(makeRecord("kept.txt"), makeChunks("kept.txt", ["old words stay"]));
    await older.close();
    // Make the index as a version before ADDED_FIELDS had them: the same documents in an index
    // whose mapping lacks the fields (copied over with their routing, then the alias moved; the
    // test node has no reindex module).
    const physical = Object.keys(await admin!.indices.getAlias({ name }))[0]!;
    const mapping = (await admin!.indices.getMapping({ index: physical }))[physical]!.mappings;
    const settings = (await admin!.indices.getSettings({ index: physical }))[physical]!.settings!;
    const properties = { ...mapping.properties };
    for (const field of ADDED_FIELDS) delete properties[field];
    const legacy = `${name}-000002`;
    await admin!.indices.create({
      index: legacy,
      settings: { analysis: settings.index!.analysis, number_of_shards: shards },
      mappings: { ...mapping, properties },
    });
    await admin!.indices.refresh({ index: physical });
    const all = await admin!.search({ index: physical, size: 100, query: { match_all: {} } });
    expect(all.hits.hits.length).toBeGreaterThan(1);
    await admin!.bulk({
      refresh: true,
      operations: all.hits.hits.flatMap((hit) => [
        { index: { _index: legacy, _id: hit._id, routing: hit._routing } },
        hit._source as object,
      ]),
    });
    await admin!.indices.updateAliases({
      actions: [
        { remove: { index: physical, alias: name } },
        { add: { index: legacy, alias: name, is_write_index: true } },
      ],
    });
    await admin!.indices.delete({ index: physical });
    const before = (await admin!.indices.getMapping({ index: legacy }))[legacy]!.mappings;
    expect(before.properties?.["container"]).toBeUndefined();

    const store = await openElasticsearchStore({ node: url(), indexPrefix: name, shards });
    try {
      const after = (await admin!.indices.getMapping({ index: legacy }))[legacy]!.mappings;
      expect(after.properties?.["container"]).toEqual({ type: "keyword" });
      expect(
        (await store.search({ query: "old words", limit: 5, mode: "lexical" })).map((h) => h.path),
      ).toEqual(["kept.txt"]);
      await store.upsertDocument(makeRecord("m.eml", { kind: "email" }), [], "", [
        {
          doc: makeRecord("m.eml#a.txt", { container: "m.eml" }),
          chunks: makeChunks("m.eml#a.txt", ["attached words"]),
        },
      ]);
      expect((await store.getDocument(ROOT, "m.eml#a.txt"))?.container).toBe("m.eml");
    } finally {
      await store.close();
    }
  });

  it("filters by any glob without an Elasticsearch error, as picomatch would", async () => {
    const store = await open();
    try {
      for (const p of PATHS) {
        await store.upsertDocument(makeRecord(p), makeChunks(p, ["globbed words"]));
      }
      for (const glob of GLOBS) {
        const hits = await store.search({
          query: "globbed",
          limit: 100,
          mode: "lexical",
          filters: { pathGlob: glob },
        });
        const wanted = picomatch(glob, { dot: true });
        expect(hits.map((h) => h.path).sort(), glob).toEqual(PATHS.filter((p) => wanted(p)).sort());
      }
    } finally {
      await store.close();
    }
  });

  it("breaks score ties by path as SQLite does, also past the first window of chunks", async () => {
    const store = await open();
    try {
      // Equal scores everywhere (same text, same path length); written in reverse path order,
      // so Lucene's own tie-break (index order) would put the last paths first.
      const paths = Array.from({ length: 40 }, (_, i) => `p/d${String(i).padStart(2, "0")}.md`);
      for (const p of [...paths].reverse()) {
        await store.upsertDocument(makeRecord(p), makeChunks(p, ["tied words here"]));
      }
      for (const onePerDocument of [true, false]) {
        const hits = await store.search({
          query: "tied words",
          limit: 10,
          mode: "lexical",
          onePerDocument,
        });
        expect(new Set(hits.map((h) => h.score)).size).toBe(1);
        expect(hits.map((h) => h.path)).toEqual(paths.slice(0, 10));
      }
    } finally {
      await store.close();
    }
  });

  describe("rebuild behind an alias", () => {
    it("keeps searching the old index during a rebuild and swaps atomically at the end", async () => {
      const store = await open();
      try {
        await store.upsertDocument(makeRecord("old.txt"), makeChunks("old.txt", ["walrus facts"]));
        const live = Object.keys(await admin!.indices.getAlias({ name: store.layout.live }));

        await store.beginRebuild();
        await store.upsertDocument(makeRecord("new.txt"), makeChunks("new.txt", ["walrus news"]));
        const during = await store.search({ query: "walrus", limit: 10, mode: "lexical" });
        expect(during.map((h) => h.path)).toEqual(["old.txt"]);
        expect([...(await store.catalog(ROOT)).keys()]).toEqual(["new.txt"]);
        expect((await store.stats()).documents).toBe(1);

        await store.finishRebuild();
        const after = await store.search({ query: "walrus", limit: 10, mode: "lexical" });
        expect(after.map((h) => h.path)).toEqual(["new.txt"]);
        expect([...(await store.catalog(ROOT)).keys()]).toEqual(["new.txt"]);
        const now = Object.keys(await admin!.indices.getAlias({ name: store.layout.live }));
        expect(now).not.toEqual(live);
        expect(await admin!.indices.exists({ index: live[0]! })).toBe(false);
        expect(await admin!.indices.existsAlias({ name: store.layout.rebuild })).toBe(false);
      } finally {
        await store.close();
      }
    });

    it("leaves the live index untouched when a rebuild is aborted", async () => {
      const store = await open();
      try {
        await store.upsertDocument(makeRecord("keep.txt"), makeChunks("keep.txt", ["otter"]));
        await store.beginRebuild();
        await store.upsertDocument(makeRecord("drop.txt"), makeChunks("drop.txt", ["otter"]));
        await store.abortRebuild();
        const hits = await store.search({ query: "otter", limit: 10, mode: "lexical" });
        expect(hits.map((h) => h.path)).toEqual(["keep.txt"]);
        expect([...(await store.catalog(ROOT)).keys()]).toEqual(["keep.txt"]);
        expect(await admin!.indices.existsAlias({ name: store.layout.rebuild })).toBe(false);
      } finally {
        await store.close();
      }
    });

    it("carries the vector model into the rebuilt index", async () => {
      const store = await open({ vectorModel: { id: "test:model", dimensions: 3 } });
      try {
        await store.beginRebuild();
        await store.upsertDocument(makeRecord("v.txt"), makeChunks("v.txt", ["vector text"]));
        const [pending] = await store.chunksWithoutVectors(10);
        await store.putVectors([
          { chunkId: pending!.chunkId, vector: new Float32Array([1, 0, 0]) },
        ]);
        await store.finishRebuild();
        expect(await store.getVectorModel()).toEqual({ id: "test:model", dimensions: 3 });
        const hits = await store.search({
          query: "",
          limit: 5,
          mode: "semantic",
          vector: new Float32Array([0.9, 0.1, 0]),
        });
        expect(hits.map((h) => h.path)).toEqual(["v.txt"]);
      } finally {
        await store.close();
      }
    });
  });

  describe("consistency without refreshes", () => {
    it("never shows a partly written version, even with refreshes racing the writer", async () => {
      // A one-shard index refreshed every 10 ms exposes half-written generations to the
      // searcher; the generation check must hide them.
      const store = await open({ refreshInterval: "10ms", bulkBatchSize: 7 });
      try {
        const version = (v: number): string[] =>
          Array.from({ length: 40 + (v % 3) * 13 }, (_, i) => `quagga v${v}m piece ${i}`);
        let writing = true;
        const writer = (async () => {
          for (let v = 0; v < 12; v++) {
            await store.upsertDocument(makeRecord("q.txt"), makeChunks("q.txt", version(v)));
          }
          writing = false;
        })();
        let checks = 0;
        while (writing) {
          const hits = await store.search({ query: "quagga", limit: 1000, mode: "lexical" });
          if (hits.length > 0) {
            const versions = new Set(hits.map((h) => /v(\d+)m/.exec(h.text)?.[1]));
            expect(versions.size).toBe(1);
            expect(hits).toHaveLength(version(Number([...versions][0])).length);
            checks++;
          }
        }
        await writer;
        expect(checks).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });

    it("keeps a chunk's vector when its document is replaced and the chunk is unchanged", async () => {
      const store = await open({ vectorModel: { id: "test:keep", dimensions: 2 } });
      try {
        await store.upsertDocument(makeRecord("k.txt"), makeChunks("k.txt", ["same", "old"]));
        const pending = await store.chunksWithoutVectors(10);
        await store.putVectors(
          pending.map((p) => ({ chunkId: p.chunkId, vector: new Float32Array([1, 0]) })),
        );
        expect(await store.countChunksWithoutVectors()).toBe(0);
        const [same] = makeChunks("k.txt", ["same"]);
        await store.upsertDocument(makeRecord("k.txt", { sha256: "v2" }), [
          same!,
          ...makeChunks("k.txt", ["", "new"]).slice(1),
        ]);
        const left = await store.chunksWithoutVectors(10);
        expect(left.map((p) => p.text)).toEqual(["new"]);
      } finally {
        await store.close();
      }
    });
  });

  /**
   * SciFact (BEIR) train, lexical, on both stores, as test/indexers/scifact-quality.ts does for
   * SQLite. Not a test: DOCINDEX_SCIFACT=1 npx vitest run test/indexers/elasticsearch-store.test.ts -t SciFact
   */
  describe.skipIf(!scifact)("SciFact train on Elasticsearch vs SQLite", () => {
    it("ranks within 0.01 nDCG@10 of the SQLite store", { timeout: 1_800_000 }, async () => {
      const read = (file: string) =>
        fs
          .readFileSync(path.join(SCIFACT_DIR, file), "utf8")
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => JSON.parse(l) as Record<string, string>);
      const qrels = new Map<string, Map<string, number>>();
      for (const line of fs
        .readFileSync(path.join(SCIFACT_DIR, "qrels", "train.tsv"), "utf8")
        .split("\n")
        .slice(1)) {
        const [qid, did, score] = line.trim().split("\t");
        if (qid === undefined || did === undefined || score === undefined) continue;
        qrels.set(qid, (qrels.get(qid) ?? new Map<string, number>()).set(did, Number(score)));
      }
      const store = await open({ bulkBatchSize: 1000 });
      try {
        const started = Date.now();
        for (const doc of read("corpus.jsonl")) {
          const parsed = parsedAbstract({
            _id: doc._id ?? "",
            title: doc.title ?? "",
            text: doc.text ?? "",
          });
          const docPath = `${doc._id}.md`;
          await store.upsertDocument(
            {
              root: "/beir/scifact",
              path: docPath,
              kind: "markdown",
              size: Buffer.byteLength(parsed.text),
              mtimeMs: 0,
              sha256: "",
              status: "indexed",
              indexedAt: Date.now(),
              ...(parsed.title === undefined ? {} : { title: parsed.title }),
            },
            chunkDocument(docPath, parsed),
            parsed.text,
          );
        }
        const indexMs = Date.now() - started;
        const queries = read("queries.jsonl").filter((q) => qrels.has(q._id ?? ""));
        let ndcg = 0;
        let recall = 0;
        const searchStart = Date.now();
        for (const q of queries) {
          const hits = await store.search({
            query: q.text ?? "",
            limit: 100,
            mode: "lexical",
            onePerDocument: true,
          });
          const ranked = hits.map((h) => h.path.replace(/\.md$/, ""));
          const judged = qrels.get(q._id ?? "") ?? new Map<string, number>();
          ndcg += ndcgAt(ranked, judged, 10);
          recall += recallAt(ranked, judged, 100);
        }
        const searchMs = Date.now() - searchStart;
        const sqlite = await runScifact();
        const esNdcg = ndcg / queries.length;
        console.warn(
          `SciFact train, ${queries.length} queries: Elasticsearch nDCG@10 ${esNdcg.toFixed(4)}, ` +
            `recall@100 ${(recall / queries.length).toFixed(4)} (index ${indexMs} ms, search ${searchMs} ms); ` +
            `SQLite nDCG@10 ${sqlite.ndcg10.toFixed(4)}, recall@100 ${sqlite.recall100.toFixed(4)}`,
        );
        expect(Math.abs(esNdcg - sqlite.ndcg10)).toBeLessThan(0.01);
      } finally {
        await store.close();
      }
    });
  });

  describe("faults", () => {
    it("reports an unreachable cluster as UNAVAILABLE, naming the URL", async () => {
      const port = await closedPort();
      const failure = openElasticsearchStore({
        node: `http://127.0.0.1:${port}`,
        indexPrefix: prefix(),
        retry: { attempts: 3, baseDelayMs: 50 },
      });
      await expect(failure).rejects.toMatchObject({ name: "StoreError", code: "UNAVAILABLE" });
      await expect(failure).rejects.toThrow(`127.0.0.1:${port}`);
    });

    it("opens its circuit breaker after repeated failures and fails fast", async () => {
      const port = await closedPort();
      const conn = new EsConnection(
        new Client({ node: `http://127.0.0.1:${port}`, maxRetries: 0 }),
        [`http://127.0.0.1:${port}`],
        { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
        { failureThreshold: 2, cooldownMs: 60_000 },
      );
      try {
        for (let i = 0; i < 2; i++) {
          await expect(conn.call("ping", (c) => c.info())).rejects.toMatchObject({
            code: "UNAVAILABLE",
          });
        }
        // Failing fast means the open breaker does not send the request at all.
        let sent = 0;
        const ping = (c: Client) => (sent++, c.info());
        await expect(conn.call("ping", ping)).rejects.toThrow(/calls in a row failed/);
        expect(sent).toBe(0);
      } finally {
        await conn.client.close();
      }
    });
  });
});

const GLOBS = [
  "**",
  "*",
  "*.md",
  "**/*.ts",
  "docs/**",
  "docs/**/*.ts",
  "docs/*.{md,ts}",
  "a/**/b",
  "a**b",
  "?.txt",
  "[a-c]*.md",
  "[!a]*",
  "[^a]*",
  "[^-a]x",
  "src/{a,b/{c,d}}/*.js",
  "**/.git/**",
  "!**/*.md",
  "./docs/*",
  "a\\*b",
  "file{1..3}.txt",
  "+(a|b).md",
  "[z-a]",
  "{",
  "a[",
  '"quoted".md',
  "日本語/*.md",
];
const PATHS = [
  "a.md",
  ".md",
  "x.ts",
  "docs",
  "docs/a.ts",
  "docs/sub/c.ts",
  "docs/b.md",
  "docs-old/d.ts",
  "a/b",
  "a/x/y/b",
  "axxb",
  "ax/xb",
  "b.txt",
  "ab.txt",
  "b.md",
  "cat.md",
  "src/a/x.js",
  "src/b/c/x.js",
  "src/b/x.js",
  ".git/config",
  "x/.git/y",
  "a*b",
  "file2.txt",
  "a.md/b",
  '"quoted".md',
  "日本語/東京.md",
  "z",
  "{",
  "a[",
];

describe("path globs as Lucene regexps", () => {
  it("match exactly what picomatch matches, or more where marked inexact", () => {
    for (const glob of GLOBS) {
      const { regexp, negated, exact } = globToRegexp(glob);
      const js = new RegExp(`^(?:${regexp})$`);
      const wanted = picomatch(glob, { dot: true });
      for (const p of PATHS) {
        const ours = js.test(p) !== negated;
        if (exact) expect(ours, `${glob} on ${p} (${regexp})`).toBe(wanted(p));
        else if (wanted(p)) expect(ours, `${glob} on ${p} (${regexp})`).toBe(true);
      }
    }
  });
});

/** A port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === "object" && address !== null ? address.port : 0),
      );
    });
  });
}
