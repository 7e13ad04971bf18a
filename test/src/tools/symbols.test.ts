/**
 * The `symbols` tool, `docindex symbols` and the search boost, on a real tree (the requests
 * sdist from PyPI, pinned) indexed through the real pipeline, with Universal Ctags as the
 * oracle for names and lines.
 */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerContext } from "../../../src/server/context.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { startIndexedServer } from "../../helpers/in-memory-server.js";
import type { PublicSymbol } from "../../../src/search/symbol-results.js";
import type { PublicSearchResult } from "../../../src/search/format.js";
import { runCli } from "../../helpers/cli.js";
import { callTool, textOf } from "../../helpers/mcp.js";
import { fetchSourceTree, SOURCE_TREES, sourceFiles } from "../../helpers/source-trees.js";
import { ctagsTags, type CtagsTag } from "../../helpers/symbol-recall.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

const TREE = SOURCE_TREES.find((t) => t.name === "requests-2.32.3")!;

let dir: string;
let ctx: ServerContext;
let client: Client;
let tags: CtagsTag[];

beforeAll(async () => {
  const unpacked = await fetchSourceTree(TREE);
  dir = makeTempDir();
  cpSync(join(unpacked, "requests-2.32.3", "src"), join(dir, "src"), { recursive: true });
  tags = await ctagsTags(TREE, dir, sourceFiles(TREE, dir));
  ({ ctx, client } = await startIndexedServer(dir, "symbols-test"));
}, 300_000);

afterAll(async () => {
  await client?.close();
  await ctx?.close();
  if (dir) removeDir(dir);
});

async function symbols(args: Record<string, unknown>): Promise<PublicSymbol[]> {
  const result = await callTool(client, "symbols", args);
  expect(result.isError, textOf(result)).toBeFalsy();
  return (result.structuredContent as { results: PublicSymbol[] }).results;
}

describe("symbols tool", () => {
  it("finds ctags's definitions by exact name, at ctags's line, and cites path and lines", async () => {
    // Names ctags reports once in the tree: the answer must be that one place.
    const counts = new Map<string, number>();
    for (const t of tags) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const unique = tags.filter((t) => counts.get(t.name) === 1 && t.name.length > 6).slice(0, 25);
    expect(unique.length).toBe(25);
    for (const tag of unique) {
      const found = await symbols({ name: tag.name });
      expect(found.map((s) => [s.path, s.line])).toContainEqual([tag.path, tag.line]);
      const hit = found.find((s) => s.path === tag.path)!;
      expect(hit.lines.start).toBeLessThanOrEqual(tag.line);
      expect(hit.lines.end).toBeGreaterThanOrEqual(tag.line);
    }
    const text = textOf(await callTool(client, "symbols", { name: unique[0]!.name }));
    expect(text).toContain(`${unique[0]!.path}:`);
  });

  it("answers a prefix with every ctags definition that starts with it, and fuzzy with the same and more", async () => {
    const expected = new Set(
      tags.filter((t) => t.name.startsWith("get_")).map((t) => `${t.path}:${t.line}`),
    );
    expect(expected.size).toBeGreaterThan(5);
    const prefix = await symbols({ name: "get_", match: "prefix", limit: 100 });
    const got = new Set(prefix.map((s) => `${s.path}:${s.line}`));
    for (const e of expected) expect(got).toContain(e);
    expect(prefix.every((s) => s.name.toLowerCase().startsWith("get_"))).toBe(true);
    const fuzzy = await symbols({ name: "gtnetrc", match: "fuzzy" });
    expect(fuzzy[0]?.name).toBe("get_netrc_auth");
  });

  it("filters by kind and path", async () => {
    const classes = await symbols({ name: "Session", match: "prefix", kind: ["class"] });
    expect(classes.length).toBeGreaterThan(0);
    expect(classes.every((s) => s.kind === "class")).toBe(true);
    const methods = await symbols({ name: "send", pathPrefix: "src/requests/adapters" });
    expect(methods.length).toBeGreaterThan(0);
    expect(methods.every((s) => s.path === "src/requests/adapters.py")).toBe(true);
    const none = await symbols({ name: "send", path: "**/*.md" });
    expect(none).toEqual([]);
  });

  it("refuses an empty name", async () => {
    const result = await callTool(client, "symbols", { name: " " });
    expect(result.isError).toBe(true);
  });
});

describe("search ranks the defining chunk first", () => {
  it("puts the chunk that defines a named function before passages that mention it", async () => {
    const tag = tags.find((t) => t.name === "merge_setting")!;
    const result = await callTool(client, "search", { query: "merge_setting", mode: "lexical" });
    const results = (result.structuredContent as { results: PublicSearchResult[] }).results;
    expect(results.length).toBeGreaterThan(1);
    const first = results[0]!;
    expect(first.path).toBe(tag.path);
    expect(first.lines!.start).toBeLessThanOrEqual(tag.line);
    expect(first.lines!.end).toBeGreaterThanOrEqual(tag.line);
    expect(first.definition).toEqual({ name: "merge_setting", kind: "function", line: tag.line });
  });
});

describe("docindex symbols", () => {
  it("prints the definitions of the index as JSON", () => {
    const tag = tags.find((t) => t.name === "merge_hooks")!;
    const cli = runCli(["symbols", "merge_hooks", "--root", dir, "--json"], { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
    const { results } = JSON.parse(cli.stdout) as { results: PublicSymbol[] };
    expect(results.map((s) => [s.path, s.line])).toEqual([[tag.path, tag.line]]);
    const text = runCli(["symbols", "merge_hook", "--fuzzy", "--kind", "function", "--root", dir], {
      cwd: dir,
    });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^1\. function merge_hooks {2}src\/requests\/sessions\.py:\d+-\d+$/m,
    );
    const bad = runCli(["symbols", "x", "--kind", "lambda"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--kind must be one of/);
  });
});
