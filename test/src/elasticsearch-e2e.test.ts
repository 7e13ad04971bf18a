/**
 * docindex on a real Elasticsearch node, through the command and the MCP server: indexing and
 * search, `reindex --full` building a new index while searches keep answering from the old one,
 * moving a SQLite index to Elasticsearch without embedding anything twice, and an outage of the
 * cluster (a real network cut, through a TCP proxy) during which the watcher's work waits on
 * disk and is applied when the cluster answers again; and two `docindex serve --http` processes
 * on one index answering the requests of one 2026-07-28 client in turn, as two instances behind
 * a round-robin load balancer would. DOCINDEX_ES_TESTS=0 skips it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEsCluster, type EsCluster } from "../elasticsearch/es-node.js";
import { FakeOpenAIServer } from "../helpers/fake-openai-server.js";
import { runCliAsync } from "../helpers/cli.js";
import {
  callTool,
  connectModernHttp,
  connectModernHttpRoundRobin,
  connectStdio,
  eventually,
  startHttpServerProcess,
  textOf,
} from "../helpers/mcp.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { makeTempDir, removeDir, writeTree } from "../helpers/tree.js";
import { elasticsearchAvailable } from "../helpers/elasticsearch-gate.js";

const skip = !elasticsearchAvailable();
let es: EsCluster;
const dirs: string[] = [];
let prefixCounter = 0;

function workspace(files: number, word: string): string {
  const root = makeTempDir();
  dirs.push(root);
  const tree: Record<string, string> = {};
  for (let i = 0; i < files; i++)
    tree[`docs/d${i}.md`] = `# Doc ${i}\n\nThe ${word} note number ${word}${i}.\n`;
  writeTree(root, tree);
  return root;
}

function esEnv(url: string): Record<string, string> {
  return {
    DOCINDEX_STORE: "elasticsearch",
    ELASTICSEARCH_URL: url,
    DOCINDEX_ES_INDEX_PREFIX: `e2e-${process.pid}-${prefixCounter++}`,
  };
}

async function searchPaths(
  root: string,
  query: string,
  env: Record<string, string>,
): Promise<string[]> {
  const result = await runCliAsync(["search", query, "--root", root, "--json"], { env });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { results: { path: string }[] }).results.map((r) => r.path);
}

beforeAll(async () => {
  if (!skip) es = await startEsCluster();
}, 600_000);

afterAll(async () => {
  await es?.close();
  for (const dir of dirs) removeDir(dir);
});

describe.skipIf(skip)("docindex on Elasticsearch", () => {
  it("indexes, searches and lists through the command", async () => {
    const root = workspace(20, "osprey");
    const env = esEnv(es.urls[0]!);
    const indexed = await runCliAsync(["reindex", root, "--json"], { env });
    expect(indexed.code, indexed.stderr).toBe(0);
    expect(JSON.parse(indexed.stdout)).toMatchObject({ indexed: 20 });
    expect(await searchPaths(root, "osprey7", env)).toEqual(["docs/d7.md"]);
    const again = await runCliAsync(["reindex", root, "--json"], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ unchanged: 20, indexed: 0 });
    const inventory = await runCliAsync(["inventory", root, "--out", makeTempDir()], { env });
    expect(inventory.code, inventory.stderr).toBe(0);
  });

  it("reindex --full builds a new index while searches keep answering from the old one", async () => {
    const root = workspace(300, "heron");
    const env = esEnv(es.urls[0]!);
    expect((await runCliAsync(["reindex", root], { env })).code).toBe(0);
    const full = runCliAsync(["reindex", root, "--full", "--json"], { env });
    let searches = 0;
    let done = false;
    void full.then(() => (done = true));
    while (!done) {
      expect(await searchPaths(root, "heron42", env)).toEqual(["docs/d42.md"]);
      searches++;
    }
    const result = await full;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ added: 300 });
    expect(searches).toBeGreaterThan(0);
    expect(await searchPaths(root, "heron299", env)).toEqual(["docs/d299.md"]);
  });

  it("moves a SQLite index to Elasticsearch without embedding anything twice", async () => {
    const fake = await FakeOpenAIServer.start({ dimensions: 16 });
    try {
      const root = workspace(25, "plover");
      const embed = {
        DOCINDEX_EMBEDDER: "openai",
        DOCINDEX_EMBED_MODEL: "text-embedding-3-small",
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_API_KEY: "sk-test",
      };
      const onSqlite = await runCliAsync(["reindex", root, "--json"], { env: embed });
      expect(JSON.parse(onSqlite.stdout)).toMatchObject({
        embeddings: { embedded: 25, pending: 0 },
      });
      const calls = fake.embeddingCalls;
      const env = { ...embed, ...esEnv(es.urls[0]!) };
      const onEs = await runCliAsync(["reindex", root, "--json"], { env });
      expect(onEs.code, onEs.stderr).toBe(0);
      expect(JSON.parse(onEs.stdout)).toMatchObject({
        indexed: 25,
        embeddings: { embedded: 25, providerInputs: 0, pending: 0 },
      });
      expect(fake.embeddingCalls).toBe(calls);
      const hybrid = await runCliAsync(
        ["search", "plover3", "--root", root, "--json", "--mode", "hybrid"],
        { env },
      );
      const answer = JSON.parse(hybrid.stdout) as { mode: string; results: { path: string }[] };
      expect(answer.mode).toBe("hybrid");
      expect(answer.results[0]!.path).toBe("docs/d3.md");
    } finally {
      await fake.close();
    }
  });

  it("keeps the watcher's work on disk while the cluster is unreachable, and applies it when it returns", async () => {
    const proxy = await TcpProxy.start(Number(new URL(es.urls[0]!).port));
    const root = workspace(5, "grebe");
    const env = { ...esEnv(proxy.url), DOCINDEX_STORE_RETRY_SEC: "1" };
    expect((await runCliAsync(["reindex", root], { env })).code).toBe(0);
    const session = await connectStdio(["--root", root], env);
    try {
      const find = async (query: string) =>
        (
          (await callTool(session.client, "search", { query })).structuredContent as {
            results?: { path: string }[];
          }
        ).results?.map((r) => r.path) ?? [];
      await eventually(
        async () => {
          const summary = (await callTool(session.client, "inventory", { limit: 0 }))
            .structuredContent as { summary: { watcher: { mode: string } } };
          return summary.summary.watcher.mode === "watching" ? true : undefined;
        },
        30_000,
        "watcher",
      );
      writeFileSync(join(root, "docs/live.md"), "# Live\n\nThe kestrel arrives.\n");
      await eventually(
        async () => ((await find("kestrel")).length === 1 ? true : undefined),
        20_000,
        "live file",
      );

      await proxy.down();
      writeFileSync(
        join(root, "docs/offline.md"),
        "# Offline\n\nThe merganser arrives while the cluster is down.\n",
      );
      const journal = join(root, ".docindex/pending-work.json");
      // The journal may first hold an earlier job alone: a second event for live.md (a write is
      // often reported as a create and an update) can reach a batch of its own after the search
      // found the file, and fail once the cluster is down.
      await eventually(
        async () =>
          existsSync(journal) && readFileSync(journal, "utf8").includes("docs/offline.md")
            ? true
            : undefined,
        60_000,
        "work kept on disk",
      );

      await proxy.up();
      await eventually(
        async () => ((await find("merganser")).length === 1 ? true : undefined),
        90_000,
        "deferred work applied",
      );
      await eventually(
        async () => (existsSync(journal) ? undefined : true),
        10_000,
        "journal cleared",
      );
      expect(await find("kestrel")).toEqual(["docs/live.md"]);
    } finally {
      await session.close();
      await proxy.close();
    }
  }, 240_000);

  it("two HTTP processes on one index answer one 2026-07-28 client in turn, identically", async () => {
    const root = workspace(30, "bittern");
    const env = esEnv(es.urls[0]!);
    expect((await runCliAsync(["reindex", root], { env })).code).toBe(0);
    const serve = ["--root", root, "--no-watch"];
    const [a, b] = await Promise.all([
      startHttpServerProcess(serve, env),
      startHttpServerProcess(serve, env),
    ]);
    const single = await connectModernHttp(a.url);
    const { client, served } = await connectModernHttpRoundRobin([a.url, b.url]);
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      const calls: [string, Record<string, unknown>][] = [
        ["search", { query: "bittern note", limit: 10 }],
        ["search", { query: "bittern17" }],
        ["read_document", { path: "docs/d3.md" }],
        ["inventory", { limit: 5 }],
        ["analyze", { path: "docs/d5.md" }],
      ];
      for (const [tool, args] of calls) {
        const expected = await callTool(single, tool, args);
        expect(expected.isError, textOf(expected)).toBeFalsy();
        // Each call four times in a row: twice on each process.
        for (let i = 0; i < 4; i++) {
          const answer = await callTool(client, tool, args);
          expect(answer.isError, textOf(answer)).toBeFalsy();
          expect(comparable(tool, answer.structuredContent)).toEqual(
            comparable(tool, expected.structuredContent),
          );
        }
      }
      expect(served[0]).toBeGreaterThanOrEqual(10);
      expect(served[1]).toBeGreaterThanOrEqual(10);
    } finally {
      await client.close();
      await single.close();
      await Promise.all([a.close(), b.close()]);
    }
  }, 180_000);

  describe("a damaged index", () => {
    async function rest(method: string, path: string, body?: unknown): Promise<unknown> {
      const response = await fetch(`${es.urls[0]}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
      return response.json();
    }

    /** One clear line naming the index and the remedy, exit 1; then `reindex --full` repairs it. */
    async function expectRefusedThenRepaired(
      root: string,
      env: Record<string, string>,
      why: RegExp,
    ): Promise<void> {
      const prefix = env.DOCINDEX_ES_INDEX_PREFIX!;
      for (const args of [
        ["search", "kestrel3", "--root", root],
        ["reindex", root],
      ]) {
        const refused = await runCliAsync(args, { env });
        expect(refused.code, refused.stderr).toBe(1);
        const lines = refused.stderr.trim().split("\n");
        expect(lines, refused.stderr).toHaveLength(1);
        expect(lines[0]).toContain(`The Elasticsearch index '${prefix}' is damaged`);
        expect(lines[0]).toMatch(why);
        expect(lines[0]).toContain("docindex reindex --full");
      }
      // doctor names the same problem and the same remedy, and exits 1.
      const doctor = await runCliAsync(["doctor", root, "--json"], { env });
      expect(doctor.code, doctor.stderr).toBe(1);
      const store = (
        JSON.parse(doctor.stdout) as {
          findings: { check: string; status: string; detail: string; fix?: string }[];
        }
      ).findings.find((f) => f.check === "store");
      expect(store).toMatchObject({ status: "fail", fix: "run `docindex reindex --full`" });
      expect(store?.detail).toMatch(why);
      const repaired = await runCliAsync(["reindex", root, "--full", "--json"], { env });
      expect(repaired.code, repaired.stderr).toBe(0);
      expect(JSON.parse(repaired.stdout)).toMatchObject({ indexed: 12 });
      expect(await searchPaths(root, "kestrel3", env)).toEqual(["docs/d3.md"]);
      const healthy = await runCliAsync(["doctor", root, "--json"], { env });
      expect(healthy.code, healthy.stdout).toBe(0);
    }

    it("a missing alias is an error naming the index and `reindex --full`, which repairs it", async () => {
      const root = workspace(12, "kestrel");
      const env = esEnv(es.urls[0]!);
      const prefix = env.DOCINDEX_ES_INDEX_PREFIX!;
      expect((await runCliAsync(["reindex", root], { env })).code).toBe(0);
      await rest("DELETE", `/${prefix}-000001/_alias/${prefix}`);
      await expectRefusedThenRepaired(root, env, new RegExp(`alias '${prefix}' is missing`));
    }, 120_000);

    it("an alias removed under a running server: tools say the index is damaged and what to do", async () => {
      const root = workspace(12, "kestrel");
      const env = esEnv(es.urls[0]!);
      const prefix = env.DOCINDEX_ES_INDEX_PREFIX!;
      expect((await runCliAsync(["reindex", root], { env })).code).toBe(0);
      const session = await connectStdio(["--root", root, "--no-watch"], env);
      try {
        const before = await callTool(session.client, "search", { query: "kestrel3" });
        expect(before.isError, textOf(before)).toBeFalsy();
        await rest("DELETE", `/${prefix}-000001/_alias/${prefix}`);
        // (A search may still answer from its point in time, which holds the old index.)
        const after = await callTool(session.client, "inventory", { limit: 0 });
        expect(after.isError, textOf(after)).toBe(true);
        expect(textOf(after)).toContain(`The Elasticsearch index '${prefix}' is damaged`);
        expect(textOf(after)).toContain("docindex reindex --full");
      } finally {
        await session.close();
      }
    }, 120_000);

    it("a mapping that does not match is an error naming the index and `reindex --full`", async () => {
      const root = workspace(12, "kestrel");
      const env = esEnv(es.urls[0]!);
      const prefix = env.DOCINDEX_ES_INDEX_PREFIX!;
      // An index created by hand under docindex's name: its _meta says docindex, its fields do not.
      await rest("PUT", `/${prefix}-000001`, {
        aliases: { [prefix]: { is_write_index: true } },
        mappings: {
          _meta: { docindex: { schema: 1 } },
          properties: { path: { type: "text" }, body: { type: "text" } },
        },
      });
      await expectRefusedThenRepaired(
        root,
        env,
        /mapping of .*-000001 does not match docindex's \(/,
      );
    }, 120_000);
  });
});

/**
 * An answer without what belongs to the process that gave it: `inventory` names the
 * process's own jobs and watcher, which two instances do not share.
 */
function comparable(tool: string, structured: unknown): unknown {
  if (tool !== "inventory") return structured;
  const { summary, ...rest } = structured as { summary: Record<string, unknown> };
  const { jobs: _jobs, watcher: _watcher, ...shared } = summary;
  return { ...rest, summary: shared };
}
