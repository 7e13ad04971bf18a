import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { estimateTokens } from "../../../scanners/chunk/tokens.js";
import { ChatClient, ChatError, type ChatClientOptions } from "../../../src/llm/chat-client.js";
import { createLogger, type LogRecord } from "../../../src/log.js";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";

let server: FakeOpenAIServer;
let records: LogRecord[];

beforeEach(async () => {
  server = await FakeOpenAIServer.start({ apiKey: "chat-key" });
  records = [];
});

afterEach(async () => {
  await server.close();
});

function client(options: Partial<ChatClientOptions> = {}): ChatClient {
  return new ChatClient({
    model: "primary-model",
    fallbackModel: "fallback-model",
    baseURL: server.baseURL,
    apiKey: "chat-key",
    retries: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    log: createLogger({ level: "silent", onRecord: (r) => records.push(r) }),
    ...options,
  });
}

const request = {
  system: "Summarise.",
  prompt: "Some text to summarise.",
  maxTokens: 100,
  correlationId: "run-1234",
};

describe("ChatClient against a real HTTP server", () => {
  it("answers from the primary model and logs one line with model, tokens, latency and correlation id", async () => {
    // The server holds its answer, so the latency reported must include that wait.
    server.chatScript.push({
      content: "A summary [1].",
      promptTokens: 42,
      completionTokens: 7,
      delayMs: 120,
    });
    const result = await client().summarize(request);
    expect(result).toMatchObject({
      text: "A summary [1].",
      model: "primary-model",
      usage: { promptTokens: 42, completionTokens: 7 },
      usedFallback: false,
      trimmed: false,
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(120);
    expect(server.chatRequests[0]).toMatchObject({ model: "primary-model", maxTokens: 100 });
    expect(server.chatRequests[0]!.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: "info",
      correlationId: "run-1234",
      model: "primary-model",
      promptTokens: 42,
      completionTokens: 7,
      usedFallback: false,
    });
    expect(records[0]!.latencyMs).toBe(result.latencyMs);
  });

  it("retries network errors on the primary, then falls back", async () => {
    server.chatScript.push(
      { drop: true },
      { drop: true },
      { drop: true },
      { content: "from fallback" },
    );
    const result = await client().summarize(request);
    expect(server.chatRequests.map((r) => r.model)).toEqual([
      "primary-model",
      "primary-model",
      "primary-model",
      "fallback-model",
    ]);
    expect(result).toMatchObject({
      text: "from fallback",
      model: "fallback-model",
      usedFallback: true,
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ model: "fallback-model", usedFallback: true, attempts: 4 });
  });

  it("recovers on the primary when a retry succeeds", async () => {
    server.chatScript.push({ drop: true }, { content: "second try" });
    const result = await client().summarize(request);
    expect(result).toMatchObject({
      text: "second try",
      model: "primary-model",
      usedFallback: false,
    });
  });

  it("retries timeouts", async () => {
    server.chatScript.push({ content: "late", delayMs: 2000 }, { content: "on time" });
    const result = await client({ timeoutMs: 200 }).summarize(request);
    expect(result.text).toBe("on time");
    expect(server.chatRequests).toHaveLength(2);
  });

  it("does not retry an HTTP error: 4xx and 5xx go straight to the fallback", async () => {
    server.chatScript.push(
      { status: 404, message: "model primary-model does not exist" },
      { content: "fallback 1" },
    );
    expect((await client().summarize(request)).usedFallback).toBe(true);
    server.chatScript.push({ status: 503 }, { content: "fallback 2" });
    expect((await client().summarize(request)).text).toBe("fallback 2");
    expect(server.chatRequests.map((r) => r.model)).toEqual([
      "primary-model",
      "fallback-model",
      "primary-model",
      "fallback-model",
    ]);
  });

  it("fails with both reasons when the fallback fails too, logging one warning", async () => {
    server.chatScript.push({ status: 500 }, { status: 400, message: "context too long" });
    const error = (await client()
      .summarize(request)
      .catch((e: unknown) => e)) as ChatError;
    expect(error).toBeInstanceOf(ChatError);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/primary-model.*500.*fallback-model.*context too long/);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: "warn", correlationId: "run-1234" });
  });

  it("without a fallback, a 401 fails AUTH and never shows the key", async () => {
    const error = (await client({ fallbackModel: undefined, apiKey: "wrong-key-123" })
      .summarize(request)
      .catch((e: unknown) => e)) as ChatError;
    expect(error.code).toBe("AUTH");
    expect(error.message).not.toContain("wrong-key-123");
    expect(server.chatRequests).toHaveLength(1);
  });

  it("trims the prompt to the input budget", async () => {
    const long = Array.from({ length: 2000 }, (_, i) => `sentence${i} words here.`).join(" ");
    const result = await client({ maxInputTokens: 300 }).summarize({ ...request, prompt: long });
    expect(result.trimmed).toBe(true);
    const sent = server.chatRequests[0]!.messages;
    const total = sent.reduce((sum, m) => sum + estimateTokens(m.content), 0);
    expect(total).toBeLessThanOrEqual(300);
    expect(sent[1]!.content.startsWith("sentence0 words here.")).toBe(true);
    expect(sent[1]!.content).toMatch(/truncated/);
    expect(records[0]).toMatchObject({ trimmed: true });
  });

  it("can send max_completion_tokens instead of max_tokens", async () => {
    await client({ maxTokensParameter: "max_completion_tokens" }).summarize(request);
    expect(server.chatRequests[0]).toMatchObject({ maxCompletionTokens: 100 });
    expect(server.chatRequests[0]!.maxTokens).toBeUndefined();
  });
});
