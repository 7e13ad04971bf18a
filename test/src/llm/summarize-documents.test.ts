import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { estimateTokens } from "../../../scanners/chunk/tokens.js";
import { ChatClient } from "../../../src/llm/chat-client.js";
import {
  parseCitations,
  summarizeChunks,
  type SummaryChunk,
} from "../../../src/llm/summarize-documents.js";
import { createLogger } from "../../../src/log.js";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";

let server: FakeOpenAIServer;
let client: ChatClient;

beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  client = new ChatClient({
    model: "m",
    baseURL: server.baseURL,
    apiKey: "k",
    log: createLogger({ level: "silent" }),
  });
});

afterEach(async () => {
  await server.close();
});

const chunks: SummaryChunk[] = [
  {
    id: "a#0",
    path: "docs/a.md",
    lineStart: 1,
    lineEnd: 12,
    text: "Install the tool with npm install docindex.",
  },
  { id: "b#3", path: "guide.pdf", page: 4, text: "The index lives in the .docindex folder." },
  { id: "c#1", path: "src/main.ts", lineStart: 40, lineEnd: 40, text: "export function main() {}" },
];

describe("summarizeChunks", () => {
  it("numbers the sources in the prompt and maps the answer's citations back to chunk ids", async () => {
    server.chatScript.push({
      content: "Install with npm [1]; the index is in .docindex [2][1]. See also [7].",
    });
    const summary = await summarizeChunks({
      client,
      chunks,
      question: "How do I install it?",
      budgetTokens: 1000,
      correlationId: "q-1",
    });
    expect(summary.cited).toEqual(["a#0", "b#3"]);
    expect(summary.sources.map((s) => s.n)).toEqual([1, 2, 3]);
    expect(summary.omitted).toBe(0);
    const prompt = server.chatRequests[0]!.messages[1]!.content;
    expect(prompt).toContain("Question: How do I install it?");
    expect(prompt).toContain("[1] docs/a.md (lines 1-12)\nInstall the tool");
    expect(prompt).toContain("[2] guide.pdf (page 4)");
    expect(prompt).toContain("[3] src/main.ts (line 40)");
  });

  it("packs only what fits the budget", async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      id: `c${i}`,
      path: `f${i}.md`,
      text: Array.from({ length: 40 }, (_, j) => `word${j}`).join(" "),
    }));
    const summary = await summarizeChunks({ client, chunks: many, budgetTokens: 200 });
    expect(summary.sources.length).toBeGreaterThan(0);
    expect(summary.sources.length).toBeLessThan(50);
    expect(summary.omitted).toBe(50 - summary.sources.length);
    expect(estimateTokens(server.chatRequests[0]!.messages[1]!.content)).toBeLessThanOrEqual(200);
  });

  it("shortens a first source that alone exceeds the budget", async () => {
    const huge = {
      id: "big",
      path: "big.txt",
      text: Array.from({ length: 3000 }, (_, i) => `w${i}`).join(" "),
    };
    const summary = await summarizeChunks({ client, chunks: [huge], budgetTokens: 100 });
    expect(summary.sources).toHaveLength(1);
    expect(estimateTokens(server.chatRequests[0]!.messages[1]!.content)).toBeLessThanOrEqual(100);
  });
});

describe("parseCitations", () => {
  it("reads single, repeated, listed and ranged markers, in order of first appearance", () => {
    expect(parseCitations("a [2] b [1][2] c [3, 5] d [6-8] e [12] f [0]", 8)).toEqual([
      2, 1, 3, 5, 6, 7, 8,
    ]);
    expect(parseCitations("no citations here, just [brackets]", 3)).toEqual([]);
  });
});
