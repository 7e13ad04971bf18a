/**
 * Symlinks: git lists a symlink as a file and never follows it. The walker keeps a symlink
 * only when its target stays inside the root, and follows directories only when asked.
 */
import { realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { walk } from "../../../scanners/walk/index.js";
import { gitInit, gitListed, isolatedEnv, tempDir, walkedPaths, writeTree } from "./helpers.js";

describe("symlinks", () => {
  it("symlinks to files inside the root are listed exactly as git lists them", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, {
      ".gitignore": "*.lnk\nlinks/ignored-target\n",
      "real/a.md": "# a\n",
      "links/to-a.md": "->../real/a.md",
      "links/x.lnk": "->../real/a.md",
      "links/ignored-target": "target is ignored by name",
      "links/to-ignored": "->ignored-target",
    });
    gitInit(dir, env);
    const walked = await walkedPaths({ root: dir, env, defaultExcludes: false });
    expect(walked).toEqual(gitListed(dir, env));
    expect(walked).toContain("links/to-a.md");
  });

  it("reports the target's size for a symlinked file", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "real.txt": "0123456789", "link.txt": "->real.txt" });
    const sizes: Record<string, number> = {};
    for await (const f of walk({ root: dir, env })) sizes[f.path] = f.size;
    expect(sizes).toEqual({ "link.txt": 10, "real.txt": 10 });
  });

  it("skips links that leave the root, dangling links and links to secrets or .git", async () => {
    const env = isolatedEnv();
    const outside = tempDir();
    writeTree(outside, { "secret.txt": "outside", "dir/f": "." });
    const dir = tempDir();
    gitInit(dir, env);
    writeTree(dir, {
      "ok.txt": ".",
      ".env": "TOKEN=1",
      "out-file": `->${join(outside, "secret.txt")}`,
      "out-dir": `->${join(outside, "dir")}`,
      dangling: "->nowhere",
      "env-alias.txt": "->.env",
      "git-config.txt": "->.git/config",
    });
    expect(await walkedPaths({ root: dir, env })).toEqual(["ok.txt"]);
    expect(await walkedPaths({ root: dir, env, followSymlinks: true })).toEqual(["ok.txt"]);
  });

  it("does not follow symlinked directories unless followSymlinks is set", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, {
      "docs/a.md": ".",
      "docs/sub/b.md": ".",
      "alias/": "",
      "alias/docs": "->../docs",
      "loop/": "",
      "loop/self": "->..",
      "loop/root": `->${realpathSync(dir)}`,
    });
    expect(await walkedPaths({ root: dir, env })).toEqual(["docs/a.md", "docs/sub/b.md"]);
    // Followed: once through the link; links back up the current path (cycles) are skipped.
    expect(await walkedPaths({ root: dir, env, followSymlinks: true })).toEqual([
      "alias/docs/a.md",
      "alias/docs/sub/b.md",
      "docs/a.md",
      "docs/sub/b.md",
    ]);
  });

  it("survives mutual symlink cycles when following", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "a/f": ".", "b/g": ".", "a/to-b": "->../b", "b/to-a": "->../a" });
    const walked = await walkedPaths({ root: dir, env, followSymlinks: true });
    expect(walked).toEqual(["a/f", "a/to-b/g", "b/g", "b/to-a/f"]);
  });

  it("matches a followed symlinked directory against directory-only patterns", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { ".gitignore": "gen/\n", "real/x": ".", gen: "->real" });
    expect(await walkedPaths({ root: dir, env, followSymlinks: true })).toEqual([
      ".gitignore",
      "real/x",
    ]);
    // Not followed, the link is a file to git and `gen/` does not match it.
    symlinkSync("real/x", join(dir, "file-link"));
    expect(await walkedPaths({ root: dir, env })).toEqual([".gitignore", "file-link", "real/x"]);
  });
});
