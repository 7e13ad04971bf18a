/**
 * A damaged index heals itself under a running `docindex serve` (the SDK's own MCP client over
 * stdio): started on an index damaged three ways, or with the file cut short while it runs, the
 * server sets the file aside, says so in one log line and in `inventory`, rebuilds the index
 * from the workspace in a reindex job (vectors from the embedding cache: zero calls to the
 * OpenAI-compatible server on 127.0.0.1), and answers searches from it.
 */
import { copyFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";
import { runCliAsync } from "../../helpers/cli.js";
import { DAMAGES, damage } from "../../helpers/damage.js";
import {
  callTool,
  connectHttp,
  connectStdio,
  eventually,
  startHttpServerProcess,
  type StdioSession,
} from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const DOCS = 30;
let fake: FakeOpenAIServer;
let root: string;
let indexDir: string;
let env: Record<string, string>;
let pristine: string;

interface Summary {
  files: number;
  byStatus: Record<string, number>;
  embeddings: { pending?: number };
  jobs: { running?: unknown; queued: number };
  recovered?: { what: string; file: string; movedTo: string; reason: string }[];
}

async function summaryOf(session: StdioSession): Promise<Summary> {
  const result = await callTool(session.client, "inventory", { limit: 0 });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return (result.structuredContent as { summary: Summary }).summary;
}

/** Waits until the rebuild is done: every document back, every vector back, no job left. */
function rebuilt(session: StdioSession): Promise<Summary> {
  return eventually(
    async () => {
      const s = await summaryOf(session);
      const done =
        s.byStatus.indexed === DOCS &&
        s.embeddings.pending === 0 &&
        !s.jobs.running &&
        s.jobs.queued === 0;
      return done ? s : undefined;
    },
    60_000,
    "the rebuilt index",
  );
}

const damageLines = (stderr: string) =>
  stderr.split("\n").filter((line) => /the index \S+ was damaged/.test(line));

function restore(): void {
  for (const name of readdirSync(indexDir)) {
    if (name.startsWith("index.db") || name === "recovered.json")
      rmSync(join(indexDir, name), { force: true });
  }
  copyFileSync(pristine, join(indexDir, "index.db"));
}

beforeAll(async () => {
  fake = await FakeOpenAIServer.start({ dimensions: 16 });
  root = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < DOCS; i++) {
    files[`doc${i}.md`] =
      `# Doc ${i}\n\nThe topic${i} document mentions an albatross.\n\n${"Words to fill the page. ".repeat(150)}\n`;
  }
  writeTree(root, files);
  indexDir = join(root, ".docindex");
  env = {
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: "sk-test",
    DOCINDEX_EMBEDDER: "openai",
    DOCINDEX_EMBED_MODEL: "text-embedding-3-small",
  };
  const indexed = await runCliAsync(["reindex", root, "--json"], { env });
  expect(indexed.code, indexed.stderr).toBe(0);
  pristine = join(makeTempDir(), "index.db");
  copyFileSync(join(indexDir, "index.db"), pristine);
}, 120_000);

afterAll(async () => {
  await fake.close();
  removeDir(root);
});

async function expectHealed(session: StdioSession, calls: number): Promise<void> {
  const summary = await rebuilt(session);
  expect(summary.files).toBe(DOCS);
  expect(summary.recovered?.map((r) => r.what)).toEqual(["index"]);
  expect(summary.recovered?.[0]?.movedTo).toMatch(/index\.db\.damaged-/);
  const search = await callTool(session.client, "search", { query: "topic7", mode: "lexical" });
  const hits = (search.structuredContent as { results: { path: string }[] }).results;
  expect(hits[0]?.path).toBe("doc7.md");
  expect(fake.embeddingCalls).toBe(calls);
  expect(damageLines(session.stderr()), session.stderr()).toHaveLength(1);
}

describe("a damaged index under a running server", () => {
  for (const how of DAMAGES) {
    it(`starts on an index ${how}: sets it aside, rebuilds it, answers from it`, async () => {
      restore();
      damage(join(indexDir, "index.db"), how);
      const calls = fake.embeddingCalls;
      const session = await connectStdio(["--root", root, "--no-watch"], env);
      try {
        await expectHealed(session, calls);
      } finally {
        await session.close();
      }
    }, 90_000);
  }

  for (const how of ["truncated", "overwritten"] as const) {
    it(`meets the damage while running (the file ${how}): heals without a restart`, async () => {
      restore();
      const calls = fake.embeddingCalls;
      const session = await connectStdio(["--root", root, "--no-watch"], env);
      try {
        expect((await summaryOf(session)).files).toBe(DOCS);
        damage(join(indexDir, "index.db"), how);
        // A full reindex reads every page: SQLite reports the damage to the job, which heals it.
        await callTool(session.client, "reindex", { full: true, wait: true });
        await expectHealed(session, calls);
      } finally {
        await session.close();
      }
    }, 90_000);
  }

  it("over HTTP, where searches run in reader threads: they move to the rebuilt index", async () => {
    restore();
    const server = await startHttpServerProcess(["--root", root, "--no-watch"], env);
    const client = await connectHttp(server.url);
    const session: StdioSession = { client, stderr: server.stderr, close: () => client.close() };
    try {
      // The readers have the file open before it is damaged.
      const before = await callTool(client, "search", { query: "topic7", mode: "lexical" });
      expect((before.structuredContent as { results: unknown[] }).results.length).toBeGreaterThan(
        0,
      );
      damage(join(indexDir, "index.db"), "truncated");
      await callTool(client, "reindex", { full: true, wait: true });
      await expectHealed(session, fake.embeddingCalls);
    } finally {
      await client.close();
      await server.close();
    }
  }, 90_000);
});
