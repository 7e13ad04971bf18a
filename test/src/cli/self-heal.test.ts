/**
 * A damaged index heals itself, through the built `docindex` command: a real index (and its
 * embedding cache, filled through a real OpenAI-compatible HTTP server on 127.0.0.1) is damaged
 * three ways (pages overwritten, file truncated, file replaced by text), and each of `reindex`,
 * `search` and `inventory` must end with a working index that holds every document, with its
 * vectors from the cache (zero embedding calls), and say so in exactly one line on stderr.
 * A damaged embedding cache is set aside too, and the warning says how many chunks it costs.
 */
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../indexers/sqlite/index.js";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";
import { runCliAsync } from "../../helpers/cli.js";
import { DAMAGES, damage } from "../../helpers/damage.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const DOCS = 40;
const MODEL = ["--embedder", "openai", "--embed-model", "text-embedding-3-small"];
let fake: FakeOpenAIServer;
let root: string;
let indexDir: string;
let env: Record<string, string>;
let pristine: string;
let pristineCache: string;

const dbFile = () => join(indexDir, "index.db");
const cacheFile = () => join(indexDir, "embeddings.db");
/** Lines about a damaged file: the CLI's own (the index), and the embeddings' log (the cache). */
const damagedLines = (stderr: string) =>
  stderr.split("\n").filter((line) => /the (index|embedding cache) \S+ was damaged/.test(line));

/** Puts the good index back (and nothing set aside), as before each case. */
function restore(): void {
  for (const name of readdirSync(indexDir)) {
    if (name.startsWith("index.db") || name === "recovered.json")
      rmSync(join(indexDir, name), { force: true });
  }
  copyFileSync(pristine, dbFile());
  copyFileSync(pristineCache, cacheFile());
}

async function indexState() {
  const store = await openSqliteStore(dbFile(), { readonly: true, log: () => undefined });
  try {
    const stats = await store.stats();
    return {
      documents: stats.documents,
      indexed: stats.byStatus.indexed,
      withoutVectors: await store.countChunksWithoutVectors(),
    };
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  fake = await FakeOpenAIServer.start({ dimensions: 16 });
  root = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < DOCS; i++) {
    files[`notes/n${i}.md`] =
      `# Note ${i}\n\nAbout topic${i} and the grey heron.\n\n## More\n\n${"Filler words for a page. ".repeat(120)}\n`;
  }
  writeTree(root, files);
  indexDir = join(root, ".docindex");
  env = { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: "sk-test" };
  const first = await runCliAsync(["reindex", root, "--json", ...MODEL], { env });
  expect(first.code, first.stderr).toBe(0);
  pristine = join(makeTempDir(), "index.db");
  pristineCache = join(makeTempDir(), "embeddings.db");
  copyFileSync(dbFile(), pristine);
  copyFileSync(cacheFile(), pristineCache);
}, 120_000);

afterAll(async () => {
  await fake.close();
  removeDir(root);
});

const COMMANDS: Record<string, () => string[]> = {
  reindex: () => ["reindex", root, ...MODEL],
  search: () => ["search", "topic7 heron", "--root", root, "--mode", "lexical", "--json", ...MODEL],
  inventory: () => ["inventory", root, "--out", makeTempDir(), ...MODEL],
};

describe("a damaged index, through the CLI", () => {
  for (const how of DAMAGES) {
    for (const [command, args] of Object.entries(COMMANDS)) {
      it(`${command} on an index ${how}: rebuilt from the workspace, nothing embedded, one line`, async () => {
        restore();
        damage(dbFile(), how);
        const calls = fake.embeddingCalls;
        const result = await runCliAsync(args(), { env });
        expect(result.code, result.stderr).toBe(0);
        const lines = damagedLines(result.stderr);
        expect(lines, result.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^docindex: the index .*index\.db was damaged \(.+\); it was moved to index\.db\.damaged-\S+ and rebuilt from the workspace \(40 files/,
        );
        expect(await indexState()).toEqual({ documents: DOCS, indexed: DOCS, withoutVectors: 0 });
        expect(fake.embeddingCalls).toBe(calls);
        // The damaged file is kept, once, beside the new one.
        const aside = readdirSync(indexDir).filter(
          (n) => n.startsWith("index.db.damaged-") && !/-(wal|shm)$/.test(n),
        );
        expect(aside).toHaveLength(1);
        if (command === "search") {
          const answer = JSON.parse(result.stdout) as { results: { path: string }[] };
          expect(answer.results[0]?.path).toBe("notes/n7.md");
        }
        if (command === "inventory") {
          expect(result.stdout).toMatch(/Recovered: the index was damaged/);
          expect(result.stdout).toMatch(/40 files \(40 indexed\)/);
        }
      }, 60_000);
    }
  }

  it("keeps only the last damaged copy", async () => {
    restore();
    damage(dbFile(), "not a database");
    expect((await runCliAsync(COMMANDS.reindex!(), { env })).code).toBe(0);
    damage(dbFile(), "truncated");
    expect((await runCliAsync(COMMANDS.reindex!(), { env })).code).toBe(0);
    const aside = readdirSync(indexDir).filter(
      (n) => n.startsWith("index.db.damaged-") && !/-(wal|shm)$/.test(n),
    );
    expect(aside).toHaveLength(1);
  }, 60_000);

  it("a healthy index says nothing about damage", async () => {
    restore();
    const result = await runCliAsync(COMMANDS.reindex!(), { env });
    expect(result.code, result.stderr).toBe(0);
    expect(damagedLines(result.stderr)).toEqual([]);
    expect(existsSync(join(indexDir, "recovered.json"))).toBe(false);
  }, 60_000);
});

describe("a damaged embedding cache, through the CLI", () => {
  for (const how of DAMAGES) {
    it(`a cache ${how} is set aside; the warning names the chunks to embed again`, async () => {
      restore();
      // Both files damaged: every chunk must be embedded again, and the warning says so.
      damage(cacheFile(), how);
      damage(dbFile(), how);
      const result = await runCliAsync([...COMMANDS.reindex!(), "--json"], { env });
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as { totals: { chunks: number } };
      const warning = damagedLines(result.stderr).filter((l) => /the embedding cache/.test(l));
      expect(warning, result.stderr).toHaveLength(1);
      expect(warning[0]).toContain(`${summary.totals.chunks} chunks without a vector`);
      expect(await indexState()).toEqual({ documents: DOCS, indexed: DOCS, withoutVectors: 0 });
      expect(readdirSync(indexDir).some((n) => n.startsWith("embeddings.db.damaged-"))).toBe(true);
      // The new cache holds them all: a second rebuild costs nothing.
      damage(dbFile(), "not a database");
      const calls = fake.embeddingCalls;
      expect((await runCliAsync(COMMANDS.reindex!(), { env })).code).toBe(0);
      expect(fake.embeddingCalls).toBe(calls);
    }, 90_000);
  }
});
