/**
 * The Streamable HTTP server (src/server/http.ts) in this process, on a real server context
 * (SQLite index, parser pool) and real HTTP on 127.0.0.1: what it refuses before the SDK sees
 * a request, sessions that go idle, log notifications for the sessions that ask, and close().
 * The spawned `docindex serve --http` is covered by mcp-http.test.ts.
 */
import { request } from "node:http";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../../src/config/load.js";
import { createLogger, type Logger } from "../../../src/log.js";
import { createServerContext, type ServerContext } from "../../../src/server/context.js";
import { startHttpServer, type RunningHttpServer } from "../../../src/server/http.js";
import { McpLogForwarder } from "../../../src/server/mcp-logging.js";
import { eventually } from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const TOKEN = "http-test-token-42";
const IDLE_MS = 2_000;
const MAX_BODY = 2048;

let root: string;
let ctx: ServerContext;
let log: Logger;
let server: RunningHttpServer;

beforeAll(async () => {
  root = makeTempDir();
  writeTree(root, { "a.md": "# A\n\nAbout otters.\n" });
  const forwarder = new McpLogForwarder();
  // Nothing on stderr; every record goes to the forwarder, as in `docindex serve`.
  log = createLogger({ level: "silent", onRecord: (record) => forwarder.forward(record) });
  const { settings } = loadSettings({
    cwd: root,
    env: {},
    flags: { indexDir: join(root, ".docindex"), workers: 1 },
  });
  ctx = await createServerContext({ settings, log, watch: false });
  server = await startHttpServer(ctx, forwarder, {
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    allowedOrigins: ["https://app.example"],
    idleTimeoutMs: IDLE_MS,
    maxBodyBytes: MAX_BODY,
  });
});

afterAll(async () => {
  await server?.close();
  await ctx?.close();
  removeDir(root);
});

const base = () => server.url.replace(/\/mcp$/, "");
const auth = { authorization: `Bearer ${TOKEN}` };
const MCP = { "content-type": "application/json", accept: "application/json, text/event-stream" };

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { ...MCP, ...auth, ...headers },
    body,
  });
  return { status: res.status, text: await res.text() };
}

function rpcMessage(text: string): string {
  return (JSON.parse(text) as { error: { message: string } }).error.message;
}

function rpcCode(text: string): number {
  return (JSON.parse(text) as { error: { code: number } }).error.code;
}

/** The `_meta` envelope that makes a request a 2026-07-28 one. */
const ENVELOPE = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: auth },
  });
  const client = new Client({ name: "http-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

describe("requests refused before they reach a session", () => {
  it("a body over the limit (413) and a body that is not JSON (400), as JSON-RPC errors", async () => {
    const big = await post(JSON.stringify({ padding: "x".repeat(MAX_BODY) }));
    expect(big.status).toBe(413);
    expect(rpcMessage(big.text)).toBe(`request body larger than ${MAX_BODY} bytes`);
    expect(rpcCode(big.text)).toBe(-32600);
    const garbled = await post("{ not json");
    expect(garbled.status).toBe(400);
    expect(rpcMessage(garbled.text)).toBe("request body is not valid JSON");
    expect(rpcCode(garbled.text)).toBe(-32700);
    const empty = await post("");
    expect(empty.status).toBe(400);
    expect(rpcCode(empty.text)).toBe(-32600);
  });

  it("a 2026-07-28 request over the limit, or not JSON-RPC, gets a protocol error", async () => {
    const modern = { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call" };
    const oversized = await post(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "search", arguments: { query: "x".repeat(MAX_BODY) }, _meta: ENVELOPE },
      }),
      { ...modern, "mcp-name": "search" },
    );
    expect(oversized.status).toBe(413);
    expect(rpcCode(oversized.text)).toBe(-32600);
    // JSON, with the envelope, but no JSON-RPC request: the SDK refuses it, nothing crashes.
    const notRpc = await post(JSON.stringify({ params: { _meta: ENVELOPE } }), modern);
    expect(notRpc.status).toBeGreaterThanOrEqual(400);
    expect(rpcCode(notRpc.text)).toBeLessThan(-32000);
    const wrongMethod = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 2, method: "no/such", params: { _meta: ENVELOPE } }),
      { "mcp-protocol-version": "2026-07-28", "mcp-method": "no/such" },
    );
    expect(rpcCode(wrongMethod.text)).toBe(-32601);
    // And the server still answers.
    expect((await fetch(`${base()}/health`)).status).toBe(200);
  });

  it("a session id it does not know (404), and a first request that is not initialize (400)", async () => {
    const unknown = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }), {
      "mcp-session-id": "no-such-session",
    });
    expect(unknown.status).toBe(404);
    expect(rpcMessage(unknown.text)).toMatch(/^session not found/);
    const first = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    expect(first.status).toBe(400);
    expect(rpcMessage(first.text)).toMatch(/first request of a session must be initialize/);
    const get = await fetch(server.url, { headers: { ...MCP, ...auth } });
    expect(get.status).toBe(400);
  });

  it("any path but /mcp and /health (404)", async () => {
    const res = await fetch(`${base()}/api`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found: the MCP endpoint is /mcp" });
  });

  it("takes the Bearer scheme in any case, and nothing else", async () => {
    const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    // Past the token check, the request fails for want of a session, not of a token.
    expect((await post(init, { authorization: `bearer ${TOKEN}` })).status).toBe(400);
    expect((await post(init, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await post(init, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  });

  it("accepts its own origins and the configured one, refuses others and foreign Hosts", async () => {
    const health = (origin: string) => fetch(`${base()}/health`, { headers: { origin } });
    expect((await health("https://app.example")).status).toBe(200);
    expect((await health(`http://localhost:${server.port}`)).status).toBe(200);
    const foreign = await health("https://app.example.evil");
    expect(foreign.status).toBe(403);
    expect(rpcMessage(await foreign.text())).toBe(
      "Origin 'https://app.example.evil' is not allowed",
    );
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base()}/health`, {
        headers: { host: `attacker.example:${server.port}` },
      });
      req.on("response", (res) => resolve(res.statusCode ?? 0)).on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe("sessions", () => {
  it("are closed once idle past the timeout; their id then answers 404", async () => {
    const { client, transport } = await connect();
    const id = transport.sessionId!;
    expect(server.sessions()).toBe(1);
    await client.listTools();
    await eventually(async () => (server.sessions() === 0 ? true : undefined), 15_000, "expiry");
    const late = await post(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }), {
      "mcp-session-id": id,
    });
    expect(late.status).toBe(404);
    await client.close().catch(() => undefined);
  });

  it("get log records as notifications at or above the level they asked for, others get none", async () => {
    const asking = await connect();
    const silent = await connect();
    const received: { level: string; msg: string }[] = [];
    const unasked: unknown[] = [];
    asking.client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => {
      const data = note.params.data as { msg: string };
      received.push({ level: note.params.level, msg: data.msg });
    });
    silent.client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => {
      unasked.push(note);
    });
    await asking.client.setLoggingLevel("warning");
    log.info("below the level");
    log.warn("the otter index is slow");
    log.error("the otter index failed");
    await eventually(async () => (received.length >= 2 ? true : undefined), 5_000, "notifications");
    expect(received).toEqual([
      { level: "warning", msg: "the otter index is slow" },
      { level: "error", msg: "the otter index failed" },
    ]);
    expect(unasked).toEqual([]);
    // A DELETE ends a session at once, without waiting for the idle timeout.
    await Promise.all([asking.transport.terminateSession(), silent.transport.terminateSession()]);
    expect(server.sessions()).toBe(0);
    await Promise.all([asking.client.close(), silent.client.close()]);
  });
});

describe("close", () => {
  it("ends every session and stops listening", async () => {
    const { client } = await connect();
    expect(server.sessions()).toBe(1);
    const url = server.url;
    await server.close();
    expect(server.sessions()).toBe(0);
    await expect(
      fetch(url, { method: "POST", headers: { ...MCP, ...auth }, body: "{}" }),
    ).rejects.toThrow();
    await client.close().catch(() => undefined);
  });
});
