/**
 * The `docindex` command's own behaviour, through the built command as a user runs it: the
 * version and help, every usage error each command answers with one line and exit code 2, a
 * failed run (exit 1, a stack trace only under DOCINDEX_DEBUG), what each settings flag
 * changes, and the human summary of a run.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileRegistry } from "../../../src/inventory/registry.js";
import type { ReindexSummary } from "../../../src/pipeline/reindex.js";
import { runCli, runCliAsync } from "../../helpers/cli.js";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const PACKAGE = JSON.parse(
  readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
) as { version: string };

const PROSE = "Each sentence here adds a few more words to the paragraph about herons. ";

let scratch: string;
/** A folder without mcp.json or .env, so only the flags of each test apply. */
let cwd: string;

beforeAll(() => {
  scratch = makeTempDir();
  cwd = join(scratch, "cwd");
  writeTree(scratch, { "cwd/.keep": "", "file.txt": "not a folder\n" });
});
afterAll(() => removeDir(scratch));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd, env });

function expectUsage(args: string[], message: RegExp, env: NodeJS.ProcessEnv = {}) {
  const result = run(args, env);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe("");
}

describe("docindex version and help", () => {
  it("prints the package's version", () => {
    for (const flag of ["--version", "-v"]) {
      const result = run([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${PACKAGE.version}\n`);
    }
  });

  it("prints the command list, exiting 2 when no command was given and 0 when help was asked", () => {
    const bare = run([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("Commands:");
    const asked = run(["help"]);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toBe(bare.stdout);
    const serve = run(["serve", "--help"]);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toContain("Usage: docindex serve");
    expect(serve.stdout).toContain("--allow-origin ORIGIN");
  });
});

/**
 * One spawn per case: [what, args, the one line expected, environment]. Arguments are built
 * when the case runs, once the scratch folder exists.
 */
const USAGE_ERRORS: [string, () => string[], RegExp, (() => NodeJS.ProcessEnv)?][] = [
  ["search without a query", () => ["search"], /docindex search: QUERY is missing/],
  ["search with a blank query", () => ["search", "   "], /QUERY is missing/],
  [
    "search with an unknown mode",
    () => ["search", "x", "--mode", "fuzzy"],
    /--mode must be one of lexical, semantic, hybrid, got 'fuzzy'/,
  ],
  [
    "search with an unknown kind",
    () => ["search", "x", "--kind", "spreadsheet"],
    /--kind must be one of .*'spreadsheet'/,
  ],
  [
    "search with a date that is none",
    () => ["search", "x", "--since", "last tuesday"],
    /--since must be a date \(2026-01-31\) or an age \(7d, 12h\), got 'last tuesday'/,
  ],
  [
    "reindex of a file",
    () => ["reindex", join(scratch, "file.txt")],
    /docindex reindex: not a folder: /,
  ],
  [
    "inventory of two folders",
    () => ["inventory", scratch, cwd],
    /docindex inventory: takes one DIR at most/,
  ],
  [
    // Two roots from the environment, one --out: the two inventories would overwrite each other.
    "inventory --out with two configured roots",
    () => ["inventory", "--out", join(scratch, "out")],
    /--out needs a single root/,
    () => ({ DOCINDEX_ROOTS: `${scratch},${cwd}` }),
  ],
  [
    "serve with a stray argument",
    () => ["serve", "docs"],
    /unexpected argument 'docs' \(use --root DIR\)/,
  ],
  [
    "serve on a port that is none",
    () => ["serve", "--http", "127.0.0.1:99999"],
    /--http must be PORT or HOST:PORT/,
  ],
  ["serve on a host without a port", () => ["serve", "--http", "localhost:"], /got 'localhost:'/],
  [
    "serve with a short token",
    () => ["serve", "--token", "short"],
    /--token must be at least 8 characters/,
  ],
  [
    "serve a missing folder",
    () => ["serve", "--root", join(scratch, "missing")],
    /folder not found/,
  ],
  [
    "--workers that is not whole",
    () => ["reindex", "--workers", "1.5"],
    /--workers must be a whole number from 0 to 256, got '1.5'/,
  ],
  [
    "--chunk-tokens out of range",
    () => ["reindex", "--chunk-tokens", "8"],
    /--chunk-tokens must be .* from 32 to 8192/,
  ],
  [
    "an empty --parse-timeout",
    () => ["reindex", "--parse-timeout", ""],
    /--parse-timeout must be a number/,
  ],
  [
    "--embed-dimensions of 0",
    () => ["reindex", "--embed-dimensions", "0"],
    /--embed-dimensions must be/,
  ],
  [
    "a store the settings refuse",
    () => ["reindex", "--store", "mongodb"],
    /docindex reindex: --store: /,
  ],
  [
    "an --es-url that is no URL",
    () => ["reindex", "--es-url", "not a url"],
    /docindex reindex: --es-url: /,
  ],
  [
    "an embedder the settings refuse",
    () => ["reindex", "--embedder", "magic"],
    /docindex reindex: --embedder: /,
  ],
];

describe("docindex usage errors: one line, exit code 2", () => {
  it.each(USAGE_ERRORS)("%s", (_what, args, message, env) => expectUsage(args(), message, env?.()));
});

describe("docindex failures of a run", () => {
  it("exits 1 with one line, and adds the stack trace only under DOCINDEX_DEBUG", () => {
    // The index folder cannot be created where a file already is: not the user's typo, a failure.
    const args = ["reindex", cwd, "--index", join(scratch, "file.txt", "index")];
    const plain = run(args);
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim().split("\n")).toHaveLength(1);
    expect(plain.stderr).toMatch(/^docindex: .*ENOTDIR/);
    const debug = run(args, { DOCINDEX_DEBUG: "1" });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("names the missing cluster when the store is Elasticsearch without a URL", () => {
    expectUsage(["search", "x", "--store", "elasticsearch"], /no cluster is named/, {
      ELASTICSEARCH_URL: "",
    });
  });
});

describe("docindex settings flags change the run", () => {
  let root: string;
  let index: string;

  beforeAll(() => {
    root = join(scratch, "flags");
    index = join(scratch, "flags-index");
    writeTree(root, {
      // Under 1 KB, with sections of about 90 tokens.
      "guide.md": `# Guide\n\n${PROSE.repeat(5)}\n\n## More\n\n${PROSE.repeat(5)}\n`,
      "scratch.tmp": "temporary heron notes\n",
      "big.txt": "heron ".repeat(400),
      // A secret-looking file: docindex's own excludes drop it, git's rules alone do not.
      ".env.local": "ZEBRAFINCH_SECRET=abc\n",
    });
  });

  it("--index, --exclude, --max-file-size-mb, --no-default-excludes, --chunk-tokens", () => {
    const base = ["--index", index, "--workers", "1", "--parse-timeout", "20"];
    const first = run(["reindex", root, "--json", ...base, "--exclude", "*.tmp"]);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as ReindexSummary;
    expect(summary.scanned).toBe(2); // guide.md, big.txt: not scratch.tmp, not .env.local
    expect(existsSync(join(index, "index.db"))).toBe(true);
    expect(existsSync(join(root, ".docindex"))).toBe(false);

    const small = run([
      "reindex",
      root,
      "--json",
      ...base,
      "--full",
      "--no-default-excludes",
      "--max-file-size-mb",
      "0.001",
      "--chunk-tokens",
      "64",
    ]);
    expect(small.code, small.stderr).toBe(0);
    const again = JSON.parse(small.stdout) as ReindexSummary;
    expect(again.scanned).toBe(4);
    const problems = Object.fromEntries(again.problems.map((p) => [p.path, p]));
    expect(problems["big.txt"]).toMatchObject({ status: "skipped" });
    expect(problems["big.txt"]!.reason).toMatch(/too large/);
    // 64-token chunks split guide.md's sections, which 400-token chunks had merged into one.
    expect(again.totals.chunks).toBeGreaterThan(summary.totals.chunks);

    const found = run(["search", "zebrafinch", "--root", root, "--index", index, "--json"]);
    expect(found.code, found.stderr).toBe(0);
    const results = (JSON.parse(found.stdout) as { results: { path: string }[] }).results;
    expect(results.map((r) => r.path)).toEqual([".env.local"]);
  });

  it("inventory --json prints the registry it writes", () => {
    const out = join(scratch, "flags-out");
    const result = run(["inventory", root, "--index", index, "--out", out, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as FileRegistry;
    expect(JSON.parse(readFileSync(join(out, "file_registry.json"), "utf8"))).toEqual(printed);
    const byPath = Object.fromEntries(printed.files.map((f) => [f.path, f.status]));
    // The default excludes apply again, so .env.local is not listed; the unchanged files have
    // the status the last run gave them, big.txt's "too large" included.
    expect(byPath).toEqual({
      "big.txt": "skipped",
      "guide.md": "indexed",
      "scratch.tmp": "indexed",
    });
  });
});

describe("docindex reindex's summary for people", () => {
  let fake: FakeOpenAIServer;
  let root: string;

  beforeAll(async () => {
    fake = await FakeOpenAIServer.start({ dimensions: 8, apiKey: "sk-test" });
    root = join(scratch, "summary");
    const files: Record<string, string | Buffer> = { "notes.md": `# Notes\n\n${PROSE}\n` };
    // A NUL byte makes a file binary, as for git.
    for (let i = 0; i < 23; i++)
      files[`blobs/b${String(i).padStart(2, "0")}.bin`] = Buffer.from([0, i, 0, i]);
    writeTree(root, files);
  });
  afterAll(() => fake.close());

  it("counts the run and the index, lists 20 problems and says how many more there are", async () => {
    const result = await runCliAsync(
      ["reindex", root, "--embedder", "openai", "--embed-model", "text-embedding-3-small"],
      { cwd, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: "sk-test" } },
    );
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^Scanned 24 files in \d+\.\d s: 24 new, 0 changed, 0 unchanged, 0 removed\.$/,
    );
    expect(lines[1]).toBe("This run: 1 indexed, 23 skipped, 0 failed, 1 chunks written.");
    expect(lines[2]).toBe("Index: 24 files (1 indexed, 23 skipped, 0 failed), 1 chunks.");
    expect(lines[3]).toBe(
      "Embeddings: 1 chunks embedded (0 from the cache, 1 sent to the embedder), 0 waiting.",
    );
    expect(lines[4]).toBe("Not indexed in this run:");
    const listed = lines.filter((line) => /^ {2}skipped blobs\/b\d\d\.bin: binary$/.test(line));
    expect(listed).toHaveLength(20);
    expect(lines.at(-1)).toBe("  … and 3 more (docindex inventory lists them all)");
    // Piped output: no progress bar drawn into stderr.
    expect(result.stderr).toBe("");
  });
});

describe("docindex with an embedder that cannot start", () => {
  it("indexes lexically, says which model is missing where, and searches lexically", () => {
    const root = join(scratch, "no-model");
    writeTree(root, { "a.md": `# Herons\n\n${PROSE}\n` });
    const models = join(scratch, "models");
    writeTree(models, { ".keep": "" });
    // Offline, so nothing is fetched from a model hub: the folder is all there is.
    const env = { DOCINDEX_OFFLINE: "1", DOCINDEX_LOCAL_MODEL_PATH: models };
    const flags = ["--index", join(scratch, "no-model-index"), "--embedder", "local"];
    const model = ["--embed-model", "acme/absent-model"];
    const indexed = run(["reindex", root, ...flags, ...model], env);
    expect(indexed.code, indexed.stderr).toBe(0);
    expect(indexed.stdout).toMatch(
      /^Embeddings: 0 chunks embedded \(0 from the cache, 0 sent to the embedder\), 1 waiting — local model acme\/absent-model \(q8\) not found in localModelPath .*; they are embedded on the next run once the embedder answers\.$/m,
    );
    const found = run(
      ["search", "herons", "--root", root, ...flags, ...model, "--mode", "semantic", "--json"],
      env,
    );
    expect(found.code, found.stderr).toBe(0);
    expect(found.stderr).toMatch(
      /^docindex search: semantic search is not available: .*acme\/absent-model.*; answered with lexical \(BM25\) search\.$/m,
    );
    const answer = JSON.parse(found.stdout) as { mode: string; results: { path: string }[] };
    expect(answer.mode).toBe("lexical");
    expect(answer.results.map((r) => r.path)).toEqual(["a.md"]);
  });
});
