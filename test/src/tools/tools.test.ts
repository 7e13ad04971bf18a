/**
 * The MCP tools' refusals and less travelled answers, through the SDK's own Client and
 * McpServer joined by its in-memory transport, on a real server context (SQLite, parser pool)
 * over a small folder with a file that fails to parse. The spawned server's happy paths are
 * in test/src/server/mcp-stdio.test.ts.
 */
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerContext } from "../../../src/server/context.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { startIndexedServer } from "../../helpers/in-memory-server.js";
import { callTool, textOf } from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

let dir: string;
let ctx: ServerContext;
let client: Client;

beforeAll(async () => {
  dir = makeTempDir();
  writeTree(dir, {
    "docs/one.md": "# One\n\nThe first note, about kestrels.\n",
    "docs/two.md": "# Two\n\nThe second note, about kestrels and merlins.\n",
    "broken.pdf": "%PDF-1.7\nnot a PDF after all\n",
  });
  ({ ctx, client } = await startIndexedServer(dir, "tools-test"));
});

afterAll(async () => {
  await client?.close();
  await ctx?.close();
  removeDir(dir);
});

async function refusal(tool: string, args: Record<string, unknown>): Promise<string> {
  const result = await callTool(client, tool, args);
  expect(result.isError, textOf(result)).toBe(true);
  return textOf(result);
}

describe("analyze", () => {
  it("gives an overview of the whole index that names what failed, and why", async () => {
    const result = await callTool(client, "analyze", {});
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text).toMatch(/^Largest: .*docs\/two\.md/m);
    expect(text).toMatch(/^Most chunks: /m);
    expect(text).toMatch(/^Not indexed:\n- broken\.pdf: failed: \S/m);
    expect(result.structuredContent).toMatchObject({ scope: "corpus" });
  });

  it("analyzes a glob within a root named by its folder, and refuses globs that leave it", async () => {
    const set = await callTool(client, "analyze", { path: "docs/*.md", root: basename(dir) });
    expect(set.structuredContent).toMatchObject({ scope: "set", set: { matched: 2 } });
    expect(await refusal("analyze", { path: "../**/*.md" })).toBe(
      "glob '../**/*.md' must be relative to a root, without '..'",
    );
    expect(await refusal("analyze", { path: "/etc/*" })).toMatch(/must be relative to a root/);
    expect(await refusal("analyze", { path: "notes/**" })).toBe(
      "no indexed document matches 'notes/**'",
    );
  });

  it("says whether a file is unknown to the index or was not indexed, and why", async () => {
    expect(await refusal("analyze", { path: "docs/three.md" })).toBe(
      "'docs/three.md' is not in the index (see `inventory`)",
    );
    expect(await refusal("analyze", { path: "broken.pdf" })).toMatch(
      /^'broken\.pdf' was not indexed: failed: \S/,
    );
  });

  it("answers without a summary, saying why, when no LLM is configured", async () => {
    const result = await callTool(client, "analyze", { path: "docs/one.md", summarize: true });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      scope: "document",
      summary: { notice: expect.stringMatching(/^no LLM is configured/) },
    });
  });
});

describe("inventory", () => {
  it("filters by status and lists each file with its reason", async () => {
    const result = await callTool(client, "inventory", { status: ["failed"] });
    const files = (result.structuredContent as { files: { path: string }[] }).files;
    expect(files.map((f) => f.path)).toEqual(["broken.pdf"]);
    expect(textOf(result)).toMatch(/^Files \(1\):\n- broken\.pdf \[pdf, failed: \S/m);
  });

  it("pages with a cursor, and gives only the summary with limit 0", async () => {
    const first = await callTool(client, "inventory", { limit: 2 });
    const page1 = first.structuredContent as { files: { path: string }[]; nextCursor?: string };
    expect(page1.files).toHaveLength(2);
    expect(textOf(first)).toContain("Files (2, more with nextCursor):");
    const second = await callTool(client, "inventory", { limit: 2, cursor: page1.nextCursor });
    const page2 = second.structuredContent as { files: { path: string }[]; nextCursor?: string };
    expect(page2.files).toHaveLength(1);
    expect(page2.nextCursor).toBeUndefined();
    expect([...page1.files, ...page2.files].map((f) => f.path).sort()).toEqual([
      "broken.pdf",
      "docs/one.md",
      "docs/two.md",
    ]);
    const summaryOnly = await callTool(client, "inventory", { limit: 0 });
    expect((summaryOnly.structuredContent as { files: unknown[] }).files).toEqual([]);
    expect(textOf(summaryOnly)).toMatch(/^Index: 3 files \(/);
    expect(textOf(summaryOnly)).not.toContain("Files (");
  });

  it("renders the SYSTEM_INVENTORY.md report for a root", async () => {
    const result = await callTool(client, "inventory", { format: "markdown", root: basename(dir) });
    expect(textOf(result)).toMatch(/^# System inventory\n\nRoot: `/);
    expect(textOf(result)).toContain("| broken.pdf | pdf | failed |");
  });
});

describe("index_status", () => {
  it("lists recent jobs, and refuses an id it no longer knows", async () => {
    const recent = await callTool(client, "index_status", {});
    expect(textOf(recent)).toContain("job-1");
    expect(await refusal("index_status", { jobId: "job-99" })).toBe(
      "no job 'job-99' (only the last 50 jobs are kept)",
    );
  });
});
