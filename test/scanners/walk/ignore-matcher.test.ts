/**
 * IgnoreMatcher, the watcher's view of the rules: arbitrary paths, lazily loaded .gitignore
 * files, and invalidation when one changes. `git check-ignore` is the oracle.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createIgnoreMatcher } from "../../../scanners/walk/index.js";
import { gitIgnores, gitInit, isolatedEnv, tempDir, writeTree, type Env } from "./helpers.js";

const TREE = {
  ".gitignore": "*.log\n/build/\ncache/\n!important.log\ndocs/*\n!docs/keep/\n",
  "a.log": ".",
  "important.log": ".",
  "build/x": ".",
  "src/build/y": ".",
  "src/cache/z": ".",
  "src/.gitignore": "*.gen.ts\n!cache/\n",
  "src/a.gen.ts": ".",
  "src/a.ts": ".",
  "docs/drop/a.md": ".",
  "docs/keep/b.md": ".",
  "docs/c.md": ".",
  "deep/er/.gitignore": "/only-here\n",
  "deep/er/only-here": ".",
  "deep/only-here": ".",
};

/** Every file and directory below `dir`, root-relative, with its type. */
function allPaths(dir: string, rel = ""): { path: string; isDir: boolean }[] {
  const out: { path: string; isDir: boolean }[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    if (name === ".git") continue;
    const path = rel === "" ? name : `${rel}/${name}`;
    const isDir = statSync(join(dir, path)).isDirectory();
    out.push({ path, isDir });
    if (isDir) out.push(...allPaths(dir, path));
  }
  return out;
}

function expectAgreement(
  matcher: { isIgnored(rel: string, isDir: boolean): boolean },
  repo: string,
  env: Env,
): number {
  let ignored = 0;
  for (const { path, isDir } of allPaths(repo)) {
    // No trailing slash: check-ignore would match "docs/" itself against `docs/*`.
    const expected = gitIgnores(repo, path, env);
    if (expected) ignored++;
    expect([path, matcher.isIgnored(path, isDir)]).toEqual([path, expected]);
  }
  return ignored;
}

describe("createIgnoreMatcher", () => {
  it("agrees with git check-ignore on every file and directory", async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    gitInit(repo, env);
    writeTree(repo, TREE);
    const matcher = await createIgnoreMatcher({ root: repo, env, defaultExcludes: false });
    expect(expectAgreement(matcher, repo, env)).toBeGreaterThan(5);
  });

  it("sees a changed .gitignore only after invalidate", async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    gitInit(repo, env);
    writeTree(repo, TREE);
    const matcher = await createIgnoreMatcher({ root: repo, env, defaultExcludes: false });
    expect(matcher.isIgnored("src/a.ts", false)).toBe(false);
    expect(matcher.isIgnored("a.md", false)).toBe(false);

    writeFileSync(join(repo, "src/.gitignore"), "*.ts\n");
    writeFileSync(join(repo, ".gitignore"), "*.md\n");
    // Cached until told otherwise: a watcher calls this on every event, it must not reread.
    expect(matcher.isIgnored("src/a.ts", false)).toBe(false);
    matcher.invalidate("src/.gitignore");
    expect(matcher.isIgnored("src/a.ts", false)).toBe(true);
    expect(matcher.isIgnored("a.md", false)).toBe(false);
    matcher.invalidate(".gitignore");
    expect(matcher.isIgnored("a.md", false)).toBe(true);
    expectAgreement(matcher, repo, env);
  });

  it("invalidating a parent .gitignore refreshes the rules cached for directories below it", async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    gitInit(repo, env);
    writeTree(repo, { "a/.gitignore": "", "a/b/c/file.txt": "." });
    const matcher = await createIgnoreMatcher({ root: repo, env, defaultExcludes: false });
    expect(matcher.isIgnored("a/b/c/file.txt", false)).toBe(false);
    writeFileSync(join(repo, "a/.gitignore"), "*.txt\n");
    matcher.invalidate("a/.gitignore");
    expect(matcher.isIgnored("a/b/c/file.txt", false)).toBe(true);
  });

  it("invalidate of any other file reloads info/exclude", async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    gitInit(repo, env);
    writeTree(repo, { "a.x": "." });
    const matcher = await createIgnoreMatcher({ root: repo, env });
    expect(matcher.isIgnored("a.x", false)).toBe(false);
    writeFileSync(join(repo, ".git/info/exclude"), "*.x\n");
    matcher.invalidate(".git/info/exclude");
    expect(matcher.isIgnored("a.x", false)).toBe(true);
  });

  it("handles paths that do not exist, odd spellings and paths outside the root", async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    writeTree(repo, { ".gitignore": "tmp/\n*.log\n" });
    const matcher = await createIgnoreMatcher({ root: repo, env });
    expect(matcher.isIgnored("tmp", true)).toBe(true);
    expect(matcher.isIgnored("tmp/new/file.md", false)).toBe(true);
    expect(matcher.isIgnored("tmp", false)).toBe(false);
    expect(matcher.isIgnored("./x/../y.log", false)).toBe(true);
    expect(matcher.isIgnored("new/dir/", true)).toBe(false);
    expect(matcher.isIgnored("", true)).toBe(false);
    expect(matcher.isIgnored("../elsewhere", false)).toBe(true);
    expect(matcher.isIgnored(".git/config", false)).toBe(true);
    expect(matcher.isIgnored(".docindex", true)).toBe(true);
    expect(matcher.isIgnored("config/.env", false)).toBe(true);
  });
});
