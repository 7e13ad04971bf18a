/**
 * Symlinks to what must stay out (.env, .git/config, a gitignored file, a file a nested
 * .gitignore ignores, a file outside the root) through every door of the real program: made
 * while `docindex serve` watches, handed to the `reindex` tool as `paths`, and present before
 * a `docindex reindex` walk. Each target holds a token of its own; no search, read_document,
 * analyze or resource read may show it, and each link must be an inventory row with a reason.
 * A link to an allowed file stays readable, and a loop of links ends as a row, not a hang.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import {
  callTool,
  connectStdio,
  eventually,
  textOf,
  type StdioSession,
} from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

let scratch: string;
/** No git configuration or excludes file of this machine may leak into git or docindex. */
let env: Record<string, string>;

beforeAll(() => {
  scratch = makeTempDir();
  const home = join(scratch, "home");
  mkdirSync(home);
  env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), GIT_CONFIG_NOSYSTEM: "1" };
});
afterAll(() => removeDir(scratch));

interface Workspace {
  root: string;
  /** A token per target that must never be shown. */
  tokens: string[];
}

const token = (label: string) => `${label}${randomBytes(6).toString("hex")}`;

/** A git repository whose secrets each hold a token, and a file outside it with one too. */
function workspace(name: string): Workspace {
  const root = join(scratch, name);
  const outside = join(scratch, `${name}-outside`);
  mkdirSync(root);
  const t = {
    env: token("envsecret"),
    git: token("gitsecret"),
    ignored: token("ignoredsecret"),
    nested: token("nestedsecret"),
    outside: token("outsidesecret"),
  };
  execFileSync("git", ["init", "-q", root], { env: { ...process.env, ...env } });
  execFileSync("git", ["-C", root, "config", "user.name", t.git], {
    env: { ...process.env, ...env },
  });
  writeTree(root, {
    ".gitignore": "private.txt\n",
    ".env": `API_KEY=${t.env}\n`,
    "private.txt": `The ${t.ignored} password.\n`,
    "docs/.gitignore": "draft.md\n",
    "docs/draft.md": `# Draft\n\nThe ${t.nested} plan.\n`,
    "docs/a.md": "# A\n\nThe allowed okapi text.\n",
  });
  writeTree(outside, { "secret.txt": `The ${t.outside} key.\n` });
  return { root: realpathSync(root), tokens: Object.values(t) };
}

/** The links, and the reason each refused one must be listed with. */
function makeLinks(ws: Workspace): Record<string, string> {
  const outside = realpathSync(join(scratch, `${basename(ws.root)}-outside`, "secret.txt"));
  const links: Record<string, string> = {
    "docs/n1.txt": "../.env",
    "docs/n2.txt": "../.git/config",
    "docs/n3.txt": "../private.txt",
    "docs/n4.txt": "draft.md",
    "docs/n5.txt": outside,
    "docs/chain.txt": "n1.txt",
    "docs/loop1": "loop2",
    "docs/loop2": "loop1",
    "docs/ok.md": "a.md",
  };
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(ws.root, path));
  return {
    "docs/n1.txt": "symlink target .env: default-excludes: .env",
    "docs/n2.txt": "symlink target .git/config: always excluded: .git",
    "docs/n3.txt": "symlink target private.txt: .gitignore:1:private.txt",
    "docs/n4.txt": "symlink target docs/draft.md: docs/.gitignore:1:draft.md",
    "docs/n5.txt": `symlink target ${outside}: outside the root`,
    "docs/chain.txt": "symlink target .env: default-excludes: .env",
    "docs/loop1": "symlink target cannot be resolved: a loop of links",
    "docs/loop2": "symlink target cannot be resolved: a loop of links",
  };
}

interface Row {
  path: string;
  status: string;
  reason?: string;
  rule: string;
}

async function rows(client: Client, root: string): Promise<Map<string, Row>> {
  const result = await callTool(client, "inventory", { root, pathPrefix: "docs/", limit: 500 });
  const files = (result.structuredContent as { files: Row[] }).files;
  return new Map(files.map((f) => [f.path, f]));
}

/** Every refused link is a skipped row with its reason; the allowed link is indexed. */
async function expectRows(client: Client, ws: Workspace, refused: Record<string, string>) {
  const byPath = await rows(client, ws.root);
  for (const [path, reason] of Object.entries(refused)) {
    expect(byPath.get(path), path).toMatchObject({
      status: "skipped",
      reason,
      rule: `refused: ${reason}`,
    });
  }
  expect(byPath.get("docs/ok.md")).toMatchObject({
    status: "indexed",
    rule: "admitted: no rule excludes it (through a symlink: docs/a.md)",
  });
}

async function expectNoSearchShows(client: Client, ws: Workspace) {
  for (const secret of ws.tokens) {
    const search = await callTool(client, "search", { query: secret, limit: 20 });
    expect(search.isError, secret).toBeFalsy();
    expect((search.structuredContent as { results: unknown[] }).results, secret).toEqual([]);
  }
}

/** No door of the server shows a token; reads of a refused link say why, and show nothing. */
async function expectNothingShown(client: Client, ws: Workspace, refused: Record<string, string>) {
  await expectNoSearchShows(client, ws);
  const rootName = basename(ws.root);
  for (const [path, reason] of Object.entries(refused)) {
    const read = await callTool(client, "read_document", { path, root: ws.root });
    expect(read.isError, path).toBe(true);
    expect(textOf(read), path).toContain(reason);
    const analyze = await callTool(client, "analyze", { path, root: ws.root });
    expect(analyze.isError, path).toBe(true);
    const resource = client.readResource({ uri: `docindex://${rootName}/${path}` });
    await expect(resource, path).rejects.toThrow(/may not be read/);
    const shown = JSON.stringify([read, analyze, await resource.catch((e: Error) => e.message)]);
    for (const secret of ws.tokens) expect(shown, path).not.toContain(secret);
  }
  // Not over-refused: the link to an allowed file reads as its target.
  const ok = await callTool(client, "read_document", { path: "docs/ok.md", root: ws.root });
  expect(ok.isError).toBeFalsy();
  expect((ok.structuredContent as { text: string }).text).toContain("allowed okapi");
  const okapi = await callTool(client, "search", { query: "okapi", root: ws.root });
  const found = (okapi.structuredContent as { results: { path: string }[] }).results;
  expect(found.map((r) => r.path).sort()).toEqual(["docs/a.md", "docs/ok.md"]);
}

describe("symlinks through every door", () => {
  let watched: StdioSession | undefined;
  afterAll(async () => await watched?.close());

  it("(a) links made while the server watches are refused rows", async () => {
    const ws = workspace("watched");
    expect(runCli(["reindex", ws.root], { cwd: scratch, env }).code).toBe(0);
    watched = await connectStdio(["--root", ws.root], env);
    await eventually(
      async () => {
        const inv = await callTool(watched!.client, "inventory", { limit: 0 });
        const { watcher } = (inv.structuredContent as { summary: { watcher: { mode: string } } })
          .summary;
        return watcher.mode === "watching" ? true : undefined;
      },
      30_000,
      "watcher ready",
    );
    const refused = makeLinks(ws);
    // chokidar reports no event for a link it cannot resolve (a loop, a dangling link): those
    // become rows at the next walk, as (b) and (c) show. Here they must only not hang anything.
    delete refused["docs/loop1"];
    delete refused["docs/loop2"];
    const expected = [...Object.keys(refused), "docs/ok.md"];
    await eventually(
      async () => {
        const byPath = await rows(watched!.client, ws.root);
        return expected.every(
          (p) => byPath.get(p)?.status === (p === "docs/ok.md" ? "indexed" : "skipped"),
        )
          ? true
          : undefined;
      },
      30_000,
      "a row for every link",
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: ${JSON.stringify([...(await rows(watched!.client, ws.root)).values()])}`,
      );
    });
    await expectRows(watched.client, ws, refused);
    await expectNothingShown(watched.client, ws, refused);
  }, 120_000);

  describe("without a watcher", () => {
    const index = () => join(scratch, "shared-index");
    let byTool: Workspace;
    let byWalk: Workspace;
    let walkRefused: Record<string, string>;
    let session: StdioSession;

    beforeAll(async () => {
      byTool = workspace("by-tool");
      byWalk = workspace("by-walk");
      walkRefused = makeLinks(byWalk);
      // (c) The links exist before the walk.
      const walked = runCli(["reindex", byWalk.root, "--index", index()], { cwd: scratch, env });
      expect(walked.code, walked.stderr).toBe(0);
      session = await connectStdio(
        ["--root", byTool.root, "--root", byWalk.root, "--index", index(), "--no-watch"],
        env,
      );
      // The start-up catch-up scan runs before the links of (b) exist.
      await eventually(
        async () => {
          const status = await callTool(session.client, "index_status", {});
          const { jobs, queued } = status.structuredContent as {
            jobs: { state: string }[];
            queued: number;
          };
          return queued === 0 && jobs.every((j) => j.state === "done") ? true : undefined;
        },
        60_000,
        "catch-up scan done",
      );
    }, 120_000);
    afterAll(async () => await session?.close());

    it("(b) links handed to the reindex tool as paths are refused rows", async () => {
      const refused = makeLinks(byTool);
      // Links inside the root first, then the one leading out of it: both kinds are rows.
      const inside = [...Object.keys(refused), "docs/ok.md"].filter((p) => p !== "docs/n5.txt");
      for (const paths of [inside, ["docs/n5.txt"]]) {
        const result = await callTool(session.client, "reindex", {
          root: byTool.root,
          paths,
          wait: true,
        });
        expect(result.isError, textOf(result)).toBeFalsy();
        expect((result.structuredContent as { job: { state: string } }).job.state).toBe("done");
        await expectNoSearchShows(session.client, byTool);
      }
      await expectRows(session.client, byTool, refused);
      await expectNothingShown(session.client, byTool, refused);
    });

    it("reads check the rule now: an index written before a rule changed shows nothing", async () => {
      const later = token("latersecret");
      writeTree(byTool.root, { "docs/later.md": `# Later\n\nThe ${later} note.\n` });
      writeTree(byTool.root, { "public.txt": `The ${later} list.\n` });
      symlinkSync("../public.txt", join(byTool.root, "docs/l2.txt"));
      const paths = ["docs/later.md", "docs/l2.txt"];
      await callTool(session.client, "reindex", { root: byTool.root, paths, wait: true });
      const before = await callTool(session.client, "search", { query: later, root: byTool.root });
      expect((before.structuredContent as { results: unknown[] }).results).toHaveLength(2);
      // No watcher: the index still holds both when the rules change.
      writeTree(byTool.root, {
        ".gitignore": "private.txt\npublic.txt\n",
        "docs/.gitignore": "draft.md\nlater.md\n",
      });
      const reasons = {
        "docs/later.md": "excluded: docs/.gitignore:2:later.md",
        "docs/l2.txt": "refused: symlink target public.txt: .gitignore:2:public.txt",
      };
      for (const [path, reason] of Object.entries(reasons)) {
        const read = await callTool(session.client, "read_document", { path, root: byTool.root });
        expect(read.isError, path).toBe(true);
        expect(textOf(read)).toBe(`'${path}' may not be read: ${reason}`);
        const analyze = await callTool(session.client, "analyze", { path, root: byTool.root });
        expect(textOf(analyze)).toBe(`'${path}' may not be read: ${reason}`);
        const uri = `docindex://${basename(byTool.root)}/${path}`;
        await expect(session.client.readResource({ uri })).rejects.toThrow(reason);
      }
      // The next run over those paths brings the index in line: one gone, one a refused row.
      await callTool(session.client, "reindex", { root: byTool.root, paths, wait: true });
      const after = await callTool(session.client, "search", { query: later, root: byTool.root });
      expect((after.structuredContent as { results: unknown[] }).results).toEqual([]);
      const byPath = await rows(session.client, byTool.root);
      expect(byPath.has("docs/later.md")).toBe(false);
      expect(byPath.get("docs/l2.txt")).toMatchObject({
        status: "skipped",
        reason: "symlink target public.txt: .gitignore:2:public.txt",
      });
    });

    it("(c) links present before a full walk are refused rows, in the CLI's output too", async () => {
      await expectRows(session.client, byWalk, walkRefused);
      await expectNothingShown(session.client, byWalk, walkRefused);
      for (const secret of byWalk.tokens) {
        const search = runCli(
          ["search", secret, "--root", byWalk.root, "--index", index(), "--json"],
          {
            cwd: scratch,
            env,
          },
        );
        expect(search.code, search.stderr).toBe(0);
        expect((JSON.parse(search.stdout) as { results: unknown[] }).results).toEqual([]);
      }
      const out = join(scratch, "by-walk-inventory");
      const inventory = runCli(["inventory", byWalk.root, "--index", index(), "--out", out], {
        cwd: scratch,
        env,
      });
      expect(inventory.code, inventory.stderr).toBe(0);
      const registryText = readFileSync(join(out, "file_registry.json"), "utf8");
      const registry = JSON.parse(registryText) as {
        files: { path: string; status: string; reason?: string; rule?: string; sha256: string }[];
      };
      const byPath = new Map(registry.files.map((f) => [f.path, f]));
      for (const [path, reason] of Object.entries(walkRefused)) {
        // No hash either: a hash of a short secret gives it away.
        expect(byPath.get(path), path).toEqual({
          path,
          kind: expect.any(String),
          size: expect.any(Number),
          mtime: expect.any(String),
          sha256: "",
          status: "skipped",
          reason,
          rule: `refused: ${reason}`,
        });
      }
      expect(byPath.get("docs/ok.md")?.status).toBe("indexed");
      const markdown = readFileSync(join(out, "SYSTEM_INVENTORY.md"), "utf8");
      for (const secret of byWalk.tokens) {
        expect(registryText).not.toContain(secret);
        expect(markdown).not.toContain(secret);
      }
    });
  });
});
