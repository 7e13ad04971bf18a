/**
 * `docindex serve --http` with the SDK's Streamable HTTP client: the tools answer, the token is
 * required, Host and Origin are checked, 50 concurrent sessions calling tools in a loop see no
 * failure, and sessions that end or disconnect leave nothing behind.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import {
  callTool,
  connectHttp,
  eventually,
  startHttpServerProcess,
  type HttpServerProcess,
} from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const TOKEN = "test-token-0123456789";
let root: string;
let server: HttpServerProcess;

function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "POST", headers: options.headers },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  },
});
const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

beforeAll(async () => {
  root = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++)
    files[`docs/page${i}.md`] =
      `# Page ${i}\n\nThis page talks about topic${i} and the shared walrus.\n`;
  writeTree(root, files);
  expect(runCli(["reindex", root]).code).toBe(0);
  server = await startHttpServerProcess(["--root", root, "--token", TOKEN, "--no-watch"]);
}, 60_000);

afterAll(async () => {
  await server?.close();
  removeDir(root);
});

async function health(): Promise<{ status: string; sessions: number }> {
  const res = await rawRequest(`${server.base}/health`, { method: "GET" });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as { status: string; sessions: number };
}

describe("MCP over Streamable HTTP", () => {
  it("binds 127.0.0.1 and answers /health", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect((await health()).status).toBe("ok");
  });

  it("answers 401 without the bearer token, and with a wrong one", async () => {
    expect((await rawRequest(server.url, { headers: MCP_HEADERS, body: INIT })).status).toBe(401);
    const wrong = await rawRequest(server.url, {
      headers: { ...MCP_HEADERS, authorization: "Bearer nope" },
      body: INIT,
    });
    expect(wrong.status).toBe(401);
  });

  it("refuses foreign Host and Origin headers (DNS rebinding)", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const host = await rawRequest(server.url, {
      headers: { ...MCP_HEADERS, ...auth, host: "evil.example:80" },
      body: INIT,
    });
    expect(host.status).toBe(403);
    const origin = await rawRequest(server.url, {
      headers: { ...MCP_HEADERS, ...auth, origin: "http://evil.example" },
      body: INIT,
    });
    expect(origin.status).toBe(403);
  });

  it("serves every tool to the SDK client", async () => {
    const client = await connectHttp(server.url, TOKEN);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining(["search", "inventory", "analyze", "read_document", "reindex"]),
      );
      const search = await callTool(client, "search", { query: "topic7 walrus", limit: 3 });
      expect((search.structuredContent as { results: { path: string }[] }).results[0]!.path).toBe(
        "docs/page7.md",
      );
      expect((await callTool(client, "inventory", {})).isError).toBeFalsy();
      expect((await callTool(client, "analyze", { path: "docs/page7.md" })).isError).toBeFalsy();
      expect(
        (await callTool(client, "read_document", { path: "docs/page7.md" })).isError,
      ).toBeFalsy();
      expect((await callTool(client, "reindex", {})).isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it("serves 50 concurrent sessions calling tools in a loop with zero failures", async () => {
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => connectHttp(server.url, TOKEN)),
    );
    let failures = 0;
    let calls = 0;
    await Promise.all(
      clients.map(async (client, n) => {
        for (let round = 0; round < 6; round++) {
          const i = (n + round) % 40;
          const result = await callTool(
            client,
            round % 3 === 2 ? "read_document" : "search",
            round % 3 === 2 ? { path: `docs/page${i}.md` } : { query: `topic${i}`, limit: 5 },
          ).catch(() => undefined);
          calls++;
          if (!result || result.isError) failures++;
          else if (
            round % 3 !== 2 &&
            (result.structuredContent as { results: { path: string }[] }).results[0]?.path !==
              `docs/page${i}.md`
          )
            failures++;
        }
      }),
    );
    expect(calls).toBe(300);
    expect(failures).toBe(0);
    expect((await health()).sessions).toBeGreaterThanOrEqual(50);
    await Promise.all(clients.map((client) => client.close()));
  }, 120_000);

  it("leaves nothing behind when sessions end or a client disconnects mid-call", async () => {
    const before = (await health()).sessions;
    const client = await connectHttp(server.url, TOKEN);
    expect((await health()).sessions).toBe(before + 1);
    const transport = client.transport as unknown as { terminateSession(): Promise<void> };
    // A call in flight when the client goes away.
    const pending = callTool(client, "reindex", { full: true, wait: true }).catch(() => "aborted");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await transport.terminateSession();
    await client.close();
    await pending;
    await eventually(
      async () => ((await health()).sessions === before ? true : undefined),
      10_000,
      "session cleanup",
    );
    // The server still answers new clients.
    const again = await connectHttp(server.url, TOKEN);
    expect((await callTool(again, "search", { query: "walrus" })).isError).toBeFalsy();
    await again.close();
  });
});
