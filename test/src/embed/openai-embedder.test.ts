import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { estimateTokens } from "../../../scanners/chunk/tokens.js";
import { EmbedderError } from "../../../src/embed/embedder.js";
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from "../../../src/embed/openai-embedder.js";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";

const KEY = "sk-test-secret-key-123456";

let server: FakeOpenAIServer;
const embedders: OpenAIEmbedder[] = [];

beforeEach(async () => {
  server = await FakeOpenAIServer.start({ dimensions: 16, apiKey: KEY });
});

afterEach(async () => {
  await Promise.all(embedders.splice(0).map((e) => e.close()));
  await server.close();
});

function embedder(options: Partial<OpenAIEmbedderOptions> = {}): OpenAIEmbedder {
  const e = new OpenAIEmbedder({
    provider: "openai",
    model: "text-embedding-3-small",
    baseURL: server.baseURL,
    apiKey: KEY,
    retries: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
  embedders.push(e);
  return e;
}

function norm(v: Float32Array): number {
  return Math.hypot(...v);
}

async function failure(promise: Promise<unknown>): Promise<EmbedderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmbedderError);
  return error as EmbedderError;
}

describe("OpenAIEmbedder against a real HTTP server", () => {
  it("probes the dimensions at start and returns unit vectors in input order", async () => {
    const e = embedder();
    expect(e.id).toBe("openai:text-embedding-3-small");
    await e.start();
    expect(e.dimensions).toBe(16);
    expect(server.embeddingCalls).toBe(1);

    const vectors = await e.embed(["alpha", "beta", "gamma"]);
    expect(vectors).toHaveLength(3);
    ["alpha", "beta", "gamma"].forEach((text, i) => {
      expect(norm(vectors[i]!)).toBeCloseTo(1, 5);
      expect(Array.from(vectors[i]!)).toEqual(
        Array.from(server.vectorFor(text)).map((x) => expect.closeTo(x, 5)),
      );
    });
    const last = server.embeddingRequests.at(-1)!;
    expect(last.encodingFormat).toBe("float");
    expect(last.authorization).toBe(`Bearer ${KEY}`);
  });

  it("embedQuery is the same as embed for providers", async () => {
    const e = embedder();
    const [q] = await e.embedQuery(["where is the cat"]);
    const [p] = await e.embed(["where is the cat"]);
    expect(Array.from(q!)).toEqual(Array.from(p!));
  });

  it("batches by count", async () => {
    const e = embedder({ batchSize: 3 });
    await e.start();
    await e.embed(["a", "b", "c", "d", "e", "f", "g"]);
    expect(server.embeddingRequests.slice(1).map((r) => r.inputs.length)).toEqual([3, 3, 1]);
  });

  it("batches by estimated tokens", async () => {
    const e = embedder({ batchSize: 100, maxBatchTokens: 10 });
    await e.start();
    const texts = Array.from({ length: 9 }, (_, i) => `word${i} alpha beta gamma`);
    await e.embed(texts);
    const requests = server.embeddingRequests.slice(1);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests)
      expect(r.inputs.reduce((n, t) => n + estimateTokens(t), 0)).toBeLessThanOrEqual(10);
    expect(requests.flatMap((r) => r.inputs)).toEqual(texts);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const e = embedder({ batchSize: 1, concurrency: 2 });
    await e.start();
    server.failEmbeddings(...Array.from({ length: 6 }, () => ({ delayMs: 80 })));
    await e.embed(["1", "2", "3", "4", "5", "6"]);
    expect(server.maxConcurrentEmbeddings).toBe(2);
  });

  it("honours Retry-After (seconds) on 429", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings({ status: 429, retryAfter: "1" });
    const started = performance.now();
    const [v] = await e.embed(["rate limited"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(v).toHaveLength(16);
    expect(server.embeddingRequests.slice(1).map((r) => r.status)).toEqual([429, 200]);
  });

  it("honours retry-after-ms and an HTTP-date Retry-After", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings(
      { status: 503, retryAfterMs: "300" },
      { status: 429, retryAfter: new Date(Date.now() + 2000).toUTCString() },
    );
    const started = performance.now();
    await e.embed(["x"]);
    // The date (one-second resolution) lies at least 1 001 ms after `started`; the wait runs until then.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.embeddingCalls).toBe(4);
  });

  it("fails UNAVAILABLE at once when Retry-After is longer than it waits in a call", async () => {
    const e = embedder({ maxRetryAfterMs: 5000 });
    await e.start();
    server.failEmbeddings({ status: 429, retryAfter: "120" });
    const error = await failure(e.embed(["x"]));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).toMatch(/retry after 120 s/);
  });

  it("retries 500 then succeeds", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings({ status: 500 }, { status: 502 });
    const [v] = await e.embed(["flaky"]);
    expect(v).toHaveLength(16);
    expect(server.embeddingRequests.slice(1).map((r) => r.status)).toEqual([500, 502, 200]);
  });

  it("retries a dropped connection", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings({ drop: true });
    await e.embed(["dropped"]);
    expect(server.embeddingCalls).toBe(3);
  });

  it("fails AUTH at once on 401, without retrying or printing the key", async () => {
    const e = embedder({ apiKey: "sk-wrong-key-000000" });
    const error = await failure(e.start());
    expect(error.code).toBe("AUTH");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(server.baseURL);
    expect(error.message).toContain("OPENAI_API_KEY");
    expect(error.message).not.toContain("sk-wrong-key-000000");
    expect(server.embeddingCalls).toBe(1);
  });

  it("fails BAD_REQUEST at once on 400 and 404", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings({ status: 400, message: "model does not support dimensions" });
    const error = await failure(e.embed(["x"]));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("model does not support dimensions");
    server.failEmbeddings({ status: 404 });
    expect((await failure(e.embed(["y"]))).code).toBe("BAD_REQUEST");
    expect(server.embeddingCalls).toBe(3);
  });

  it("retries a request that outlives the timeout", async () => {
    const e = embedder({ timeoutMs: 300 });
    await e.start();
    server.failEmbeddings({ delayMs: 3000 });
    const [v] = await e.embed(["slow"]);
    expect(v).toHaveLength(16);
    // probe, the request that timed out, and its retry: had the timeout not fired, the slow
    // answer would have come back on the second call.
    expect(server.embeddingCalls).toBe(3);
  });

  it("gives up after maxAttempts with UNAVAILABLE naming the provider", async () => {
    const e = embedder({ retries: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    await e.start();
    server.failEmbeddings({ status: 503 }, { status: 503 });
    const error = await failure(e.embed(["x"]));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/503.*after 2 attempts/);
    expect(error.message).toContain(server.baseURL);
  });

  it("opens the circuit after repeated failures, fails fast, then lets one trial through", async () => {
    const e = embedder({
      retries: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      circuit: { failureThreshold: 3, cooldownMs: 400 },
      batchSize: 1,
      concurrency: 2,
    });
    await e.start();
    server.failEmbeddings({ status: 500 }, { status: 500 }, { status: 500 });
    for (let i = 0; i < 3; i++) expect((await failure(e.embed(["x"]))).code).toBe("UNAVAILABLE");
    const calls = server.embeddingCalls;
    const open = await failure(e.embed(["x"]));
    expect(open.code).toBe("CIRCUIT_OPEN");
    expect(open.retryable).toBe(true);
    expect(server.embeddingCalls).toBe(calls);

    await new Promise((r) => setTimeout(r, 450));
    // Half-open: the trial fails, so the circuit opens again at once.
    server.failEmbeddings({ status: 500 });
    expect((await failure(e.embed(["x"]))).code).toBe("UNAVAILABLE");
    expect((await failure(e.embed(["x"]))).code).toBe("CIRCUIT_OPEN");
    expect(server.embeddingCalls).toBe(calls + 1);

    await new Promise((r) => setTimeout(r, 450));
    // The trial succeeds; the batch sent alongside it waits for the outcome instead of failing.
    server.failEmbeddings({ delayMs: 100 });
    expect(await e.embed(["x", "y", "z"])).toHaveLength(3);
    expect(server.embeddingCalls).toBe(calls + 4);
  });

  it("rejects vectors of the wrong size with a clear BAD_RESPONSE", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings({ dimensions: 8 });
    const error = await failure(e.embed(["x"]));
    expect(error.code).toBe("BAD_RESPONSE");
    expect(error.message).toMatch(/8 dimensions, expected 16/);
    expect(server.embeddingCalls).toBe(2);
  });

  it("checks configured dimensions at start, and sends them", async () => {
    const e = embedder({ dimensions: 8 });
    expect(e.id).toBe("openai:text-embedding-3-small@8");
    await e.start();
    expect(e.dimensions).toBe(8);
    expect(server.embeddingRequests[0]!.dimensions).toBe(8);

    const wrong = embedder({ dimensions: 8 });
    server.failEmbeddings({ dimensions: 12 });
    const error = await failure(wrong.start());
    expect(error.message).toMatch(/12 dimensions, expected 8/);
  });

  it("truncates over-long inputs so the provider never sees more than the limit", async () => {
    const e = embedder({ maxInputTokens: 50 });
    const long = Array.from({ length: 400 }, (_, i) => `token${i % 7} longerword${i}`).join(" ");
    expect(estimateTokens(long)).toBeGreaterThan(50);
    await e.embed([long, "short"]);
    const sent = server.embeddingRequests.at(-1)!.inputs;
    expect(estimateTokens(sent[0]!)).toBeLessThanOrEqual(50);
    expect(long.startsWith(sent[0]!)).toBe(true);
    expect(sent[1]).toBe("short");
  });

  it("decodes a base64 answer", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings({ base64: true });
    const [v] = await e.embed(["encoded"]);
    expect(server.embeddingRequests.at(-1)!.encodingFormat).toBe("float");
    expect(Array.from(v!)).toEqual(
      Array.from(server.vectorFor("encoded")).map((x) => expect.closeTo(x, 6)),
    );
  });

  it("stops a call when its signal aborts", async () => {
    const e = embedder();
    await e.start();
    server.failEmbeddings({ delayMs: 2000 });
    const controller = new AbortController();
    const pending = e.embed(["x"], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await expect(pending).rejects.toThrow("stop");
  });

  it("reads OPENAI_BASE_URL and OPENAI_API_KEY from the environment", async () => {
    const saved = { url: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY };
    process.env.OPENAI_BASE_URL = server.baseURL;
    process.env.OPENAI_API_KEY = KEY;
    try {
      const e = new OpenAIEmbedder({ provider: "openai", model: "m" });
      embedders.push(e);
      await e.start();
      expect(server.embeddingRequests[0]!.authorization).toBe(`Bearer ${KEY}`);
    } finally {
      restoreEnv("OPENAI_BASE_URL", saved.url);
      restoreEnv("OPENAI_API_KEY", saved.key);
    }
  });

  it("reports a missing API key as CONFIG", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const e = new OpenAIEmbedder({ provider: "openai", model: "m", baseURL: server.baseURL });
      const error = await failure(e.start());
      expect(error.code).toBe("CONFIG");
      expect(error.message).toContain("OPENAI_API_KEY");
      expect(server.embeddingCalls).toBe(0);
    } finally {
      restoreEnv("OPENAI_API_KEY", saved);
    }
  });

  it("talks to Azure OpenAI through its deployment path and api-key header", async () => {
    const e = new OpenAIEmbedder({
      provider: "azure",
      model: "ignored",
      apiKey: KEY,
      azure: {
        endpoint: `http://127.0.0.1:${server.port}`,
        deployment: "emb-small",
        apiVersion: "2024-10-21",
      },
    });
    embedders.push(e);
    expect(e.id).toBe("azure:emb-small");
    await e.start();
    const request = server.embeddingRequests[0]!;
    expect(request.path).toBe("/openai/deployments/emb-small/embeddings");
    expect(request.apiKeyHeader).toBe(KEY);
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
