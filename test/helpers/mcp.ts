/**
 * Real MCP clients against the real `docindex serve` process, over stdio and over Streamable
 * HTTP: the TypeScript SDK v1 Client (it speaks the handshake revisions only) and the SDK v2
 * Client in `auto` negotiation (it speaks 2026-07-28 when the server does).
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Stream } from "node:stream";
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttpTransport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport as ModernStdioTransport } from "@modelcontextprotocol/client/stdio";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CLI_PATH } from "./cli.js";

export { ModernClient };

/** docindex's tools, sorted by name: every client must see exactly these. */
export const TOOL_NAMES = [
  "analyze",
  "grep",
  "index_status",
  "inventory",
  "read_document",
  "reindex",
  "search",
  "symbols",
];

/** The server's process, as either SDK's stdio transport spawns it; `cli` is the built main.js. */
function serveCommand(args: string[], env: Record<string, string>, cli = CLI_PATH) {
  return {
    command: process.execPath,
    args: [cli, "serve", ...args],
    env: { ...(process.env as Record<string, string>), DOCINDEX_LOG_LEVEL: "info", ...env },
    stderr: "pipe" as const,
  };
}

interface SpawningTransport {
  stderr: Stream | null;
}

export interface StdioSession<C = Client> {
  client: C;
  stderr: () => string;
  close(): Promise<void>;
}

/** Connects a client over a stdio transport, keeping what the server writes on stderr. */
async function overStdio<C extends { close(): Promise<void> }>(
  transport: SpawningTransport,
  connect: () => Promise<C>,
): Promise<StdioSession<C>> {
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const client = await connect();
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** `cli` is the built main.js to start (the client tests may name another build). */
export function connectStdio(
  args: string[],
  env: Record<string, string> = {},
  cli = CLI_PATH,
): Promise<StdioSession> {
  const transport = new StdioClientTransport(serveCommand(args, env, cli));
  return overStdio(transport, async () => {
    const client = new Client({ name: "docindex-test", version: "1.0.0" });
    await client.connect(transport);
    return client;
  });
}

export interface HttpServerProcess {
  url: string;
  base: string;
  child: ChildProcess;
  stderr: () => string;
  close(): Promise<void>;
}

/** Starts `docindex serve --http 127.0.0.1:0 ...` and waits for the address it prints. */
export async function startHttpServerProcess(
  args: string[],
  env: Record<string, string> = {},
  cli = CLI_PATH,
): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [cli, "serve", "--http", "127.0.0.1:0", ...args], {
    env: { ...process.env, DOCINDEX_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /serving MCP at (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    base: url.replace(/\/mcp$/, ""),
    child,
    stderr: () => stderr,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function connectHttp(url: string, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
  });
  const client = new Client({ name: "docindex-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** Either SDK's client: both call tools the same way. */
interface ToolCaller {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
}

export async function callTool(
  client: ToolCaller,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export type ModernStdioSession = StdioSession<ModernClient>;

/** The SDK v2 client in `auto` negotiation against `docindex serve` over stdio. */
export function connectModernStdio(
  args: string[],
  env: Record<string, string> = {},
): Promise<ModernStdioSession> {
  const transport = new ModernStdioTransport(serveCommand(args, env));
  return overStdio(transport, async () => {
    const client = modernClient();
    await client.connect(transport);
    return client;
  });
}

/** The SDK v2 client in `auto` negotiation against a Streamable HTTP endpoint. */
export async function connectModernHttp(url: string, token?: string): Promise<ModernClient> {
  return (await connectModernHttpRoundRobin([url], token)).client;
}

/**
 * One SDK v2 client whose HTTP requests go to each of `urls` in turn, as a plain round-robin
 * load balancer would send them; `served[i]` counts the requests `urls[i]` received.
 */
export async function connectModernHttpRoundRobin(
  urls: string[],
  token?: string,
): Promise<{ client: ModernClient; served: number[] }> {
  const served = urls.map(() => 0);
  let next = 0;
  const roundRobin = (_input: string | URL, init?: RequestInit) => {
    const index = next++ % urls.length;
    served[index]!++;
    return fetch(urls[index]!, init);
  };
  const transport = new ModernHttpTransport(new URL(urls[0]!), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
    fetch: roundRobin,
  });
  const client = modernClient();
  await client.connect(transport);
  return { client, served };
}

function modernClient(): ModernClient {
  return new ModernClient(
    { name: "docindex-test-v2", version: "1.0.0" },
    { versionNegotiation: { mode: "auto" } },
  );
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
