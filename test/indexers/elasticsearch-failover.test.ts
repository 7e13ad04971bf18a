/**
 * The Elasticsearch store on a real three-node cluster (one replica) while the node holding the
 * index's primary shard stops mid-run: searches keep answering, writes keep landing, and no
 * indexed chunk is lost. The store gets every node's URL and fails over between them.
 * Set DOCINDEX_ES_TESTS=0 to skip.
 */
import { Client } from "@elastic/elasticsearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openElasticsearchStore,
  type ElasticsearchStore,
} from "../../indexers/elasticsearch/index.js";
import { startEsCluster, type EsCluster } from "../elasticsearch/es-node.js";
import { elasticsearchAvailable } from "../helpers/elasticsearch-gate.js";
import { makeChunks, makeRecord, ROOT } from "./store-contract.js";

const skip = !elasticsearchAvailable();

const ROUNDS = 40;
const STOP_AT = 12;

const texts = (i: number): string[] => [
  `failover document ${i} opening uniq${i}x`,
  `failover document ${i} middle`,
  `failover document ${i} closing`,
];

describe.skipIf(skip)("Elasticsearch store failover", () => {
  let es: EsCluster;
  let admin: Client;
  let store: ElasticsearchStore;

  beforeAll(async () => {
    es = await startEsCluster({ nodes: 3 });
    admin = new Client({ node: es.urls });
    store = await openElasticsearchStore({
      node: es.urls,
      indexPrefix: "failover",
      requestTimeoutMs: 20_000,
    });
  }, 600_000);

  afterAll(async () => {
    await store?.close();
    await admin?.close();
    await es?.close();
  }, 60_000);

  it(
    "keeps searching and indexing while the primary's node stops; loses no chunk",
    { timeout: 180_000 },
    async () => {
      const index = Object.keys(await admin.indices.getAlias({ name: store.layout.live }))[0]!;
      const settings = await admin.indices.getSettings({ index });
      expect(settings[index]?.settings?.index?.number_of_replicas).toBe("1");
      await admin.cluster.health({ index, wait_for_status: "green", timeout: "60s" });
      const shards = await admin.cat.shards({ index, format: "json" });
      const primaryNode = shards.find((s) => s.prirep === "p")?.node ?? "node-0";
      const victim = Number(/(\d+)$/.exec(primaryNode)?.[1] ?? 0);

      let stopping: Promise<void> = Promise.resolve();
      for (let i = 0; i < ROUNDS; i++) {
        if (i === STOP_AT) stopping = es.stopNode(victim);
        // The rounds after this one run on two nodes for sure.
        if (i === STOP_AT + 5) await stopping;
        await store.upsertDocument(makeRecord(`f/${i}.txt`), makeChunks(`f/${i}.txt`, texts(i)));
        const hits = await store.search({
          query: "failover document",
          limit: 1000,
          mode: "lexical",
        });
        expect(hits, `round ${i}`).toHaveLength((i + 1) * 3);
        const [own] = await store.search({ query: `uniq${i}x`, limit: 5, mode: "lexical" });
        expect(own?.path, `round ${i}`).toBe(`f/${i}.txt`);
      }

      const health = await admin.cluster.health();
      expect(health.number_of_nodes).toBe(2);
      const stats = await store.stats();
      expect(stats).toMatchObject({ documents: ROUNDS, chunks: ROUNDS * 3 });
      for (let i = 0; i < ROUNDS; i++) {
        expect((await store.getChunks(ROOT, `f/${i}.txt`)).map((c) => c.text)).toEqual(texts(i));
      }
      const chunkDocs = await admin.count({ index, query: { term: { type: "chunk" } } });
      expect(chunkDocs.count).toBe(ROUNDS * 3);
    },
  );
});
