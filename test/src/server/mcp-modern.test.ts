/**
 * MCP 2026-07-28 against the spawned `docindex serve`, over stdio and Streamable HTTP: the
 * TypeScript SDK v2 client in `auto` negotiation settles on 2026-07-28 (no handshake), every
 * tool and the document resources answer, `server/discover` names what the server supports,
 * and over HTTP no session is made: a hand-written request carrying only the `_meta` envelope
 * is answered on its own, as one JSON body unless it asked for progress.
 */
import { realpathSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import {
  callTool,
  connectModernHttp,
  connectModernHttpRoundRobin,
  connectModernStdio,
  startHttpServerProcess,
  textOf,
  TOOL_NAMES,
  type HttpServerProcess,
  type ModernClient,
  type ModernStdioSession,
} from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const MODERN = "2026-07-28";
const TOKEN = "modern-test-token-42";
let root: string;
let stdio: ModernStdioSession;
let http: HttpServerProcess;
/** A second process on the same index, as a team would run behind a load balancer. */
let http2: HttpServerProcess;
let httpClient: ModernClient;

beforeAll(async () => {
  root = makeTempDir();
  writeTree(root, {
    "docs/guide.md": "# Guide\n\nRun the pangolin installer first.\n\n## Later\n\nThen rest.\n",
    "src/tool.py": "def armadillo():\n    return 7\n",
  });
  expect(runCli(["reindex", root]).code).toBe(0);
  stdio = await connectModernStdio(["--root", root, "--no-watch"]);
  http = await startHttpServerProcess(["--root", root, "--no-watch", "--token", TOKEN]);
  http2 = await startHttpServerProcess(["--root", root, "--no-watch", "--token", TOKEN]);
  httpClient = await connectModernHttp(http.url, TOKEN);
}, 120_000);

afterAll(async () => {
  await httpClient?.close();
  await stdio?.close();
  await http?.close();
  await http2?.close();
  removeDir(root);
});

// The query words are in the guide only.
const guideHit = { path: "docs/guide.md" };

function envelope(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": {},
    ...extra,
  };
}

/** A request as 2026-07-28 puts it on HTTP: the method and tool name mirrored in headers. */
async function rawPost(body: {
  method: string;
  params: { name?: string; [key: string]: unknown };
  [key: string]: unknown;
}): Promise<Response> {
  return fetch(http.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${TOKEN}`,
      "mcp-protocol-version": MODERN,
      "mcp-method": body.method,
      ...(body.params.name !== undefined ? { "mcp-name": body.params.name } : {}),
    },
    body: JSON.stringify(body),
  });
}

describe.each([
  ["stdio", () => stdio.client],
  ["HTTP", () => httpClient],
])("2026-07-28 over %s", (_transport, client) => {
  it("negotiates 2026-07-28 without a handshake", () => {
    expect(client().getNegotiatedProtocolVersion()).toBe(MODERN);
  });

  it("answers server/discover with the versions and capabilities it supports", async () => {
    const discovered = await client().discover();
    expect(discovered.supportedVersions).toContain(MODERN);
    expect(discovered.instructions).toMatch(/^docindex indexes/);
    // What this workspace holds, before the first tool call.
    expect(discovered.instructions).toContain(
      "This workspace: 2 files indexed (by kind, all files: 1 code, 1 markdown).",
    );
    expect(discovered.instructions).toContain(`Roots: ${realpathSync(root)} `);
    expect(discovered.instructions).toContain("Semantic search is off");
    expect(discovered.capabilities.tools).toBeDefined();
    expect(discovered.capabilities.resources).toBeDefined();
  });

  it("lists the same six tools, and every one answers", async () => {
    const { tools } = await client().listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const search = await callTool(client(), "search", { query: "pangolin installer" });
    expect(search.isError, textOf(search)).toBeFalsy();
    expect(search.structuredContent).toMatchObject({ results: [guideHit] });
    const read = await callTool(client(), "read_document", { path: "docs/guide.md" });
    expect(textOf(read)).toContain("Run the pangolin installer first.");
    const inventory = await callTool(client(), "inventory", {});
    expect(inventory.isError, textOf(inventory)).toBeFalsy();
    const analyze = await callTool(client(), "analyze", { path: "docs/guide.md" });
    expect(analyze.isError, textOf(analyze)).toBeFalsy();
    const reindex = await callTool(client(), "reindex", { wait: true });
    expect(reindex.structuredContent).toMatchObject({ job: { state: "done" } });
    const status = await callTool(client(), "index_status", {});
    expect(status.isError, textOf(status)).toBeFalsy();
    const refused = await callTool(client(), "read_document", { path: "../../etc/passwd" });
    expect(refused.isError).toBe(true);
  });

  it("lists and reads documents as resources", async () => {
    const { resources } = await client().listResources();
    const guide = resources.find((r) => r.name === "docs/guide.md");
    expect(guide).toBeDefined();
    const read = await client().readResource({ uri: guide!.uri });
    expect(read.contents[0]).toMatchObject({ uri: guide!.uri, mimeType: "text/markdown" });
  });
});

describe("2026-07-28 over HTTP without sessions", () => {
  it("answers a lone request with one JSON body and no session id", async () => {
    const res = await rawPost({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "search", arguments: { query: "pangolin" }, _meta: envelope() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("mcp-session-id")).toBeNull();
    const body = (await res.json()) as { id: number; result: { structuredContent: unknown } };
    expect(body.id).toBe(7);
    expect(body.result.structuredContent).toMatchObject({ results: [guideHit] });
  });

  it("gives listings cache hints as long as what they list lasts", async () => {
    const list = async (method: string) => {
      const res = await rawPost({ jsonrpc: "2.0", id: 9, method, params: { _meta: envelope() } });
      return ((await res.json()) as { result: { ttlMs: number; cacheScope: string } }).result;
    };
    // The tools never change while a server runs; the document list changes with the files.
    expect(await list("tools/list")).toMatchObject({ ttlMs: 3_600_000, cacheScope: "private" });
    expect(await list("resources/list")).toMatchObject({ ttlMs: 10_000, cacheScope: "private" });
  });

  it("streams SSE when the request asks for progress", async () => {
    const res = await rawPost({
      jsonrpc: "2.0",
      id: 8,
      method: "tools/call",
      params: {
        name: "reindex",
        arguments: { wait: true, full: true },
        _meta: envelope({ progressToken: "p1" }),
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toContain('"method":"notifications/progress"');
    expect(text).toContain('"id":8');
  });
});

describe("2026-07-28 over HTTP with two processes on one index", () => {
  it("answers one client's requests alternated between them identically, with no failure", async () => {
    const query = { query: "pangolin installer" };
    const reference = await callTool(httpClient, "search", query);
    const referenceText = await callTool(httpClient, "read_document", { path: "docs/guide.md" });
    const { client, served } = await connectModernHttpRoundRobin([http.url, http2.url], TOKEN);
    try {
      // One kind of request at a time, so that each kind alternates between the processes.
      for (let i = 0; i < 10; i++) {
        const search = await callTool(client, "search", query);
        expect(search.isError, textOf(search)).toBeFalsy();
        expect(search.structuredContent).toEqual(reference.structuredContent);
      }
      for (let i = 0; i < 10; i++) {
        const read = await callTool(client, "read_document", { path: "docs/guide.md" });
        expect(read.structuredContent).toEqual(referenceText.structuredContent);
      }
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
      expect(served[0]).toBeGreaterThanOrEqual(10);
      expect(served[1]).toBeGreaterThanOrEqual(10);
    } finally {
      await client.close();
    }
  });
});
