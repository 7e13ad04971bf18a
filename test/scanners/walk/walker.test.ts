/**
 * The walker's own contract beyond git's rules: the SourceFile it yields, its order, default
 * excludes, the size limit, errors, cancellation, and that ignored directories are never read.
 */
import type { Dirent } from "node:fs";
import { realpathSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { kindForPath } from "../../../scanners/detect/kind.js";
import {
  createIgnoreMatcher,
  isSecretFileName,
  nodeWalkFs,
  walk,
  WalkError,
  type WalkFs,
} from "../../../scanners/walk/index.js";
import {
  byteSort,
  gitInit,
  gitListed,
  isolatedEnv,
  tempDir,
  walkedPaths,
  writeTree,
} from "./helpers.js";

/** Records every directory the walker lists; optionally fails some, as EACCES would. */
function recordingFs(root: string, failing: string[] = []): { fs: WalkFs; read: string[] } {
  const read: string[] = [];
  const fs: WalkFs = {
    ...nodeWalkFs,
    readdir: async (path: string): Promise<Dirent[]> => {
      const rel = relative(root, path).split("\\").join("/");
      read.push(rel);
      if (failing.includes(rel)) {
        throw Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), {
          code: "EACCES",
        });
      }
      return nodeWalkFs.readdir(path);
    },
  };
  return { fs, read };
}

describe("walk", () => {
  it("yields SourceFile records with realpath root, stat data and kind", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "docs/guide.md": "# Guide\n", "src/main.ts": "export {};\n", "x.bin": "" });
    const root = realpathSync(dir);
    const files = [];
    for await (const f of walk({ root: relative(process.cwd(), dir), env })) files.push(f);
    expect(files.map((f) => f.path)).toEqual(["docs/guide.md", "src/main.ts", "x.bin"]);
    for (const f of files) {
      const st = statSync(join(root, f.path));
      expect(f.root).toBe(root);
      expect(f.absPath).toBe(join(root, f.path));
      expect(f.size).toBe(st.size);
      expect(f.mtimeMs).toBe(st.mtimeMs);
      expect(f.kind).toBe(kindForPath(f.path));
      expect(f.skipReason).toBeUndefined();
      expect(f.sha256).toBeUndefined();
    }
  });

  it("yields paths in byte-wise order, the same order git uses", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    const names = [
      "a.b",
      "a/b",
      "a-b",
      "a/c/d",
      "a0",
      "B",
      "b",
      "é",
      "z",
      "\u{1F600}",
      "\uFFFD",
      "a b",
    ];
    writeTree(dir, Object.fromEntries(names.map((n) => [n, "."])));
    gitInit(dir, env);
    const walked = await walkedPaths({ root: dir, env });
    expect(walked).toEqual(byteSort(walked));
    expect(walked).toEqual(gitListed(dir, env));
  });

  it("marks files over the size limit and still yields them", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "big.txt": "x".repeat(3 * 1024 * 1024 + 1), "small.txt": "x" });
    const files = [];
    for await (const f of walk({ root: dir, env, maxFileSizeBytes: 2 * 1024 * 1024 }))
      files.push(f);
    expect(files.map((f) => [f.path, f.skipReason])).toEqual([
      ["big.txt", "too large (3 MB > limit 2 MB)"],
      ["small.txt", undefined],
    ]);
    const exact = [];
    for await (const f of walk({ root: dir, env, maxFileSizeBytes: 3 * 1024 * 1024 + 1 })) {
      exact.push(f.skipReason);
    }
    expect(exact).toEqual([undefined, undefined]);
  });

  it("leaves out .git, the index folder and secret-looking files by default", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    gitInit(dir, env);
    const secrets = [
      ".env",
      ".env.local",
      ".env.production",
      "d/.ENV",
      ".envrc",
      "certs/server.pem",
      "tls.key",
      "id_rsa",
      "keys/id_ed25519",
      "id_ecdsa_work",
      "store.p12",
      "a.pfx",
      "app.keystore",
      ".netrc",
      "credentials.json",
      ".aws/credentials",
      ".htpasswd",
      ".git-credentials",
      "secrets.yaml",
      "client_secret_123.apps.json",
    ];
    const kept = [
      ".env.example",
      ".env.sample",
      ".env.template",
      "id_rsa.pub",
      "keys/id_ed25519.pub",
      "secrets.ts",
      "credentials.md",
      "other/credentials",
      "monkey.txt",
      "README.md",
    ];
    writeTree(dir, {
      ...Object.fromEntries([...secrets, ...kept].map((p) => [p, "."])),
      ".docindex/index.db": ".",
      "sub/.docindex/x": ".",
      ".gitignore": "!.env\n",
      "sub/.git": "gitdir: nowhere\n",
    });
    expect(await walkedPaths({ root: dir, env })).toEqual(byteSort([...kept, ".gitignore"]));
    for (const s of secrets)
      expect(isSecretFileName(s.split("/").pop() as string, s.split("/").at(-2) ?? "")).toBe(true);

    // Without default excludes the walker is git, but for .git (dir or gitfile) and the index
    // folder: docindex never indexes its own databases.
    const plain = await walkedPaths({ root: dir, env, defaultExcludes: false });
    const indexFolder = (p: string) => p.split("/").includes(".docindex");
    expect(gitListed(dir, env).filter(indexFolder)).toEqual([".docindex/index.db", "sub/.docindex/x"]);
    expect(plain).toEqual(gitListed(dir, env).filter((p) => !indexFolder(p)));
    expect(plain).toContain(".env");
    expect(plain).not.toContain("sub/.git");
  });

  it("honours indexDirName", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { ".docindex/a": ".", ".idx/b": ".", c: "." });
    expect(await walkedPaths({ root: dir, env, indexDirName: ".idx" })).toEqual([
      ".docindex/a",
      "c",
    ]);
  });

  it("applies extraExcludes like a root .gitignore placed after the root .gitignore", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, {
      ".gitignore": "!*.log\n*.tmp\n",
      "d/.gitignore": "!keep.tmp\n",
      "a.log": ".",
      "b.tmp": ".",
      "d/keep.tmp": ".",
      "d/c.log": ".",
      "gen/x": ".",
    });
    const walked = await walkedPaths({
      root: dir,
      env,
      extraExcludes: ["*.log", "/gen/", "!b.tmp"],
    });
    // The extra `!b.tmp` beats the root .gitignore; d/.gitignore beats the extras.
    expect(walked).toEqual([".gitignore", "b.tmp", "d/.gitignore", "d/keep.tmp"]);
  });

  it("never lists an ignored directory, or anything below it", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, {
      ".gitignore": "node_modules/\nbuild\n/out/*\n!out/keep/\n",
      "node_modules/pkg/deep/index.js": ".",
      "src/build/x.o": ".",
      "out/tmp/y": ".",
      "out/keep/z": ".",
      "src/a.ts": ".",
      ".docindex/db": ".",
    });
    gitInit(dir, env);
    const { fs, read } = recordingFs(realpathSync(dir));
    const walked = await walkedPaths({ root: dir, env, fs });
    expect(walked).toEqual([".gitignore", "out/keep/z", "src/a.ts"]);
    expect(byteSort(read)).toEqual(["", "out", "out/keep", "src"]);
  });

  it("skips unreadable directories and carries on", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "a/x": ".", "b/y": ".", "b/c/z": ".", d: "." });
    const { fs } = recordingFs(realpathSync(dir), ["b"]);
    expect(await walkedPaths({ root: dir, env, fs })).toEqual(["a/x", "d"]);
    const { fs: failRoot } = recordingFs(realpathSync(dir), [""]);
    expect(await walkedPaths({ root: dir, env, fs: failRoot })).toEqual([]);
  });

  it("drops files that vanish between listing and stat", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { a: ".", b: ".", c: "." });
    const fs: WalkFs = {
      ...nodeWalkFs,
      lstat: async (path) => {
        if (path.endsWith("/b")) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        return nodeWalkFs.lstat(path);
      },
    };
    expect(await walkedPaths({ root: dir, env, fs })).toEqual(["a", "c"]);
  });

  it("lets the event loop run during long stretches of stat calls", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    const count = 80;
    writeTree(dir, Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, "."])));
    let calls = 0;
    let callsWhenTimerRan = -1;
    const fs: WalkFs = {
      ...nodeWalkFs,
      lstat: (path) => {
        // Scheduled once the walk is busy stat'ing: only a yield from the walker lets it run.
        if (calls++ === 0) setTimeout(() => (callsWhenTimerRan = calls), 0);
        const until = performance.now() + 1;
        while (performance.now() < until) {
          /* a slow disk */
        }
        return nodeWalkFs.lstat(path);
      },
    };
    expect(await walkedPaths({ root: dir, env, fs })).toHaveLength(count);
    expect(callsWhenTimerRan).toBeGreaterThan(0);
    expect(callsWhenTimerRan).toBeLessThan(count);
  });

  it("stops with the signal's reason when aborted", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`d${i}/f`, "."])));
    const controller = new AbortController();
    const seen: string[] = [];
    const run = async (): Promise<void> => {
      for await (const f of walk({ root: dir, env, signal: controller.signal })) {
        seen.push(f.path);
        if (seen.length === 3) controller.abort(new Error("stop here"));
      }
    };
    await expect(run()).rejects.toThrow("stop here");
    expect(seen).toHaveLength(3);
  });

  it("rejects a missing root or a file root with a WalkError", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "file"), ".");
    await expect(walkedPaths({ root: join(dir, "missing") })).rejects.toMatchObject({
      code: "ROOT_NOT_FOUND",
    });
    await expect(walkedPaths({ root: join(dir, "file") })).rejects.toBeInstanceOf(WalkError);
    await expect(createIgnoreMatcher({ root: join(dir, "missing") })).rejects.toMatchObject({
      code: "ROOT_NOT_FOUND",
    });
  });

  it("yields nothing for empty directories", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "empty/": "", "nested/empty/": "", f: "." });
    expect(await walkedPaths({ root: dir, env })).toEqual(["f"]);
  });
});
