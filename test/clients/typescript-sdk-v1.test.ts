/**
 * The TypeScript SDK v1 client (`@modelcontextprotocol/sdk` 1.x, the generation most MCP hosts
 * ship today) keeps working against `docindex serve`, over stdio and Streamable HTTP: the
 * handshake, and every tool. After `tools/list` the v1 client checks each tool's
 * structuredContent against the tool's outputSchema itself, so a schema that drifted from
 * what a tool returns fails here too. The detailed behaviour of each tool is tested in
 * test/src/server; this is the compatibility check, run against DOCINDEX_TEST_SERVER when set.
 */
import { realpathSync } from "node:fs";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callTool,
  connectHttp,
  connectStdio,
  eventually,
  startHttpServerProcess,
  textOf,
  TOOL_NAMES,
  type HttpServerProcess,
} from "../helpers/mcp.js";
import { makeClientWorkspace, serverCli, type ClientWorkspace } from "./workspace.js";

const TOKEN = "v1-client-token-0123456789";

describe.each(["stdio", "http"] as const)("TypeScript SDK v1 client over %s", (transport) => {
  let workspace: ClientWorkspace;
  let client: Client;
  let http: HttpServerProcess | undefined;

  beforeAll(async () => {
    workspace = makeClientWorkspace();
    const args = ["--root", workspace.root, "--no-watch"];
    if (transport === "stdio") {
      client = (await connectStdio(args, {}, serverCli())).client;
    } else {
      http = await startHttpServerProcess([...args, "--token", TOKEN], {}, serverCli());
      client = await connectHttp(http.url, TOKEN);
    }
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await http?.close();
    workspace?.remove();
  });

  it("completes the handshake on a version the v1 client supports", () => {
    expect(client.getServerVersion()?.name).toBe("docindex");
    if (transport === "http") {
      const version = (client.transport as StreamableHTTPClientTransport).protocolVersion;
      expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(version);
    }
  });

  it("lists the six tools, each with input and output schemas", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
    }
  });

  it("search", async () => {
    const result = await callTool(client, "search", { query: "quokka installer", limit: 5 });
    expect(result.isError, textOf(result)).toBeFalsy();
    const { results } = result.structuredContent as { results: { path: string; root: string }[] };
    expect(results[0]).toMatchObject({ path: "docs/guide.md", root: realpathSync(workspace.root) });
  });

  it("inventory", async () => {
    const result = await callTool(client, "inventory", {});
    expect(result.isError, textOf(result)).toBeFalsy();
    const { summary } = result.structuredContent as { summary: { files: number } };
    expect(summary.files).toBe(workspace.files);
  });

  it("analyze", async () => {
    const result = await callTool(client, "analyze", { path: "docs/guide.md" });
    expect(result.isError, textOf(result)).toBeFalsy();
    const { document } = result.structuredContent as { document: { outline: { title: string }[] } };
    expect(document.outline.map((o) => o.title)).toEqual(["Guide", "Installing"]);
  });

  it("read_document, and its refusal of a path outside the root", async () => {
    const result = await callTool(client, "read_document", {
      path: "docs/guide.md",
      startLine: 5,
      endLine: 7,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((result.structuredContent as { text: string }).text).toBe(
      "## Installing\n\nRun the quokka installer from the harbour.",
    );
    const outside = await callTool(client, "read_document", {
      path: `${workspace.outside}/secret.txt`,
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside the indexed roots/);
    expect(textOf(outside)).not.toContain(workspace.secret);
  });

  it("reindex, followed to the end with index_status", async () => {
    const started = await callTool(client, "reindex", {});
    expect(started.isError, textOf(started)).toBeFalsy();
    const { jobId } = started.structuredContent as { jobId: string };
    expect(jobId).toMatch(/^job-/);
    const job = await eventually(
      async () => {
        const status = await callTool(client, "index_status", { jobId });
        expect(status.isError, textOf(status)).toBeFalsy();
        const [first] = (
          status.structuredContent as { jobs: { state: string; summary?: unknown }[] }
        ).jobs;
        return first?.state === "done" ? first : undefined;
      },
      30_000,
      `job ${jobId}`,
    );
    expect(job.summary).toMatchObject({ scanned: workspace.files, failed: 0 });
  });
});
