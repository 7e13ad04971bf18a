/**
 * Symlinks: git lists a symlink as a file and never follows it. The walker reads through a
 * symlink only when the admission rule allows its target (inside the root, not excluded), and
 * follows directories only when asked; any other link it lists as a refused row with a reason.
 */
import { closeSync, realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openListedFile, walk, type WalkOptions } from "../../../scanners/walk/index.js";
import { gitInit, gitListed, isolatedEnv, tempDir, walkedPaths, writeTree } from "./helpers.js";

/** What a walk reads, and what it lists as refused rows (path: reason). */
async function listing(options: WalkOptions) {
  const read: string[] = [];
  const refused: Record<string, string | undefined> = {};
  for await (const f of walk(options)) {
    if (f.refused) refused[f.path] = f.skipReason;
    else read.push(f.path);
  }
  return { read, refused };
}

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
    for await (const f of walk({ root: dir, env })) {
      const opened = openListedFile(f);
      closeSync(opened.fd);
      sizes[f.path] = opened.size;
    }
    expect(sizes).toEqual({ "link.txt": 10, "real.txt": 10 });
  });

  it("refuses links that leave the root, dangle, or lead to secrets or .git, as rows", async () => {
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
    const refused = {
      dangling: "symlink target cannot be resolved: it points at nothing (dangling)",
      "env-alias.txt": "symlink target .env: default-excludes: .env",
      "git-config.txt": "symlink target .git/config: always excluded: .git",
      "out-dir": `symlink target ${realpathSync(join(outside, "dir"))}: outside the root`,
      "out-file": `symlink target ${realpathSync(join(outside, "secret.txt"))}: outside the root`,
    };
    expect(await listing({ root: dir, env })).toEqual({ read: ["ok.txt"], refused });
    expect(await listing({ root: dir, env, followSymlinks: true })).toEqual({
      read: ["ok.txt"],
      refused,
    });
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
    const notFollowed = (target: string) =>
      `symlink to a folder (${target}): links to folders are not followed`;
    expect(await listing({ root: dir, env })).toEqual({
      read: ["docs/a.md", "docs/sub/b.md"],
      refused: {
        "alias/docs": notFollowed("docs"),
        "loop/root": notFollowed("."),
        "loop/self": notFollowed("."),
      },
    });
    // Followed: once through the link; links back up the current path (cycles) are refused.
    expect(await listing({ root: dir, env, followSymlinks: true })).toEqual({
      read: ["alias/docs/a.md", "alias/docs/sub/b.md", "docs/a.md", "docs/sub/b.md"],
      refused: {
        "loop/root": "symlink to a folder it is inside (.): a cycle",
        "loop/self": "symlink to a folder it is inside (.): a cycle",
      },
    });
  });

  it("survives mutual symlink cycles when following", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "a/f": ".", "b/g": ".", "a/to-b": "->../b", "b/to-a": "->../a" });
    expect(await listing({ root: dir, env, followSymlinks: true })).toEqual({
      read: ["a/f", "a/to-b/g", "b/g", "b/to-a/f"],
      refused: {
        "a/to-b/to-a": "symlink to a folder it is inside (a): a cycle",
        "b/to-a/to-b": "symlink to a folder it is inside (b): a cycle",
      },
    });
  });

  it("matches a followed symlinked directory against directory-only patterns", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { ".gitignore": "gen/\n", "real/x": ".", gen: "->real" });
    expect(await walkedPaths({ root: dir, env, followSymlinks: true })).toEqual([
      ".gitignore",
      "real/x",
    ]);
    // Not followed, the link is a file to git and `gen/` does not match it: listed, not read.
    symlinkSync("real/x", join(dir, "file-link"));
    expect(await listing({ root: dir, env })).toEqual({
      read: [".gitignore", "file-link", "real/x"],
      refused: { gen: "symlink to a folder (real): links to folders are not followed" },
    });
  });
});
