/**
 * The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into an empty
 * prefix, then the installed `docindex` command indexes, searches and serves MCP over stdio.
 * This catches what a run from the checkout hides: files missing from the tarball, a dependency
 * that is only a devDependency, a native module whose build script the package manager skipped.
 *
 * It runs on whichever Node and npm are first on PATH (CI runs the suite on the machine's Node
 * and on Node 26 with npm 12). npm 12 runs no dependency install script that is not allowed, and
 * a global install has no project package.json whose `allowScripts` it could read, so the user
 * (and this test) allows better-sqlite3's build on the command line, as the README says.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir, writeTree } from "../helpers/tree.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

function npmMajor(): number {
  return Number(execFileSync("npm", ["--version"], { encoding: "utf8" }).split(".")[0]);
}

describe("the packed tarball, installed globally into an empty prefix", () => {
  let scratch: string;
  let bin: string;
  let workspace: string;

  beforeAll(() => {
    scratch = makeTempDir("docindex-pack-");
    const prefix = join(scratch, "prefix");
    mkdirSync(prefix);
    // dist/ is already built by `npm test`; --ignore-scripts keeps `prepare` from building again.
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--pack-destination", scratch], {
      cwd: REPO,
      encoding: "utf8",
    });
    if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    const tarball = readdirSync(scratch).find((name) => name.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const args = ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund"];
    if (npmMajor() >= 12) args.push("--allow-scripts=better-sqlite3");
    const install = spawnSync("npm", [...args, join(scratch, tarball!)], {
      cwd: scratch,
      encoding: "utf8",
      timeout: 600_000,
    });
    if (install.status !== 0) throw new Error(`npm install -g failed: ${install.stderr}`);
    bin = join(prefix, "bin", "docindex");
    workspace = join(scratch, "ws");
    writeTree(workspace, {
      "notes/harbour.md": "# Harbour\n\nThe lighthouse keeper logs every passing cormorant.\n",
      "src/tide.ts": "export function tideTable(port: string) {\n  return `tides for ${port}`;\n}\n",
    });
  }, 660_000);

  afterAll(() => removeDir(scratch));

  it("has only what the command needs: no sources, tests or benchmarks", () => {
    const installed = join(bin, "..", "..", "lib", "node_modules", "docindex");
    expect(existsSync(join(installed, "dist", "src", "cli", "main.js"))).toBe(true);
    expect(existsSync(join(installed, "dist", "scanners", "pool", "parse-worker.js"))).toBe(true);
    for (const absent of ["test", "bench", "src", "dist/test", "dist/bench"]) {
      expect(existsSync(join(installed, absent)), absent).toBe(false);
    }
  });

  it("indexes and searches a workspace with the installed command", () => {
    const reindex = spawnSync(bin, ["reindex", workspace, "--json"], { encoding: "utf8" });
    expect(reindex.stderr).not.toMatch(/bindings file|Cannot find module/);
    expect(reindex.status).toBe(0);
    expect(JSON.parse(reindex.stdout)).toMatchObject({ indexed: 2 });

    const search = spawnSync(bin, ["search", "cormorant", "--root", workspace, "--json"], {
      encoding: "utf8",
    });
    expect(search.status).toBe(0);
    const hits = (JSON.parse(search.stdout) as { results: { path: string }[] }).results;
    expect(hits.map((hit) => hit.path)).toEqual(["notes/harbour.md"]);
  });

  it("serves MCP over stdio with the installed command", async () => {
    const transport = new StdioClientTransport({
      command: bin,
      args: ["serve", "--root", workspace, "--no-watch"],
      stderr: "pipe",
    });
    const client = new Client({ name: "pack-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const tools = (await client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toEqual(expect.arrayContaining(["search", "read_document", "inventory"]));
      const result = (await client.callTool({
        name: "search",
        arguments: { query: "tideTable", mode: "lexical" },
      })) as { structuredContent?: { results: { path: string }[] } };
      expect(result.structuredContent?.results.map((hit) => hit.path)).toContain("src/tide.ts");
    } finally {
      await client.close();
    }
  });
});
