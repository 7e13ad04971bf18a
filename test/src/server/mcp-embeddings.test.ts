/**
 * Semantic and hybrid search over MCP, with an OpenAI-compatible provider that is a real HTTP
 * server on 127.0.0.1; and what the server says and does when that provider goes away and
 * comes back: lexical answers with the reason, the reason in `inventory`, and the waiting
 * chunks embedded once it answers again, with no restart.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";
import { runCliAsync } from "../../helpers/cli.js";
import { callTool, connectStdio, eventually, type StdioSession } from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

let fake: FakeOpenAIServer;
let root: string;
let env: Record<string, string>;
let session: StdioSession;

interface Summary {
  embeddings: { state: string; model?: string; reason?: string; pending?: number };
}

async function inventory(): Promise<Summary> {
  const result = await callTool(session.client, "inventory", { limit: 0 });
  return (result.structuredContent as { summary: Summary }).summary;
}

beforeAll(async () => {
  fake = await FakeOpenAIServer.start({ dimensions: 16 });
  root = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++)
    files[`doc${i}.md`] = `# Doc ${i}\n\nThe topic${i} document mentions an albatross.\n`;
  writeTree(root, files);
  env = {
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: "sk-test",
    DOCINDEX_EMBEDDER: "openai",
    DOCINDEX_EMBED_MODEL: "text-embedding-3-small",
    DOCINDEX_EMBED_RETRY_SEC: "1",
    DOCINDEX_LLM_MODEL: "primary-model",
    DOCINDEX_LLM_FALLBACK_MODEL: "fallback-model",
    DOCINDEX_LLM_BASE_URL: fake.baseURL,
    DOCINDEX_LLM_API_KEY: "sk-test",
  };
  const indexed = await runCliAsync(["reindex", root, "--json"], { env });
  expect(indexed.code, indexed.stderr).toBe(0);
  session = await connectStdio(["--root", root, "--no-watch"], env);
}, 60_000);

afterAll(async () => {
  await session?.close();
  await fake.close();
  removeDir(root);
});

describe("analyze with an LLM summary", () => {
  interface Summary {
    text?: string;
    notice?: string;
    model?: string;
    usedFallback?: boolean;
    citations?: { n: number; path: string; chunkId: string }[];
  }
  const summarize = async (path: string) => {
    const result = await callTool(session.client, "analyze", { path, summarize: true });
    expect(result.isError).toBeFalsy();
    return (result.structuredContent as { summary: Summary }).summary;
  };

  it("summarises a document, citing the passages it used, and logs model, tokens and latency", async () => {
    fake.chatScript.push({ content: "Doc 4 is about topic4 and an albatross [1].", promptTokens: 120, completionTokens: 12 });
    const summary = await summarize("doc4.md");
    expect(summary.text).toContain("albatross");
    expect(summary.model).toBe("primary-model");
    expect(summary.citations).toEqual([expect.objectContaining({ n: 1, path: "doc4.md" })]);
    const line = session
      .stderr()
      .split("\n")
      .filter((l) => l.includes("primary-model"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((record) => typeof record.latencyMs === "number");
    expect(line).toMatchObject({ callId: expect.stringMatching(/^call-/) });
    expect(JSON.stringify(line)).toMatch(/120/);
  });

  it("falls back to the second model when the first fails", async () => {
    // An HTTP error is not retried (only network errors and timeouts are): the fallback answers.
    fake.chatScript.push({ status: 500 }, { content: "From the fallback [1]." });
    const summary = await summarize("doc2.md");
    expect(summary).toMatchObject({ model: "fallback-model", usedFallback: true });
    expect(summary.text).toContain("fallback");
  });
});

describe("MCP search with embeddings", () => {
  it("defaults to hybrid, says which ranking found each hit, and answers semantic too", async () => {
    const hybrid = await callTool(session.client, "search", { query: "topic4 albatross" });
    const h = hybrid.structuredContent as {
      mode: string;
      results: { path: string; matchedBy: string[] }[];
    };
    expect(h.mode).toBe("hybrid");
    expect(h.results[0]!.path).toBe("doc4.md");
    expect(h.results[0]!.matchedBy).toEqual(["lexical", "semantic"]);
    const semantic = await callTool(session.client, "search", {
      query: "topic4",
      mode: "semantic",
    });
    expect((semantic.structuredContent as { mode: string }).mode).toBe("semantic");
    expect((await inventory()).embeddings).toMatchObject({
      state: "ready",
      model: "openai:text-embedding-3-small",
      pending: 0,
    });
  });

  it("answers lexically with the reason while the provider is down, and catches up when it returns", async () => {
    await fake.stop();
    const down = await callTool(session.client, "search", { query: "topic5", mode: "hybrid" });
    const d = down.structuredContent as {
      mode: string;
      notice: string;
      results: { path: string }[];
    };
    expect(down.isError).toBeFalsy();
    expect(d.mode).toBe("lexical");
    expect(d.notice).toMatch(/not available/);
    expect(d.results[0]!.path).toBe("doc5.md");

    // New files while the provider is down: indexed lexically, their chunks wait.
    writeFileSync(join(root, "late.md"), "# Late\n\nA late note about the cormorant.\n");
    const job = await callTool(session.client, "reindex", { wait: true });
    expect((job.structuredContent as { job: { state: string } }).job.state).toBe("done");
    const waiting = await inventory();
    expect(waiting.embeddings.state).toBe("unavailable");
    expect(waiting.embeddings.reason).toBeTruthy();
    expect(waiting.embeddings.pending).toBe(1);
    const lexical = await callTool(session.client, "search", {
      query: "cormorant",
      mode: "lexical",
    });
    expect((lexical.structuredContent as { results: { path: string }[] }).results[0]!.path).toBe(
      "late.md",
    );

    const before = fake.embeddedInputs.length;
    await fake.restart();
    // The circuit breaker holds the provider off for its cool-down, then the retry gets through.
    await eventually(
      async () => ((await inventory()).embeddings.pending === 0 ? true : undefined),
      90_000,
      "waiting chunks embedded",
    );
    expect(
      fake.embeddedInputs.slice(before).filter((input) => input.includes("cormorant")),
    ).toHaveLength(1);
    const back = await callTool(session.client, "search", { query: "cormorant", mode: "semantic" });
    expect((back.structuredContent as { mode: string }).mode).toBe("semantic");
  }, 120_000);
});
