/**
 * Embeddings end to end through the `docindex` command and an OpenAI-compatible provider: a
 * real HTTP server on 127.0.0.1 (test/helpers/fake-openai-server.ts) that counts every
 * request and every input it embeds. Covers: everything embedded once, zero calls on an
 * unchanged second run, renames and copies free, a provider that dies mid-run (lexical
 * indexing finishes, chunks wait, nothing lost or embedded twice once it returns), switching
 * models, and semantic and hybrid search from the CLI.
 */
import { copyFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../helpers/fake-openai-server.js";
import { runCliAsync } from "../helpers/cli.js";
import { makeTempDir, removeDir, writeTree } from "../helpers/tree.js";

interface Summary {
  indexed: number;
  totals: { chunks: number };
  embeddings?: {
    embedded: number;
    fromCache: number;
    providerInputs: number;
    pending: number;
    error?: string;
  };
}

let fake: FakeOpenAIServer;
let root: string;
let env: Record<string, string>;
const MODEL_FLAGS = ["--embedder", "openai", "--embed-model", "text-embedding-3-small"];

async function reindex(extra: string[] = []): Promise<Summary> {
  const result = await runCliAsync(["reindex", root, "--json", ...MODEL_FLAGS, ...extra], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Summary;
}

async function search(query: string, mode: string, extra: string[] = []) {
  const result = await runCliAsync(
    ["search", query, "--root", root, "--json", "--mode", mode, ...MODEL_FLAGS, ...extra],
    { env },
  );
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    mode: string;
    notice?: string;
    results: { path: string; matchedBy?: string[] }[];
  };
}

beforeAll(async () => {
  fake = await FakeOpenAIServer.start({ dimensions: 16, apiKey: "sk-test" });
  root = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) {
    files[`notes/n${i}.md`] =
      `# Note ${i}\n\nParagraph about subject${i} and the common heron.\n\n## Details\n\n${"More words. ".repeat(60)}${i}\n`;
  }
  writeTree(root, files);
  env = { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: "sk-test" };
});

afterAll(async () => {
  await fake.close();
  removeDir(root);
});

describe("embeddings through the CLI and an OpenAI-compatible provider", async () => {
  it("embeds every chunk once, and makes zero calls on an unchanged second run", async () => {
    const first = await reindex();
    expect(first.indexed).toBe(30);
    expect(first.embeddings).toMatchObject({ embedded: first.totals.chunks, pending: 0 });
    const inputs = fake.embeddedInputs.length;
    expect(new Set(fake.embeddedInputs).size).toBe(inputs); // nothing embedded twice
    const calls = fake.embeddingCalls;

    const second = await reindex();
    expect(second.embeddings).toMatchObject({ embedded: 0, pending: 0 });
    expect(fake.embeddingCalls).toBe(calls);
  });

  it("makes zero calls for a renamed or copied file", async () => {
    const calls = fake.embeddingCalls;
    renameSync(join(root, "notes/n1.md"), join(root, "notes/renamed.md"));
    copyFileSync(join(root, "notes/n2.md"), join(root, "notes/copy.md"));
    const summary = await reindex();
    expect(summary.embeddings!.embedded).toBeGreaterThan(0);
    expect(summary.embeddings!.providerInputs).toBe(0);
    expect(fake.embeddingCalls).toBe(calls);
  });

  it("answers semantic and hybrid searches, saying which ranking found each hit", async () => {
    const semantic = await search("subject7 heron", "semantic");
    expect(semantic.mode).toBe("semantic");
    expect(semantic.results.length).toBeGreaterThan(0);
    const hybrid = await search("subject7", "hybrid");
    expect(hybrid.mode).toBe("hybrid");
    expect(hybrid.results[0]!.path).toBe("notes/n7.md");
    expect(hybrid.results[0]!.matchedBy).toContain("lexical");
    expect(hybrid.results.some((r) => r.matchedBy?.includes("semantic"))).toBe(true);
  });

  it("finishes lexically when the provider dies mid-run, then embeds what waited, once", async () => {
    for (let i = 0; i < 40; i++)
      writeFileSync(
        join(root, `late-l${i}.md`),
        `# Late ${i}\n\nlate${i} words\n\n## More\n\n${"Filler words go here. ".repeat(150)}${i}\n`,
      );
    const before = fake.embeddedInputs.length;
    fake.stopAfterEmbeddings(1);
    const broken = await reindex();
    expect(broken.indexed).toBe(40); // lexical indexing finished
    expect(broken.embeddings!.pending).toBeGreaterThan(0);
    expect(broken.embeddings!.error).toBeTruthy();
    const lexical = await runCliAsync(
      ["search", "late7", "--root", root, "--json", "--mode", "lexical"],
      { env },
    );
    expect((JSON.parse(lexical.stdout) as { results: { path: string }[] }).results[0]!.path).toBe(
      "late-l7.md",
    );

    await fake.restart();
    const healed = await reindex();
    expect(healed.embeddings).toMatchObject({ pending: 0 });
    const added = fake.embeddedInputs.slice(before);
    expect(new Set(added).size).toBe(added.length); // no input embedded twice
    expect(broken.embeddings!.embedded + healed.embeddings!.embedded).toBe(added.length);
  });

  it("re-embeds when the model changes, and re-uses the cache when it changes back", async () => {
    const calls = fake.embeddingCalls;
    const other = await runCliAsync(
      ["reindex", root, "--json", "--embedder", "openai", "--embed-model", "other-model"],
      { env },
    );
    const otherSummary = JSON.parse(other.stdout) as Summary;
    expect(otherSummary.embeddings!.embedded).toBe(otherSummary.totals.chunks);
    expect(fake.embeddingCalls).toBeGreaterThan(calls);
    const back = await reindex();
    expect(back.embeddings).toMatchObject({ embedded: back.totals.chunks, providerInputs: 0 });
  });

  it("keeps lexical search and says why when the provider cannot be reached", async () => {
    const dead = { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_API_KEY: "sk-test" };
    const result = await runCliAsync(
      ["search", "subject3", "--root", root, "--json", "--mode", "hybrid", ...MODEL_FLAGS],
      { env: dead },
    );
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as {
      mode: string;
      notice: string;
      results: { path: string }[];
    };
    expect(answer.mode).toBe("lexical");
    expect(answer.notice).toMatch(/not available/);
    expect(answer.results[0]!.path).toBe("notes/n3.md");
  });
});
