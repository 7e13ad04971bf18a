/**
 * Shared helpers for the walker tests: temp trees, an isolated git (no system or user config
 * leaks in), and git's own listing as the oracle.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { walk, type WalkOptions } from "../../../scanners/walk/index.js";

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = "docindex-walk-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export type Env = Record<string, string | undefined>;

/** A HOME and XDG_CONFIG_HOME of our own, and no system config: the developer's excludes stay out. */
export function isolatedEnv(): Env {
  const base = tempDir("docindex-home-");
  const home = join(base, "home");
  const xdg = join(base, "xdg");
  mkdirSync(home, { recursive: true });
  mkdirSync(xdg, { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: xdg,
    GIT_CONFIG_NOSYSTEM: "1",
    LC_ALL: "C",
  };
}

/** Paths ending in "/" are directories; values starting with "->" are symlink targets. */
export type TreeSpec = Record<string, string>;

export function writeTree(root: string, spec: TreeSpec): void {
  for (const [path, content] of Object.entries(spec)) {
    const abs = join(root, path);
    if (path.endsWith("/")) {
      mkdirSync(abs, { recursive: true });
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    if (content.startsWith("->")) symlinkSync(content.slice(2), abs);
    else writeFileSync(abs, content);
  }
}

export function git(cwd: string, args: string[], env: Env): Buffer {
  return execFileSync("git", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
}

export function gitInit(dir: string, env: Env): void {
  git(dir, ["init", "-q"], env);
}

/** git's answer: untracked files that are not ignored, relative to `cwd`, byte-wise sorted. */
export function gitListed(cwd: string, env: Env): string[] {
  const out = git(cwd, ["ls-files", "--others", "--exclude-standard", "-z"], env).toString("utf8");
  return byteSort(out.split("\0").filter((p) => p !== ""));
}

export async function walkedPaths(options: WalkOptions): Promise<string[]> {
  const paths: string[] = [];
  for await (const file of walk(options)) paths.push(file.path);
  return paths;
}

export function byteSort(paths: string[]): string[] {
  return [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Deterministic PRNG (mulberry32), so a failing random case can be replayed. */
export { prng as rng } from "../../../bench/random.js";

/** `git check-ignore`: whether git ignores `path` (relative to `cwd`), parents included. */
export function gitIgnores(cwd: string, path: string, env: Env): boolean {
  try {
    git(cwd, ["check-ignore", "-q", path], env);
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 1) return false;
    throw err;
  }
}
