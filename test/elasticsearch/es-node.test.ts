/**
 * Smoke tests for the real-Elasticsearch harness (es-node.ts): one node with the features the
 * Elasticsearch store relies on, and a three-node cluster that keeps answering while a node stops.
 * Skips with one line without Java 17 and Maven (unless DOCINDEX_REQUIRE_ES=1); DOCINDEX_ES_TESTS=0 skips.
 */
import { Client } from "@elastic/elasticsearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEsCluster, type EsCluster } from "./es-node.js";
import { elasticsearchAvailable } from "../helpers/elasticsearch-gate.js";

const skip = !elasticsearchAvailable();
// First run: Maven downloads ~60 MB into ~/.m2 before the JVM starts.
const START_TIMEOUT = 600_000;

describe.skipIf(skip)("one Elasticsearch node", () => {
  let es: EsCluster;
  let client: Client;

  beforeAll(async () => {
    es = await startEsCluster({ nodes: 1 });
    client = new Client({ node: es.urls[0]!, requestTimeout: 30_000 });
  }, START_TIMEOUT);

  afterAll(async () => {
    await client?.close();
    await es?.close();
  }, 60_000);

  it("is Elasticsearch 8.x and healthy", async () => {
    // What the benchmark reports: the JVM heap, and how long the node took to go green.
    expect(es.heap).toBe(process.env.DOCINDEX_ES_HEAP ?? "512m");
    expect(es.startSeconds).toBeGreaterThan(0);
    const info = await client.info();
    expect(info.version.number).toMatch(/^8\./);
    const health = await client.cluster.health();
    expect(["green", "yellow"]).toContain(health.status);
  });

  it("has the english analyzer, highlighting, int8 HNSW kNN, bulk and aliases", async () => {
    await client.indices.create({
      index: "chunks-1",
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          path: { type: "keyword" },
          text: { type: "text", analyzer: "english" },
          embedding: {
            type: "dense_vector",
            dims: 3,
            index: true,
            similarity: "cosine",
            index_options: { type: "int8_hnsw" },
          },
        },
      },
    });
    const bulk = await client.bulk({
      refresh: true,
      operations: [
        { index: { _index: "chunks-1", _id: "a" } },
        { path: "a.md", text: "The runners were running past the foxes", embedding: [1, 0, 0] },
        { index: { _index: "chunks-1", _id: "b" } },
        { path: "b.md", text: "Cats sleep all day", embedding: [0, 1, 0] },
        { index: { _index: "chunks-1", _id: "c" } },
        { path: "c.md", text: "A fox runs over the lazy dog", embedding: [0.9, 0.1, 0] },
      ],
    });
    expect(bulk.errors).toBe(false);

    const analyzed = await client.indices.analyze({
      analyzer: "english",
      text: "The foxes running",
    });
    expect(analyzed.tokens?.map((t) => t.token)).toEqual(["fox", "run"]);

    const lexical = await client.search({
      index: "chunks-1",
      query: { multi_match: { query: "run fox", fields: ["text"] } },
      highlight: { fields: { text: {} } },
    });
    expect(lexical.hits.hits.map((h) => h._id).sort()).toEqual(["a", "c"]);
    expect(lexical.hits.hits[0]!.highlight?.text?.[0]).toMatch(/<em>/);

    const semantic = await client.search({
      index: "chunks-1",
      knn: { field: "embedding", query_vector: [1, 0.05, 0], k: 2, num_candidates: 10 },
    });
    expect(semantic.hits.hits.map((h) => h._id)).toEqual(["a", "c"]);

    await client.indices.create({ index: "chunks-2" });
    await client.indices.updateAliases({
      actions: [{ add: { index: "chunks-1", alias: "chunks" } }],
    });
    await client.indices.updateAliases({
      actions: [
        { remove: { index: "chunks-1", alias: "chunks" } },
        { add: { index: "chunks-2", alias: "chunks" } },
      ],
    });
    expect(Object.keys(await client.indices.getAlias({ name: "chunks" }))).toEqual(["chunks-2"]);
  });
});

describe.skipIf(skip)("three Elasticsearch nodes", () => {
  let es: EsCluster;
  let client: Client;
  const DOCS = 60;

  beforeAll(async () => {
    es = await startEsCluster({ nodes: 3 });
    client = new Client({ node: es.urls[0]!, requestTimeout: 30_000 });
  }, START_TIMEOUT);

  afterAll(async () => {
    await client?.close();
    await es?.close();
  }, 60_000);

  it("forms one cluster", async () => {
    expect(es.urls).toHaveLength(3);
    const health = await client.cluster.health();
    expect(health.number_of_nodes).toBe(3);
    expect(health.status).toBe("green");
  });

  it("keeps answering with every document while node 1 stops mid-loop", async () => {
    await client.indices.create({
      index: "failover",
      settings: { number_of_shards: 3, number_of_replicas: 1 },
    });
    await client.cluster.health({ index: "failover", wait_for_status: "green", timeout: "60s" });
    await client.bulk({
      index: "failover",
      refresh: true,
      operations: Array.from({ length: DOCS }, (_, i) => [
        { index: { _id: String(i) } },
        { n: i },
      ]).flat(),
    });

    let stopping: Promise<void> | undefined;
    for (let round = 0; round < 20; round++) {
      if (round === 5) stopping = es.stopNode(1);
      const result = await client.search({ index: "failover", size: 0, track_total_hits: true });
      expect(result._shards.failed, `round ${round}`).toBe(0);
      expect(result.hits.total, `round ${round}`).toEqual({ value: DOCS, relation: "eq" });
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopping;

    const health = await client.cluster.health();
    expect(health.number_of_nodes).toBe(2);
    const other = new Client({ node: es.urls[2]!, requestTimeout: 30_000 });
    try {
      expect((await other.count({ index: "failover" })).count).toBe(DOCS);
    } finally {
      await other.close();
    }
  });
});
