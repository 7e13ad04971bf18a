/**
 * Where the root sits relative to git repositories: a plain folder (no git at all), a folder
 * inside a repository, and repositories nested inside the walked tree.
 */
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  git,
  gitIgnores,
  gitInit,
  gitListed,
  isolatedEnv,
  tempDir,
  walkedPaths,
  writeTree,
  type TreeSpec,
} from "./helpers.js";

const TREE: TreeSpec = {
  ".gitignore": "*.log\nbuild/\n!keep.log\n/top-only\n",
  "a.log": ".",
  "keep.log": ".",
  "top-only": ".",
  "src/top-only": ".",
  "src/.gitignore": "*.tmp\n!important.tmp\n/generated/\n",
  "src/x.tmp": ".",
  "src/important.tmp": ".",
  "src/generated/g.ts": ".",
  "src/lib/generated/h.ts": ".",
  "src/lib/y.log": ".",
  "build/out": ".",
  "docs/a.md": ".",
  "docs/a.glob": ".",
};

describe("repositories", () => {
  it("a folder without git follows the same rules as a git-initialised copy of it", async () => {
    const env = isolatedEnv();
    writeTree(env.XDG_CONFIG_HOME as string, { "git/ignore": "*.glob\n" });
    const plain = tempDir();
    writeTree(plain, TREE);
    const copy = tempDir();
    cpSync(plain, copy, { recursive: true });
    gitInit(copy, env);
    const listed = gitListed(copy, env);
    expect(listed).not.toContain("docs/a.glob");
    expect(await walkedPaths({ root: plain, env, defaultExcludes: false })).toEqual(listed);
  });

  it("a root inside a repository gets the parent .gitignore files and info/exclude", async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    gitInit(repo, env);
    writeTree(repo, {
      ".gitignore": "/project/docs/drafts/\n*.bak\nproject/*.tmp\n",
      "project/.gitignore": "!keep.bak\n/docs/*.pdf\n",
      "project/docs/a.md": ".",
      "project/docs/a.bak": ".",
      "project/docs/keep.bak": ".",
      "project/docs/b.pdf": ".",
      "project/docs/c.tmp": ".",
      "project/docs/drafts/d.md": ".",
      "project/docs/sub/e.info": ".",
      "project/docs/sub/f.pdf": ".",
    });
    writeFileSync(join(repo, ".git/info/exclude"), "/project/docs/sub/*.info\n");
    const root = join(repo, "project/docs");
    const listed = gitListed(root, env);
    expect(listed).toEqual(["a.md", "c.tmp", "keep.bak", "sub/f.pdf"]);
    expect(await walkedPaths({ root, env, defaultExcludes: false })).toEqual(listed);
  });

  it("a root that git ignores is still walked (documented difference)", async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    gitInit(repo, env);
    writeTree(repo, {
      ".gitignore": "vendor/\n*.o\n",
      "vendor/lib/a.c": ".",
      "vendor/lib/a.o": ".",
      "vendor/lib/.gitignore": "*.c\n!a.c\nb.*\n",
      "vendor/lib/b.c": ".",
    });
    const root = join(repo, "vendor/lib");
    expect(gitIgnores(repo, "vendor/lib", env)).toBe(true);
    expect(gitListed(root, env)).toEqual([]);
    // What git lists once the root's own ignore entry is gone: the rules below still apply.
    const walked = await walkedPaths({ root, env, defaultExcludes: false });
    writeFileSync(join(repo, ".gitignore"), "*.o\n");
    expect(walked).toEqual(gitListed(root, env));
    expect(walked).toEqual([".gitignore", "a.c"]);
  });

  it("a nested repository is walked with its own rules, not the enclosing ones", async () => {
    const env = isolatedEnv();
    const outer = tempDir();
    gitInit(outer, env);
    writeTree(outer, {
      ".gitignore": "*.log\nignored-repo/\n",
      "a.log": ".",
      "a.txt": ".",
      "ignored-repo/x": ".",
      "inner/.gitignore": "*.txt\n",
      "inner/b.log": ".",
      "inner/b.txt": ".",
      "inner/c.md": ".",
      "inner/sub/d.tmp": ".",
    });
    gitInit(join(outer, "inner"), env);
    gitInit(join(outer, "ignored-repo"), env);
    writeFileSync(join(outer, "inner/.git/info/exclude"), "*.tmp\n");
    const walked = await walkedPaths({ root: outer, env, defaultExcludes: false });

    const outerListed = gitListed(outer, env);
    expect(outerListed).toContain("inner/");
    const innerListed = gitListed(join(outer, "inner"), env).map((p) => `inner/${p}`);
    const expected = [...outerListed.filter((p) => p !== "inner/"), ...innerListed].sort();
    expect(walked).toEqual(expected);
    expect(walked).toContain("inner/b.log");
  });

  it("a linked worktree (.git file) reads info/exclude and config from the common dir", async () => {
    const env = isolatedEnv();
    const main = tempDir();
    gitInit(main, env);
    const author = ["-c", "user.name=t", "-c", "user.email=t@example.com"];
    git(main, [...author, "commit", "-q", "--allow-empty", "-m", "init"], env);
    const wt = join(tempDir(), "wt");
    git(main, ["worktree", "add", "-q", wt], env);
    writeFileSync(join(main, ".git/info/exclude"), "*.wtx\n");
    writeTree(wt, { "a.wtx": ".", "b.txt": "." });
    const listed = gitListed(wt, env);
    expect(listed).toEqual(["b.txt"]);
    expect(await walkedPaths({ root: wt, env, defaultExcludes: false })).toEqual(listed);
  });
});
