/**
 * Generated trees and generated .gitignore files (seeded, so a failure replays), with git as
 * the oracle for the walker and for IgnoreMatcher.isIgnored.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createIgnoreMatcher } from "../../../scanners/walk/index.js";
import {
  gitIgnores,
  gitInit,
  gitListed,
  isolatedEnv,
  rng,
  tempDir,
  walkedPaths,
} from "./helpers.js";

// Fixed by default; set both to explore more of the space locally, then pin what fails.
const CASES = Number(process.env.DOCINDEX_WALK_CASES ?? 300);
const SEED = Number(process.env.DOCINDEX_WALK_SEED ?? 20240611);

const NAMES = ["a", "b", "c", "ab", "ba", "a.x", "b.x", "abc", "d", "x.md", "é", "a b", "[a]", "A"];
// Common segments repeat so that about a third of the files end up ignored.
const SEGMENTS = [
  "a",
  "a",
  "b",
  "b",
  "ab",
  "d",
  "a.x",
  "x.md",
  "é",
  "A",
  "*",
  "*",
  "**",
  "**",
  "?",
  "a*",
  "a*",
  "*.x",
  "*.x",
  "*b",
  "[ab]",
  "[!a]*",
  "[a-c]?",
  "a**",
  "**a",
  "?b",
  "\\[a]",
  "a\\ b",
  "[[:upper:]]",
  "*.md",
  "***",
  "??",
];

interface Case {
  files: string[];
  gitignores: Record<string, string>;
  infoExclude: string | undefined;
  /** Walk from the first of these subdirectories that git does not ignore; empty: the top. */
  rootCandidates: string[];
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

function generateCase(r: () => number): Case {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const count = 8 + Math.floor(r() * 30);
  for (let i = 0; i < count; i++) {
    const depth = 1 + Math.floor(r() * 4);
    const parts = Array.from({ length: depth }, () => pick(r, NAMES));
    const path = parts.join("/");
    const prefixes = parts.slice(0, -1).map((_, k) => parts.slice(0, k + 1).join("/"));
    // A path cannot be a file and a directory at once.
    if (dirs.has(path) || prefixes.some((p) => files.has(p)) || files.has(path)) continue;
    files.add(path);
    for (const p of prefixes) dirs.add(p);
  }
  const gitignores: Record<string, string> = {};
  const places = [...dirs];
  const gitignoreCount = 1 + Math.floor(r() * 3);
  for (let i = 0; i < gitignoreCount; i++) {
    // The root always gets one, so that patterns reach most of the tree.
    const dir = i === 0 || places.length === 0 ? "" : pick(r, places);
    const lines = Array.from({ length: 1 + Math.floor(r() * 8) }, () => generatePattern(r));
    gitignores[dir] = `${gitignores[dir] ?? ""}${lines.join("\n")}\n`;
  }
  const infoExclude = r() < 0.2 ? `${generatePattern(r)}\n` : undefined;
  const rootCandidates = r() < 0.25 ? [...dirs].sort(() => r() - 0.5) : [];
  return { files: [...files], gitignores, infoExclude, rootCandidates };
}

function generatePattern(r: () => number): string {
  const roll = r();
  const length = roll < 0.6 ? 1 : roll < 0.9 ? 2 : 3;
  const segments = Array.from({ length }, () => pick(r, SEGMENTS));
  let pattern = segments.join("/");
  if (r() < 0.2) pattern = `/${pattern}`;
  if (r() < 0.2) pattern += "/";
  if (r() < 0.25) pattern = `!${pattern}`;
  if (r() < 0.05) pattern += "  ";
  if (r() < 0.03) pattern += "\\ ";
  return pattern;
}

function describeCase(seed: number, c: Case, root: string): string {
  return JSON.stringify({ seed, root, gitignores: c.gitignores, info: c.infoExclude });
}

describe("generated trees and patterns, git as the oracle", () => {
  it(`${CASES} seeded cases`, async () => {
    const env = isolatedEnv();
    const repo = tempDir();
    gitInit(repo, env);
    const mismatches: string[] = [];
    let listedTotal = 0;
    let hiddenTotal = 0;
    let subRoots = 0;
    for (let n = 0; n < CASES; n++) {
      const seed = SEED + n;
      const c = generateCase(rng(seed));
      // One repository, emptied between cases: `git init` would cost more than the case.
      for (const entry of readdirSync(repo)) {
        if (entry !== ".git") rmSync(join(repo, entry), { recursive: true, force: true });
      }
      writeFileSync(join(repo, ".git/info/exclude"), c.infoExclude ?? "");
      for (const file of c.files) {
        mkdirSync(join(repo, file, ".."), { recursive: true });
        writeFileSync(join(repo, file), ".");
      }
      for (const [dir, text] of Object.entries(c.gitignores)) {
        writeFileSync(join(repo, dir, ".gitignore"), text);
      }
      // A root that git ignores lists nothing in git but not in the walker: a documented
      // difference (README), tested in parent-repo.test.ts. So roots here are not ignored.
      const rootRel = c.rootCandidates.find((dir) => !gitIgnores(repo, dir, env)) ?? "";
      if (rootRel !== "") subRoots++;
      const root = join(repo, rootRel);
      const listed = gitListed(root, env);
      const walked = await walkedPaths({ root, defaultExcludes: false, env });
      listedTotal += listed.length;
      if (JSON.stringify(walked) !== JSON.stringify(listed)) {
        mismatches.push(
          `${describeCase(seed, c, rootRel)}\n  git:  ${listed.join(", ")}\n  walk: ${walked.join(", ")}`,
        );
        continue;
      }
      // Every file in the tree is untracked, so git lists exactly the files it does not ignore.
      const matcher = await createIgnoreMatcher({ root, defaultExcludes: false, env });
      const listedSet = new Set(listed);
      const prefix = rootRel === "" ? "" : `${rootRel}/`;
      for (const file of c.files) {
        if (!file.startsWith(prefix)) continue;
        const rel = file.slice(prefix.length);
        const expected = !listedSet.has(rel);
        if (expected) hiddenTotal++;
        if (matcher.isIgnored(rel, false) !== expected) {
          mismatches.push(
            `${describeCase(seed, c, rootRel)}\n  isIgnored(${rel}) should be ${expected}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // The generator must produce both outcomes in quantity, or the comparison proves little.
    expect(listedTotal).toBeGreaterThan(CASES * 3);
    expect(hiddenTotal).toBeGreaterThan(CASES * 3);
    expect(subRoots).toBeGreaterThan(CASES / 10);
  }, 300_000); // 300 trees, several git runs each: minutes on a loaded two-core machine
});
