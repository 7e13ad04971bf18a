/**
 * The MCP server under load, over real transports: freshness (a file write until `search`
 * returns the new text, through the watcher), HTTP tool calls per second and latency with 1, 10
 * and 50 concurrent sessions, and the server's resident memory idle and under that load, on the
 * SciFact corpus.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttpTransport,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { percentile } from "./metrics.js";
import { readScifactQueries, writeScifactCorpus } from "./scifact.js";
import { fmt } from "./timing.js";

/** DOCINDEX_BENCH_CLI: another build's dist/src/cli/main.js, to measure it under the same load. */
const CLI =
  process.env.DOCINDEX_BENCH_CLI ?? fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const TOKEN = "bench-token-0123456789";

export interface Server {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** DOCINDEX_BENCH_CPU_PROF=<folder>: the server writes a V8 CPU profile there when it stops. */
function profileFlags(): string[] {
  const dir = process.env.DOCINDEX_BENCH_CPU_PROF;
  return dir ? ["--cpu-prof", "--cpu-prof-dir", dir] : [];
}

export async function startServer(root: string, extra: string[] = []): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      ...profileFlags(),
      CLI,
      "serve",
      "--root",
      root,
      "--http",
      "127.0.0.1:0",
      "--token",
      TOKEN,
      ...extra,
    ],
    {
      env: { ...process.env, DOCINDEX_LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving MCP at (\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once("exit", () => reject(new Error(`server exited: ${stderr}`)));
  });
  return {
    child,
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    }),
  );
  return client;
}

/**
 * The load test's client: the SDK v1 client (the handshake, a session and SSE answers) by
 * default, or with DOCINDEX_BENCH_MCP=2026-07-28 the SDK v2 client, whose sessionless requests
 * get single JSON answers.
 */
interface LoadClient {
  callTool(params: {
    name: string;
    arguments: Record<string, unknown>;
  }): Promise<{ isError?: boolean }>;
  close(): Promise<void>;
}

const MODERN = process.env.DOCINDEX_BENCH_MCP === "2026-07-28";

async function connectLoadClient(url: string): Promise<LoadClient> {
  if (!MODERN) return (await connect(url)) as unknown as LoadClient;
  const client = new ModernClient(
    { name: "bench", version: "1" },
    { versionNegotiation: { mode: "auto" } },
  );
  await client.connect(
    new ModernHttpTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    }),
  );
  return client as unknown as LoadClient;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export async function waitIdle(client: Client): Promise<void> {
  for (;;) {
    const result = await client.callTool({ name: "inventory", arguments: { limit: 0 } });
    const summary = (
      result.structuredContent as {
        summary: { jobs: { running?: unknown; queued: number }; watcher: { mode: string } };
      }
    ).summary;
    if (!summary.jobs.running && summary.jobs.queued === 0 && summary.watcher.mode !== "starting")
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function loadTest(
  server: Server,
  sessions: number,
  callsPerSession: number,
  queries: string[],
) {
  const clients = await Promise.all(
    Array.from({ length: sessions }, () => connectLoadClient(server.url)),
  );
  const latencies: number[] = [];
  let failures = 0;
  let peakRss = rssMb(server.child.pid!);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server.child.pid!))), 50);
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, n) => {
      for (let i = 0; i < callsPerSession; i++) {
        const query = queries[(n * callsPerSession + i) % queries.length]!;
        const t0 = performance.now();
        const result = await client
          .callTool({ name: "search", arguments: { query, limit: 10 } })
          .catch(() => undefined);
        latencies.push(performance.now() - t0);
        if (!result || result.isError) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await Promise.all(clients.map((client) => client.close()));
  latencies.sort((a, b) => a - b);
  return { calls: latencies.length, seconds, failures, latencies, peakRss };
}

async function freshness(workDir: string): Promise<number[]> {
  const root = join(workDir, "freshness");
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (let i = 0; i < 200; i++)
    writeFileSync(join(root, `note${i}.md`), `# Note ${i}\n\nSome steady text ${i}.\n`);
  const server = await startServer(root);
  const client = await connect(server.url);
  await waitIdle(client);
  const latencies: number[] = [];
  try {
    for (let edit = 0; edit < 100; edit++) {
      const token = `fresh${edit}x${Date.now().toString(36)}`;
      const t0 = performance.now();
      writeFileSync(join(root, `note${edit % 200}.md`), `# Note\n\nThe edit brings ${token}.\n`);
      for (;;) {
        const result = await client.callTool({
          name: "search",
          arguments: { query: token, limit: 1, mode: "lexical" },
        });
        if ((result.structuredContent as { results: unknown[] }).results.length > 0) break;
        if (performance.now() - t0 > 30_000) throw new Error(`edit ${edit} not visible after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      latencies.push(performance.now() - t0);
    }
  } finally {
    await client.close();
    await server.stop();
  }
  return latencies.sort((a, b) => a - b);
}

export async function serverBench(workDir: string): Promise<void> {
  console.log(
    "\n## Freshness: file write until `search` returns the new text (watcher, lexical), 100 edits",
  );
  const fresh = await freshness(workDir);
  console.log(
    `p50 ${fmt(percentile(fresh, 50), 0)} ms, p99 ${fmt(percentile(fresh, 99), 0)} ms (target: p50 under 300 ms)`,
  );
  await httpBench(workDir);
}

/** The HTTP load alone (`npm run bench -- http`). */
export async function httpBench(workDir: string): Promise<void> {
  const root = join(workDir, "scifact");
  writeScifactCorpus(root);
  const queries = readScifactQueries().queries.map((q) => q.text);
  const server = await startServer(root, ["--no-watch"]);
  try {
    const probe = await connect(server.url);
    await waitIdle(probe);
    await probe.close();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = rssMb(server.child.pid!);
    console.log(
      `\n## HTTP: \`search\` tool calls over Streamable HTTP, SciFact index (5,183 documents), ${MODERN ? "SDK v2 client at 2026-07-28 (no sessions, JSON answers)" : "SDK v1 client (handshake, sessions, SSE answers)"}`,
    );
    console.log("| sessions | calls | failed | calls/s | p50 ms | p99 ms | peak RSS MB |");
    console.log("|---:|---:|---:|---:|---:|---:|---:|");
    let peak = idle;
    const rate = new Map<number, number>();
    for (const [sessions, calls] of [
      [1, 600],
      [10, 60],
      [50, 20],
    ] as const) {
      const run = await loadTest(server, sessions, calls, queries);
      peak = Math.max(peak, run.peakRss);
      rate.set(sessions, run.calls / run.seconds);
      console.log(
        `| ${sessions} | ${run.calls} | ${run.failures} | ${fmt(run.calls / run.seconds, 0)} | ${fmt(percentile(run.latencies, 50), 1)} | ${fmt(percentile(run.latencies, 99), 1)} | ${fmt(run.peakRss, 0)} |`,
      );
    }
    console.log(
      `\nratio calls/s 10 sessions / 1 session: ${fmt(rate.get(10)! / rate.get(1)!, 2)}x (target: at least 1.7x and 100 calls/s; 50 x 20: p99 at most 250 ms, no failures)`,
    );
    console.log(
      `\n## Memory: server RSS idle ${fmt(idle, 0)} MB, under load (peak) ${fmt(peak, 0)} MB`,
    );
  } finally {
    await server.stop();
  }
}
