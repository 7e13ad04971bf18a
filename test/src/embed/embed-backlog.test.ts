import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChunkVector, PendingChunk } from "../../../indexers/store.js";
import {
  BacklogPace,
  backlogSecondsLeft,
  embeddingCacheKey,
  embeddingInput,
  embedPendingChunks,
  type PendingChunkStore,
} from "../../../src/embed/embed-backlog.js";
import { openEmbeddingCache, type EmbeddingCache } from "../../../src/embed/embedding-cache.js";
import { OpenAIEmbedder } from "../../../src/embed/openai-embedder.js";
import { createLogger, type LogRecord } from "../../../src/log.js";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

/** Only the three Store methods the backlog uses, over an in-memory list of pending chunks. */
class InMemoryPendingChunks implements PendingChunkStore {
  readonly vectors = new Map<string, Float32Array>();
  putCalls = 0;

  constructor(
    readonly chunks: PendingChunk[],
    private readonly ignoreWrites = false,
  ) {}

  async chunksWithoutVectors(limit: number): Promise<PendingChunk[]> {
    return this.chunks.filter((c) => !this.vectors.has(c.chunkId)).slice(0, limit);
  }

  async countChunksWithoutVectors(): Promise<number> {
    return this.chunks.filter((c) => !this.vectors.has(c.chunkId)).length;
  }

  async putVectors(vectors: ChunkVector[]): Promise<void> {
    this.putCalls++;
    if (this.ignoreWrites) return;
    for (const { chunkId, vector } of vectors) this.vectors.set(chunkId, vector);
  }
}

function chunk(
  i: number,
  text = `chunk number ${i} about topic ${i % 5}`,
  headingPath: string[] = [],
): PendingChunk {
  return {
    chunkId: `c${i}`,
    contentHash: `h${i}`,
    text,
    headingPath,
    path: `doc${Math.floor(i / 10)}.md`,
  };
}

let server: FakeOpenAIServer;
let dir: string;
let cache: EmbeddingCache;
let embedder: OpenAIEmbedder;
let records: LogRecord[];
const log = () => createLogger({ level: "silent", onRecord: (r) => records.push(r) });

beforeEach(async () => {
  server = await FakeOpenAIServer.start({ dimensions: 8 });
  dir = makeTempDir();
  cache = openEmbeddingCache(`${dir}/embeddings.db`);
  records = [];
  embedder = new OpenAIEmbedder({
    provider: "openai",
    model: "m",
    baseURL: server.baseURL,
    apiKey: "k",
    batchSize: 4,
    retries: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    circuit: { failureThreshold: 100, cooldownMs: 100 },
  });
  await embedder.start();
});

afterEach(async () => {
  await embedder.close();
  cache.close();
  await server.close();
  removeDir(dir);
});

describe("embedPendingChunks with an in-memory pending-chunk list", () => {
  it("works in rounds of the store's vectorBatchSize when the caller names none", async () => {
    const store = Object.assign(
      new InMemoryPendingChunks(Array.from({ length: 20 }, (_, i) => chunk(i))),
      { vectorBatchSize: 7 },
    );
    const result = await embedPendingChunks({ store, embedder, cache, log: log() });
    expect(result.embedded).toBe(20);
    expect(store.putCalls).toBe(3);
  });

  it("embeds every chunk, with its heading path, each distinct text once", async () => {
    const chunks = [
      chunk(1, "Install with npm.", ["Guide", "Setup"]),
      chunk(2, "same text"),
      chunk(3, "same text"),
      ...Array.from({ length: 9 }, (_, i) => chunk(10 + i)),
    ];
    const store = new InMemoryPendingChunks(chunks);
    const progress: number[] = [];
    const result = await embedPendingChunks({
      store,
      embedder,
      cache,
      log: log(),
      batchSize: 5,
      onProgress: (p) => progress.push(p.done),
    });

    expect(result).toEqual({ embedded: 12, fromCache: 0, providerInputs: 11, pending: 0 });
    expect(progress.at(-1)).toBe(12);
    expect(embeddingInput(chunks[0]!)).toBe("Guide > Setup\nInstall with npm.");
    expect(server.embeddedInputs).toContain("Guide > Setup\nInstall with npm.");
    expect(server.embeddedInputs.filter((t) => t === "same text")).toHaveLength(1);
    expect(Array.from(store.vectors.get("c3")!)).toEqual(Array.from(store.vectors.get("c2")!));
    expect(Array.from(store.vectors.get("c1")!)).toEqual(
      Array.from(server.vectorFor("Guide > Setup\nInstall with npm.")).map((x) =>
        expect.closeTo(x, 6),
      ),
    );
    expect(cache.count(embedder.id)).toBe(11);
    expect(cache.getMany(embedder.id, [embeddingCacheKey("same text")]).size).toBe(1);
  });

  it("makes zero provider calls on a second pass: the cache answers", async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => chunk(i));
    await embedPendingChunks({
      store: new InMemoryPendingChunks(chunks),
      embedder,
      cache,
      log: log(),
    });
    const calls = server.embeddingCalls;

    const rebuilt = new InMemoryPendingChunks(
      chunks.map((c) => ({ ...c, chunkId: `new-${c.chunkId}` })),
    );
    const result = await embedPendingChunks({ store: rebuilt, embedder, cache, log: log() });
    expect(result).toEqual({ embedded: 10, fromCache: 10, providerInputs: 0, pending: 0 });
    expect(server.embeddingCalls).toBe(calls);
    expect(rebuilt.vectors.size).toBe(10);
  });

  it("reports pending chunks when the server dies mid-run, then finishes after it returns: none lost, none embedded twice", async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => chunk(i));
    const store = new InMemoryPendingChunks(chunks);
    const before = server.embeddedInputs.length;
    server.stopAfterEmbeddings(3);

    const first = await embedPendingChunks({ store, embedder, cache, log: log(), batchSize: 8 });
    expect(server.running).toBe(false);
    expect(first.error).toMatch(/UNAVAILABLE: .*unreachable/);
    expect(first.pending).toBeGreaterThan(0);
    expect(first.embedded + first.pending).toBe(40);
    // The third answer arrived before the crash: its vectors are kept even though its round failed.
    expect(first.embedded).toBeGreaterThanOrEqual(12);
    expect(records.some((r) => r.level === "warn" && r.msg.includes("chunks stay pending"))).toBe(
      true,
    );

    await server.restart();
    const second = await embedPendingChunks({ store, embedder, cache, log: log(), batchSize: 8 });
    expect(second.error).toBeUndefined();
    expect(second.pending).toBe(0);
    expect(first.embedded + second.embedded).toBe(40);
    expect(store.vectors.size).toBe(40);

    const inputs = server.embeddedInputs.slice(before);
    expect(inputs).toHaveLength(40);
    expect(new Set(inputs).size).toBe(40);
  });

  it("stops with the reason when the circuit opens", async () => {
    const tripping = new OpenAIEmbedder({
      provider: "openai",
      model: "m",
      baseURL: server.baseURL,
      apiKey: "k",
      batchSize: 2,
      retries: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      circuit: { failureThreshold: 1, cooldownMs: 60_000 },
    });
    await tripping.start();
    server.failEmbeddings({ status: 500 });
    const store = new InMemoryPendingChunks(Array.from({ length: 6 }, (_, i) => chunk(i)));
    const first = await embedPendingChunks({
      store,
      embedder: tripping,
      cache,
      log: log(),
      batchSize: 2,
    });
    expect(first).toMatchObject({ embedded: 0, pending: 6 });
    expect(first.error).toMatch(/^UNAVAILABLE/);
    const second = await embedPendingChunks({
      store,
      embedder: tripping,
      cache,
      log: log(),
      batchSize: 2,
    });
    expect(second.error).toMatch(/^CIRCUIT_OPEN/);
    expect(second.pending).toBe(6);
    await tripping.close();
  });

  it("terminates when the store keeps returning chunks it was given vectors for", async () => {
    const store = new InMemoryPendingChunks(
      Array.from({ length: 5 }, (_, i) => chunk(i)),
      true,
    );
    const result = await embedPendingChunks({ store, embedder, cache, log: log(), batchSize: 3 });
    expect(result.error).toMatch(/still lists 3 chunk/);
    expect(result.pending).toBe(5);
    expect(store.putCalls).toBe(1);
  });

  it("stops when cancelled and leaves the rest pending", async () => {
    const store = new InMemoryPendingChunks(Array.from({ length: 20 }, (_, i) => chunk(i)));
    const controller = new AbortController();
    const result = await embedPendingChunks({
      store,
      embedder,
      cache,
      log: log(),
      batchSize: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 8) controller.abort();
      },
    });
    expect(result).toMatchObject({ embedded: 8, pending: 12, error: "cancelled" });
  });
});

describe("BacklogPace: the backlog's recent speed and the time left", () => {
  it("has no pace before the first round, then chunks per second over the recent rounds only", () => {
    let now = 0;
    const pace = new BacklogPace(() => now);
    expect(pace.chunksPerSecond()).toBeUndefined();
    pace.start();
    expect(pace.chunksPerSecond()).toBeUndefined();
    // Ten slow rounds (64 chunks in 4 s), then eight fast ones (64 in 1 s).
    let done = 0;
    for (let r = 0; r < 10; r++) {
      now += 4000;
      pace.record((done += 64));
    }
    expect(pace.chunksPerSecond()).toBeCloseTo(16, 6);
    for (let r = 0; r < 8; r++) {
      now += 1000;
      pace.record((done += 64));
    }
    expect(pace.chunksPerSecond()).toBeCloseTo(64, 6);
    expect(backlogSecondsLeft(640, pace.chunksPerSecond())).toBeCloseTo(10, 6);
  });

  it("restarts with each run and gives no estimate without a pace", () => {
    let now = 0;
    const pace = new BacklogPace(() => now);
    pace.start();
    now += 1000;
    pace.record(100);
    pace.start();
    expect(pace.chunksPerSecond()).toBeUndefined();
    expect(backlogSecondsLeft(10, undefined)).toBeUndefined();
    expect(backlogSecondsLeft(10, 0)).toBeUndefined();
  });
});
