/**
 * The walker's own contract beyond git's rules: the SourceFile it yields, its order, default
 * excludes, the size limit, errors, cancellation, and that ignored directories are never read.
 */
import type { Dirent } from "node:fs";
import { execFileSync } from "node:child_process";
import { closeSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { kindForPath } from "../../../scanners/detect/kind.js";
import type { SourceFile } from "../../../scanners/types.js";
import { statFacts } from "../../../scanners/walk/file-facts.js";
import {
  createIgnoreMatcher,
  isSecretFileName,
  nodeWalkFs,
  openListedFile,
  statListedFiles,
  walk,
  walkBatches,
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
  it("yields SourceFile records with realpath root and kind, and no stat data", async () => {
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
      // The walk lists names only; the figures come from the descriptor the file is read through.
      expect(f.size).toBeUndefined();
      expect(f.mtimeMs).toBeUndefined();
      const opened = openListedFile(f);
      closeSync(opened.fd);
      expect([opened.size, opened.mtimeMs]).toEqual([st.size, st.mtimeMs]);
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

  it("yields files over the size limit, which opening marks too large", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "big.txt": "x".repeat(3 * 1024 * 1024 + 1), "small.txt": "x" });
    const reasons = async (limit: number): Promise<[string, string | undefined][]> => {
      const out: [string, string | undefined][] = [];
      for await (const f of walk({ root: dir, env, maxFileSizeBytes: limit })) {
        expect(f.skipReason).toBeUndefined();
        const opened = openListedFile(f);
        closeSync(opened.fd);
        out.push([f.path, opened.skipReason]);
      }
      return out;
    };
    expect(await reasons(2 * 1024 * 1024)).toEqual([
      ["big.txt", "too large (3 MB > limit 2 MB)"],
      ["small.txt", undefined],
    ]);
    expect(await reasons(3 * 1024 * 1024 + 1)).toEqual([
      ["big.txt", undefined],
      ["small.txt", undefined],
    ]);
  });

  it("judges the size of the bytes it opens, not of the file the walk listed", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "grows.txt": "x" });
    const files = [];
    for await (const f of walk({ root: dir, env, maxFileSizeBytes: 1024 })) files.push(f);
    writeFileSync(join(dir, "grows.txt"), "x".repeat(2048));
    const opened = openListedFile(files[0]!);
    closeSync(opened.fd);
    expect(opened.size).toBe(2048);
    expect(opened.skipReason).toMatch(/^too large/);
  });

  it("opens nothing that is not a regular file now, and never a refused row", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { "was-file": "x", "link.txt": "->../outside" });
    const files = new Map<string, SourceFile>();
    for await (const f of walk({ root: dir, env })) files.set(f.path, f);
    expect(files.get("link.txt")!.refused).toBe(true);
    expect(() => openListedFile(files.get("link.txt")!)).toThrow(/refused/);
    // Replaced by a FIFO after the walk: the open must neither block nor read it.
    rmSync(join(dir, "was-file"));
    execFileSync("mkfifo", [join(dir, "was-file")]);
    expect(() => openListedFile(files.get("was-file")!)).toThrow(/not a regular file/);
    rmSync(join(dir, "was-file"));
    expect(() => openListedFile(files.get("was-file")!)).toThrow(/ENOENT/);
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
    expect(gitListed(dir, env).filter(indexFolder)).toEqual([
      ".docindex/index.db",
      "sub/.docindex/x",
    ]);
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

  it("stats no plain file: it lists what readdir says", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(dir, { a: ".", "d/b": ".", c: "." });
    const lstats: string[] = [];
    const fs: WalkFs = {
      ...nodeWalkFs,
      lstat: (path) => {
        lstats.push(path);
        return nodeWalkFs.lstat(path);
      },
      stat: async (path) => {
        lstats.push(path);
        return nodeWalkFs.stat(path);
      },
    };
    expect(await walkedPaths({ root: dir, env, fs })).toEqual(["a", "c", "d/b"]);
    expect(lstats).toEqual([]);
  });

  it("fills in size and mtime on request, letting the event loop run meanwhile", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    const count = 80;
    writeTree(dir, Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, "."])));
    writeTree(dir, { gone: "." });
    const files: SourceFile[] = [];
    for await (const f of walk({ root: dir, env })) files.push(f);
    rmSync(join(dir, "gone"));
    let calls = 0;
    let callsWhenTimerRan = -1;
    await statListedFiles(files, (abs) => {
      // Scheduled once the stats are under way: only a yield lets it run.
      if (calls++ === 0) setTimeout(() => (callsWhenTimerRan = calls), 0);
      const until = performance.now() + 1;
      while (performance.now() < until) {
        /* a slow disk */
      }
      return statFacts(abs);
    });
    expect(callsWhenTimerRan).toBeGreaterThan(0);
    expect(callsWhenTimerRan).toBeLessThan(count);
    for (const f of files) {
      if (f.path === "gone") {
        expect([f.size, f.mtimeMs]).toEqual([undefined, undefined]);
        continue;
      }
      const st = statSync(f.absPath);
      expect([f.size, f.mtimeMs], f.path).toEqual([st.size, st.mtimeMs]);
    }
  });

  it("lets the event loop run even when every listing is ready at once", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    const count = 60;
    writeTree(dir, Object.fromEntries(Array.from({ length: count }, (_, i) => [`d${i}/f`, "."])));
    let listings = 0;
    let listingsWhenTimerRan = -1;
    const fs: WalkFs = {
      ...nodeWalkFs,
      // Already resolved: awaiting it takes no turn of the event loop, only a microtask.
      readdir: (path) => {
        if (listings++ === 0) setTimeout(() => (listingsWhenTimerRan = listings), 0);
        const until = performance.now() + 1;
        while (performance.now() < until) {
          /* a slow disk */
        }
        return Promise.resolve(readdirSync(path, { withFileTypes: true }));
      },
    };
    for await (const batch of walkBatches({ root: dir, env, fs }))
      expect(batch).toHaveLength(count);
    expect(listingsWhenTimerRan).toBeGreaterThan(0);
    expect(listingsWhenTimerRan).toBeLessThan(count);
  });

  it("yields the same files in batches as one by one", async () => {
    const env = isolatedEnv();
    const dir = tempDir();
    writeTree(
      dir,
      Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`d${i % 7}/f${i}`, "."])),
    );
    const batched: string[] = [];
    const sizes: number[] = [];
    for await (const batch of walkBatches({ root: dir, env })) {
      sizes.push(batch.length);
      batched.push(...batch.map((f) => f.path));
    }
    expect(batched).toEqual(await walkedPaths({ root: dir, env }));
    expect(sizes).toEqual([256, 256, 88]);
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
