/**
 * One reciprocal rank fusion behind hybrid search, `search` with several `queries`, and
 * `analyze`'s related documents: a real server context (SQLite store, parser pool, an
 * OpenAI-compatible embedder that is a real HTTP server on 127.0.0.1), the tools called as
 * the MCP server calls them, and the configured `rrfK` visible in the fused scores.
 */
import { realpathSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../../src/config/load.js";
import { createLogger } from "../../../src/log.js";
import { createServerContext, type ServerContext } from "../../../src/server/context.js";
import { analyzeTool } from "../../../src/tools/analyze.js";
import { searchTool, searchInput } from "../../../src/tools/search.js";
import { z } from "zod";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

let fake: FakeOpenAIServer;
let first: string;
let second: string;
let indexDir: string;
let ctx: ServerContext;
const savedKey = process.env.OPENAI_API_KEY;

const NOTES =
  "# Harbour\n\nThe harbour renovation starts in spring; the quokka colony moves to the north pier.\n";

beforeAll(async () => {
  fake = await FakeOpenAIServer.start({ dimensions: 16 });
  // The openai SDK reads the key from the environment; the fake server accepts any.
  process.env.OPENAI_API_KEY = "sk-test";
  first = realpathSync(makeTempDir());
  second = realpathSync(makeTempDir());
  indexDir = makeTempDir();
  // The same file in both roots: its chunks get the same chunk id in each.
  writeTree(first, {
    "notes.md": NOTES,
    "pier.md": "# Pier\n\nThe north pier has a quokka viewing deck and a ferry timetable.\n",
    "ferry.md": "# Ferry\n\nThe ferry timetable changes during the harbour renovation.\n",
  });
  writeTree(second, { "notes.md": NOTES });
  const { settings } = loadSettings({
    cwd: first,
    env: {},
    flags: {
      roots: [first, second],
      indexDir,
      embedder: "openai",
      embedModel: "text-embedding-3-small",
      embedBaseUrl: fake.baseURL,
    },
  });
  ctx = await createServerContext({
    settings,
    log: createLogger({ level: "silent" }),
    watch: false,
  });
  const job = ctx.jobs.enqueue({ kind: "reindex", roots: [first, second] });
  expect((await ctx.jobs.wait(job.id)).state).toBe("done");
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  await fake?.close();
  for (const dir of [first, second, indexDir]) if (dir) removeDir(dir);
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});

/** The same context with another `rrfK`: the tools read it from the settings. */
function withK(rrfK: number): ServerContext {
  return { ...ctx, settings: { ...ctx.settings, rrfK } };
}

type SearchArgs = z.infer<z.ZodObject<typeof searchInput>>;
interface Hit {
  root: string;
  path: string;
  chunkId: string;
  score: number;
  matchedBy?: string[];
}

async function search(context: ServerContext, args: Partial<SearchArgs>): Promise<Hit[]> {
  const parsed = z.object(searchInput).parse(args);
  const result = await searchTool(context, parsed);
  return (result.structuredContent as { results: Hit[] }).results;
}

describe("one rank fusion for every caller", () => {
  it("keeps both roots' copies of one file when several queries are fused", async () => {
    const results = await search(ctx, {
      queries: ["harbour renovation", "quokka colony"],
      mode: "lexical",
    });
    const notes = results.filter((r) => r.path === "notes.md");
    expect(notes.map((r) => r.root).sort()).toEqual([first, second].sort());
    // Same chunk id, different roots: only a key with the root tells them apart.
    expect(notes[0]!.chunkId).toBe(notes[1]!.chunkId);
  });

  it("fuses several queries with the configured rrfK", async () => {
    const args = { queries: ["quokka viewing deck", "ferry timetable"], mode: "lexical" as const };
    for (const k of [1, 500]) {
      const results = await search(withK(k), args);
      // pier.md is found by both queries, within the first three of each.
      const pier = results.find((r) => r.path === "pier.md")!;
      expect(pier.score).toBeGreaterThanOrEqual(round4(2 / (k + 3)));
      expect(pier.score).toBeLessThanOrEqual(round4(2 / (k + 1)));
      // Every fused score is a sum of at most two terms 1 / (k + rank).
      for (const r of results) expect(r.score).toBeLessThanOrEqual(round4(2 / (k + 1)));
    }
  });

  it("fuses hybrid search with the configured rrfK and says which ranking found each hit", async () => {
    const results = await search(withK(3), { query: "quokka", mode: "hybrid", perDocument: false });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.score).toBeLessThanOrEqual(round4(2 / 4));
      expect(r.matchedBy!.length).toBeGreaterThan(0);
    }
    expect(results.some((r) => r.matchedBy!.includes("lexical"))).toBe(true);
    expect(results.some((r) => r.matchedBy!.includes("semantic"))).toBe(true);
  });

  it("fuses analyze's related documents with the configured rrfK, one entry per document", async () => {
    const related = async (k: number) => {
      const result = await analyzeTool(withK(k), {
        path: "pier.md",
        root: first,
        summarize: false,
      });
      return (result.structuredContent as { document: { related: Hit[] } }).document.related;
    };
    for (const k of [1, 500]) {
      const docs = await related(k);
      expect(docs.length).toBeGreaterThan(1);
      const keys = docs.map((d) => `${d.root}\0${d.path}`);
      expect(new Set(keys).size).toBe(keys.length);
      // Lexical and semantic each ask for limit + 5 = 10 documents: every fused score lies
      // between one term at rank 10 and two terms at rank 1 (analyze rounds to 3 decimals).
      for (const d of docs) {
        expect(d.score).toBeGreaterThanOrEqual(round3(1 / (k + 10)));
        expect(d.score).toBeLessThanOrEqual(round3(2 / (k + 1)));
      }
    }
  });
});

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
