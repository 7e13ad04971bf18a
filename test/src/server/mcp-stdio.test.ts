/**
 * The SDK's own MCP Client, over stdio, against `docindex serve`: every tool answers as the
 * README says, paths outside the roots and malformed arguments are refused with clear
 * errors, and stdout carries nothing but JSON-RPC.
 */
import { spawn } from "node:child_process";
import { realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH, runCli } from "../../helpers/cli.js";
import {
  callTool,
  connectStdio,
  eventually,
  textOf,
  TOOL_NAMES,
  type StdioSession,
} from "../../helpers/mcp.js";
import { datasetAvailable } from "../../helpers/datasets.js";
import { copyInto, makeTempDir, removeDir, SHARED_DOCS, writeTree } from "../../helpers/tree.js";

// The workspace holds a real PDF from the datasets; the tools are tested on it.
const haveDocs = datasetAvailable("docs");

let root: string;
let outside: string;
let session: StdioSession;

beforeAll(async () => {
  root = makeTempDir();
  outside = makeTempDir();
  writeTree(outside, { "secret.txt": "outside the root: do not read\n" });
  // Sections over a quarter of the chunk budget stay chunks of their own (smaller ones merge).
  const filler = "This sentence only makes the section long enough to be a passage of its own. "
    .repeat(8)
    .trim();
  const guide = `# Guide\n\nThe guide explains everything. ${filler}\n\n## Installing\n\nRun the quokka installer. ${filler}\n\n## Configuring\n\nSet the quokka level in settings. ${filler}\n`;
  writeTree(root, {
    "docs/guide.md": guide,
    "docs/copy.md": guide,
    "src/main.py": "def launch_quokka():\n    return 42\n\n\nclass Launcher:\n    pass\n",
    "notes.txt": "Meeting notes about the harbour renovation.\n",
  });
  if (haveDocs) copyInto(root, "papers/cweb.pdf", join(SHARED_DOCS, "pdf/pdfbox__input__cweb.pdf"));
  symlinkSync(join(outside, "secret.txt"), join(root, "escape.txt"));
  expect(runCli(["reindex", root]).code).toBe(0);
  session = await connectStdio(["--root", root, "--no-watch"]);
}, 120_000);

afterAll(async () => {
  await session?.close();
  removeDir(root);
  removeDir(outside);
});

describe.skipIf(!haveDocs)("MCP over stdio", () => {
  it("lists the tools with descriptions and schemas", async () => {
    const { tools } = await session.client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(80);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
    }
    expect(tools.find((t) => t.name === "search")!.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === "reindex")!.annotations?.readOnlyHint).toBe(false);
  });

  it("search answers with structured, citable results and the same as text", async () => {
    const result = await callTool(session.client, "search", {
      query: "quokka installer",
      limit: 5,
    });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as {
      mode: string;
      results: { path: string; lines?: unknown; headingPath: string[]; root: string }[];
    };
    expect(structured.mode).toBe("lexical");
    expect(structured.results[0]!.path).toMatch(/^docs\/(guide|copy)\.md$/);
    expect(structured.results[0]!.headingPath).toEqual(["Guide", "Installing"]);
    expect(structured.results[0]!.lines).toEqual({ start: 5, end: 7 });
    expect(structured.results[0]!.root).toBe(realpathSync(root));
    expect(textOf(result)).toContain("docs/");
  });

  it("search takes several queries at once, filters, a token budget, and explains missing modes", async () => {
    const several = await callTool(session.client, "search", {
      queries: ["launch_quokka", "harbour renovation"],
    });
    const s = several.structuredContent as {
      results: { path: string }[];
      searches: { query: string; results: unknown[] }[];
    };
    expect(s.searches).toHaveLength(2);
    expect(s.results.map((r) => r.path)).toEqual(
      expect.arrayContaining(["src/main.py", "notes.txt"]),
    );

    const filtered = await callTool(session.client, "search", { query: "quokka", kind: ["code"] });
    expect(
      (filtered.structuredContent as { results: { path: string }[] }).results.map((r) => r.path),
    ).toEqual(["src/main.py"]);

    const budget = await callTool(session.client, "search", {
      query: "quokka guide",
      maxTokens: 60,
    });
    const b = budget.structuredContent as { results: { text?: string }[]; truncated: boolean };
    expect(b.results).toHaveLength(1);
    expect(b.results[0]!.text).toContain("quokka");
    expect(b.truncated).toBe(true);

    const semantic = await callTool(session.client, "search", {
      query: "quokka",
      mode: "semantic",
    });
    expect(semantic.isError).toBeFalsy();
    expect((semantic.structuredContent as { notice: string }).notice).toMatch(/embedder/);

    const none = await callTool(session.client, "search", { query: "zzzunmatchedzzz" });
    expect(none.isError).toBeFalsy();
    expect(textOf(none)).toMatch(/No results/);
  });

  it("inventory summarises the index and lists files with reasons, page by page", async () => {
    const result = await callTool(session.client, "inventory", {});
    const inv = result.structuredContent as {
      summary: { files: number; byStatus: Record<string, number>; watcher: { mode: string } };
      files: { path: string }[];
    };
    // Five documents, and escape.txt: a link out of the root, listed as a refused row.
    expect(inv.summary.files).toBe(6);
    expect(inv.summary.byStatus).toMatchObject({ indexed: 5, skipped: 1 });
    expect(inv.summary.watcher.mode).toBe("off");
    const first = await callTool(session.client, "inventory", { limit: 2 });
    const page1 = first.structuredContent as { files: { path: string }[]; nextCursor: string };
    expect(page1.files).toHaveLength(2);
    const second = await callTool(session.client, "inventory", {
      limit: 2,
      cursor: page1.nextCursor,
    });
    const page2 = second.structuredContent as { files: { path: string }[] };
    expect(page2.files[0]!.path > page1.files[1]!.path).toBe(true);
    const markdown = await callTool(session.client, "inventory", { format: "markdown" });
    expect(textOf(markdown)).toContain("# System inventory");
  });

  it("analyze gives an outline, statistics, key terms, related files and duplicates", async () => {
    const result = await callTool(session.client, "analyze", { path: "docs/guide.md" });
    expect(result.isError).toBeFalsy();
    const doc = (result.structuredContent as { scope: string; document: Record<string, unknown> })
      .document as {
      outline: { title: string; level: number }[];
      statistics: { words: number; lines: number };
      keyTerms: { term: string }[];
      duplicates: { path: string; kind: string }[];
    };
    expect(doc.outline.map((o) => o.title)).toEqual(["Guide", "Installing", "Configuring"]);
    expect(doc.statistics.words).toBe(17 + 3 * 8 * 15);
    expect(doc.keyTerms.map((t) => t.term)).toContain("quokka");
    expect(doc.duplicates).toEqual([
      expect.objectContaining({ path: "docs/copy.md", kind: "exact" }),
    ]);

    const pdf = await callTool(session.client, "analyze", { path: "papers/cweb.pdf" });
    const pdfDoc = (
      pdf.structuredContent as { document: { outline: { page?: number }[]; pageCount: number } }
    ).document;
    expect(pdfDoc.pageCount).toBeGreaterThan(1);
    expect(pdfDoc.outline[0]!.page).toBe(1);

    const set = await callTool(session.client, "analyze", { path: "docs/*.md" });
    expect((set.structuredContent as { set: { matched: number } }).set.matched).toBe(2);
    const corpus = await callTool(session.client, "analyze", {});
    expect((corpus.structuredContent as { scope: string }).scope).toBe("corpus");
  });

  it("read_document returns text by lines, by page, by chunk, with a cursor", async () => {
    const lines = await callTool(session.client, "read_document", {
      path: "docs/guide.md",
      startLine: 5,
      endLine: 7,
    });
    expect((lines.structuredContent as { text: string }).text).toMatch(
      /^## Installing\n\nRun the quokka installer\. This sentence/,
    );
    const page = await callTool(session.client, "read_document", {
      path: "papers/cweb.pdf",
      page: 2,
    });
    expect((page.structuredContent as { pages: { start: number } }).pages.start).toBe(2);
    const first = await callTool(session.client, "read_document", {
      path: "papers/cweb.pdf",
      maxChars: 500,
    });
    const piece = first.structuredContent as {
      text: string;
      nextCursor: string;
      totalChars: number;
    };
    expect(piece.text.length).toBeLessThanOrEqual(500);
    const next = await callTool(session.client, "read_document", {
      path: "papers/cweb.pdf",
      maxChars: 500,
      cursor: piece.nextCursor,
    });
    expect((next.structuredContent as { offset: number }).offset).toBe(piece.text.length);
    const hit = (await callTool(session.client, "search", { query: "harbour" }))
      .structuredContent as { results: { chunkId: string }[] };
    const around = await callTool(session.client, "read_document", {
      path: "notes.txt",
      chunkId: hit.results[0]!.chunkId,
    });
    expect((around.structuredContent as { text: string }).text).toContain("harbour");
  });

  it("reindex answers at once with a job id, and index_status follows it", async () => {
    const result = await callTool(session.client, "reindex", {});
    const { jobId } = result.structuredContent as { jobId: string };
    expect(jobId).toMatch(/^job-/);
    const done = await eventually(async () => {
      const status = await callTool(session.client, "index_status", { jobId });
      const job = (
        status.structuredContent as { jobs: { state: string; summary?: { unchanged: number } }[] }
      ).jobs[0]!;
      return job.state === "done" ? job : undefined;
    });
    expect(done.summary!.unchanged).toBe(6);
  });

  it("reindex with wait sends progress notifications", async () => {
    const progress: number[] = [];
    const result = await session.client.callTool(
      { name: "reindex", arguments: { full: true, wait: true } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect((result.structuredContent as { job: { state: string } }).job.state).toBe("done");
    expect(progress.length).toBeGreaterThan(0);
  });

  it("refuses paths outside the roots", async () => {
    for (const path of [
      "../../etc/passwd",
      "/etc/passwd",
      "escape.txt",
      join(outside, "secret.txt"),
    ]) {
      const result = await callTool(session.client, "read_document", { path });
      expect(result.isError, path).toBe(true);
      expect(textOf(result), path).toMatch(/outside|not in the index/);
      expect(textOf(result)).not.toContain("do not read");
    }
    const viaLink = await callTool(session.client, "read_document", { path: "escape.txt" });
    expect(textOf(viaLink)).toMatch(/outside the root/);
    const analyze = await callTool(session.client, "analyze", { path: "../outside.md" });
    expect(analyze.isError).toBe(true);
  });

  it("refuses malformed arguments with a message naming the argument", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["search", { query: 5 }, /query/],
      ["search", { query: "x", limit: 100000 }, /limit/],
      ["search", { query: "   " }, /query/],
      ["search", {}, /query/],
      ["search", { query: "x", modifiedSince: "yesterday-ish" }, /modifiedSince/],
      ["read_document", { path: "docs/guide.md", startLine: 0 }, /startLine/],
      ["read_document", { path: "docs/guide.md", cursor: "garbage" }, /cursor/],
      ["inventory", { limit: -1 }, /limit/],
      ["inventory", { cursor: "not-a-cursor" }, /cursor/],
      ["index_status", { jobId: "job-999999" }, /job-999999/],
    ];
    for (const [tool, args, pattern] of cases) {
      const result = await callTool(session.client, tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result), `${tool} ${JSON.stringify(args)}`).toMatch(pattern);
      expect(textOf(result)).not.toMatch(/\n\s+at /);
    }
  });

  it("exposes documents as resources, listed page by page", async () => {
    const listed = await session.client.listResources();
    expect(listed.resources.map((r) => r.name)).toContain("docs/guide.md");
    const guide = listed.resources.find((r) => r.name === "docs/guide.md")!;
    const read = await session.client.readResource({ uri: guide.uri });
    expect((read.contents[0] as { text: string }).text).toContain("quokka installer");
    const templates = await session.client.listResourceTemplates();
    expect(templates.resourceTemplates[0]!.uriTemplate).toBe("docindex://{root}/{+path}");
  });

  it("logs JSON lines on stderr with a correlation id per tool call", async () => {
    await callTool(session.client, "search", { query: "quokka" });
    const lines = session.stderr().trim().split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    const records = lines.map(
      (line) => JSON.parse(line) as { level: string; msg: string; callId?: string },
    );
    expect(records.some((r) => r.msg === "tool call" && /^call-/.test(r.callId ?? ""))).toBe(true);
  });
});

describe("stdout in stdio mode", () => {
  it("carries only JSON-RPC messages", async () => {
    const child = spawn(process.execPath, [CLI_PATH, "serve", "--root", root, "--no-watch"], {
      env: { ...process.env, DOCINDEX_LOG_LEVEL: "debug" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    const send = (message: object) => child.stdin.write(JSON.stringify(message) + "\n");
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "search", arguments: { query: "quokka" } },
    });
    send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "reindex", arguments: { wait: true } },
    });
    await eventually(
      async () => (stdout.includes('"id":3') ? true : undefined),
      30_000,
      "reindex answer",
    );
    child.stdin.end();
    await new Promise((resolve) => child.once("exit", resolve));
    const lines = stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
  });
});
