/**
 * The admission rule on real trees with real symlinks: a link is judged by its target too, by
 * every kind of rule (nested .gitignore, info/exclude, core.excludesFile, default excludes,
 * .git, the index folder, the root's edge), and the walker and the path doors (judgePath)
 * give the same answer for every path on disk.
 */
import { closeSync, lstatSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceFile } from "../../../scanners/types.js";
import {
  createAdmission,
  openListedFile,
  verdictLine,
  walk,
  type WalkOptions,
} from "../../../scanners/walk/index.js";
import { gitInit, isolatedEnv, tempDir, writeTree } from "./helpers.js";

/** Every file and symlink below `dir` (not .git), root-relative, not entering symlinks. */
function entriesOnDisk(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(dir, rel), { withFileTypes: true })) {
    if (d.name === ".git") continue;
    const path = rel === "" ? d.name : `${rel}/${d.name}`;
    out.push(path);
    if (d.isDirectory()) out.push(...entriesOnDisk(dir, path));
  }
  return out;
}

async function walked(options: WalkOptions): Promise<Map<string, SourceFile>> {
  const files = new Map<string, SourceFile>();
  for await (const f of walk(options)) files.set(f.path, f);
  return files;
}

/** A repository whose links reach for everything the rule must keep out, and some it must not. */
function linkTree() {
  const env = isolatedEnv();
  const outside = tempDir();
  writeTree(outside, { "secret.txt": "outside token" });
  writeTree(env.XDG_CONFIG_HOME as string, { "git/ignore": "global.txt\n" });
  const dir = tempDir();
  gitInit(dir, env);
  writeFileSync(join(dir, ".git/info/exclude"), "# local rules\nlocal-only.txt\n");
  writeTree(dir, {
    ".gitignore": "private.txt\n/build/\n",
    "docs/.gitignore": "draft.md\n",
    "private.txt": "private token",
    "build/out.txt": "build token",
    "docs/draft.md": "draft token",
    "docs/a.md": "allowed text",
    ".env": "env token",
    "local-only.txt": "local token",
    "global.txt": "global token",
    ".docindex/docindex.db": "index token",
    "links/to-private": "->../private.txt",
    "links/to-build": "->../build/out.txt",
    "links/to-draft": "->../docs/draft.md",
    "links/to-local": "->../local-only.txt",
    "links/to-global": "->../global.txt",
    "links/to-env": "->../.env",
    "links/to-git": "->../.git/config",
    "links/to-index": "->../.docindex/docindex.db",
    "links/to-outside": `->${join(outside, "secret.txt")}`,
    "links/to-ok": "->../docs/a.md",
    "links/chain": "->to-ok",
    "links/chain-bad": "->to-env",
    "links/loop-a": "->loop-b",
    "links/loop-b": "->loop-a",
    "links/dangling": "->nowhere",
    "links/to-folder": "->../docs",
  });
  return { env, dir, outside };
}

describe("admission of symlinks", () => {
  it("refuses a link whose target any rule excludes, as a row with the rule that decided", async () => {
    const { env, dir, outside } = linkTree();
    const files = await walked({ root: dir, env });
    const refused = Object.fromEntries(
      [...files.values()].filter((f) => f.refused).map((f) => [f.path, f.skipReason]),
    );
    const excludesFile = join(env.XDG_CONFIG_HOME as string, "git/ignore");
    expect(refused).toEqual({
      "links/to-private": "symlink target private.txt: .gitignore:1:private.txt",
      "links/to-build": "symlink target build/out.txt: .gitignore:2:/build/",
      "links/to-draft": "symlink target docs/draft.md: docs/.gitignore:1:draft.md",
      "links/to-local": "symlink target local-only.txt: .git/info/exclude:2:local-only.txt",
      "links/to-global": `symlink target global.txt: ${excludesFile}:1:global.txt`,
      "links/to-env": "symlink target .env: default-excludes: .env",
      "links/chain-bad": "symlink target .env: default-excludes: .env",
      "links/to-git": "symlink target .git/config: always excluded: .git",
      "links/to-index":
        "symlink target .docindex/docindex.db: default-excludes: .docindex (the index folder)",
      "links/to-outside": `symlink target ${realpathSync(join(outside, "secret.txt"))}: outside the root`,
      "links/loop-a": "symlink target cannot be resolved: a loop of links",
      "links/loop-b": "symlink target cannot be resolved: a loop of links",
      "links/dangling": "symlink target cannot be resolved: it points at nothing (dangling)",
      "links/to-folder": "symlink to a folder (docs): links to folders are not followed",
    });
    // A refused row tells nothing of its target: the link's own size, and no hash.
    for (const path of Object.keys(refused)) {
      const file = files.get(path)!;
      expect(file.size, path).toBe(lstatSync(join(dir, path)).size);
      expect(file.sha256, path).toBeUndefined();
      expect(file.rule, path).toBe(`refused: ${file.skipReason}`);
    }
  });

  it("keeps links to allowed files, chains included, readable", async () => {
    const { env, dir } = linkTree();
    const files = await walked({ root: dir, env });
    const readable = [...files.values()].filter((f) => !f.refused).map((f) => f.path);
    expect(readable).toEqual([
      ".gitignore",
      "docs/.gitignore",
      "docs/a.md",
      "links/chain",
      "links/to-ok",
    ]);
    // The content read through an allowed link is its target's.
    const opened = openListedFile(files.get("links/chain")!);
    closeSync(opened.fd);
    expect(opened.size).toBe("allowed text".length);
  });

  it("gives every path on disk the walker's verdict when asked one path at a time", async () => {
    const { env, dir } = linkTree();
    const files = await walked({ root: dir, env });
    const admission = await createAdmission({ root: dir, env });
    const root = realpathSync(dir);
    const paths = entriesOnDisk(dir);
    expect(paths.length).toBeGreaterThan(25);
    for (const path of paths) {
      const { verdict } = admission.judgePath(path);
      const file = files.get(path);
      const isDir = lstatSync(join(dir, path)).isDirectory();
      if (isDir) {
        // A folder is admitted exactly when the walk went into it.
        const entered = [...files.keys()].some((p) => p.startsWith(`${path}/`));
        expect([path, verdict.admitted]).toEqual([path, entered]);
      } else if (file === undefined) {
        expect([path, verdictLine(verdict, root)]).toEqual([
          path,
          expect.stringMatching(/^excluded: /),
        ]);
      } else if (file.refused) {
        expect([path, verdictLine(verdict, root)]).toEqual([path, file.rule]);
      } else {
        expect([path, verdict.admitted]).toEqual([path, true]);
      }
    }
  });

  it("judges what a followed symlinked folder holds by its real path", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, {
      ".gitignore": "/docs/secret.md\n",
      "docs/secret.md": "secret token",
      "docs/open.md": "open",
      alias: "->docs",
    });
    const files = await walked({ root: dir, env, followSymlinks: true });
    expect(files.get("alias/secret.md")).toMatchObject({
      refused: true,
      skipReason: "symlink target docs/secret.md: .gitignore:1:/docs/secret.md",
    });
    expect(files.get("alias/open.md")?.refused).toBeUndefined();
    const following = await createAdmission({ root: dir, env, followSymlinks: true });
    expect(verdictLine(following.judgePath("alias/secret.md").verdict, realpathSync(dir))).toBe(
      "refused: symlink target docs/secret.md: .gitignore:1:/docs/secret.md",
    );
    expect(following.judgePath("alias/open.md").verdict.admitted).toBe(true);
    // Not following (docindex's setting), nothing below a symlinked folder is listed at all.
    const plain = await createAdmission({ root: dir, env });
    expect(verdictLine(plain.judgePath("alias/open.md").verdict, realpathSync(dir))).toBe(
      "excluded: inside alias, a symlink to a folder: links to folders are not followed",
    );
    expect(plain.judgePath("../outside.md").verdict).toMatchObject({
      admitted: false,
      refusal: { kind: "outside-root" },
    });
  });
});
