/**
 * Could the `ignore` npm package match the `excludes` setting (gitignore lines from the config,
 * the walker's `extraExcludes`) instead of the walker's own port of git's rules? git decides:
 * for each set of lines, git's listing (the lines appended to the root .gitignore, which is
 * what `extraExcludes` means), the walker's, and the `ignore` package's. The walker must equal
 * git everywhere; where `ignore` does not, the case is pinned here, and scanners/walk/README.md
 * says why the package is not used. If `ignore` changes, these expectations fail, and the
 * decision is worth taking again.
 */
import ignore from "ignore";
import { describe, expect, it } from "vitest";
import {
  byteSort,
  gitInit,
  gitListed,
  isolatedEnv,
  tempDir,
  walkedPaths,
  writeTree,
  type TreeSpec,
} from "./helpers.js";

const env = isolatedEnv();

const TREE: TreeSpec = Object.fromEntries(
  [
    "a.log",
    "keep.log",
    "A.LOG",
    "gen/x.ts",
    "src/gen/y.ts",
    "build/out.js",
    "src/build/z.o",
    "node_modules/p/index.js",
    "docs/a.md",
    "docs/sub/b.md",
    "docs/c.txt",
    "tmp/t",
    "src/tmp/u",
    "out/tmp/v",
    "out/keep/w",
    "a/b",
    "a/x/b",
    "a/x/y/b",
    "ax/y/b",
    "ab/b",
    "é",
    "xé",
    "ee",
    "lib.a",
    "lib.o",
    "#notes",
  ].map((path) => [path, "."]),
);

/** What git lists with `lines` appended to the root .gitignore (the tree has no other). */
function gitAnswer(tree: TreeSpec, rootGitignore: string): string[] {
  const dir = tempDir();
  writeTree(dir, { ...tree, ".gitignore": rootGitignore });
  gitInit(dir, env);
  return gitListed(dir, env).filter((p) => p !== ".gitignore");
}

async function walkerAnswer(tree: TreeSpec, excludes: string[]): Promise<string[]> {
  const dir = tempDir();
  writeTree(dir, tree);
  gitInit(dir, env);
  const paths = await walkedPaths({
    root: dir,
    env,
    defaultExcludes: false,
    extraExcludes: excludes,
  });
  return paths.filter((p) => p !== ".gitignore");
}

/** The files `ignore` keeps, given the same lines. */
function ignoreAnswer(
  tree: TreeSpec,
  excludes: string[],
  options = { ignorecase: false },
): string[] {
  const matcher = ignore(options).add(excludes);
  return byteSort(Object.keys(tree).filter((p) => !p.endsWith("/") && !matcher.ignores(p)));
}

/** Paths on which two listings disagree. */
function difference(a: string[], b: string[]): string[] {
  const left = new Set(a);
  const right = new Set(b);
  return byteSort([...a.filter((p) => !right.has(p)), ...b.filter((p) => !left.has(p))]);
}

/** Lines users write as excludes, on which `ignore` (case-sensitive) and git agree. */
const AGREED: string[][] = [
  ["*.log"],
  ["*.log", "!keep.log"],
  ["/gen/"],
  ["gen/"],
  ["build/", "node_modules/"],
  ["docs/**/*.md"],
  ["docs/*", "!docs/*.md"],
  ["**/tmp"],
  ["/out/*", "!/out/keep/"],
  ["a/**/b"],
  ["*.[oa]"],
  ["\\#notes"],
];

describe("the `ignore` package against git, on the `excludes` setting", () => {
  it.each(AGREED.map((lines) => [lines.join(" "), lines]))(
    "agrees on %s (and so does the walker)",
    async (_name, lines) => {
      const git = gitAnswer(TREE, lines.join("\n") + "\n");
      expect(await walkerAnswer(TREE, lines)).toEqual(git);
      expect(ignoreAnswer(TREE, lines)).toEqual(git);
    },
  );

  it("differs by default: it ignores case, git does not (core.ignoreCase is off)", async () => {
    const lines = ["*.Log"];
    const git = gitAnswer(TREE, "*.Log\n");
    expect(await walkerAnswer(TREE, lines)).toEqual(git);
    expect(difference(ignoreAnswer(TREE, lines, { ignorecase: true }), git)).toEqual([
      "A.LOG",
      "a.log",
      "keep.log",
    ]);
  });

  it("differs on git's literal-prefix rule: `a**/b` matches below `a`", async () => {
    const lines = ["a**/b"];
    const git = gitAnswer(TREE, "a**/b\n");
    expect(await walkerAnswer(TREE, lines)).toEqual(git);
    expect(difference(ignoreAnswer(TREE, lines), git)).toEqual(["a/x/b", "a/x/y/b", "ax/y/b"]);
  });

  it("differs on non-ASCII names: git's wildcards match bytes, `ignore`'s characters", async () => {
    for (const [line, differing] of [
      ["?", ["é"]],
      ["??", ["xé", "é"]],
    ] as const) {
      const git = gitAnswer(TREE, `${line}\n`);
      expect(await walkerAnswer(TREE, [line])).toEqual(git);
      expect(difference(ignoreAnswer(TREE, [line]), git), line).toEqual(differing);
    }
  });

  it("cannot take the excludes' place in git's precedence: nested .gitignore files beat them", async () => {
    // `excludes` sit after the root .gitignore and before deeper ones: `!b.tmp` re-includes
    // what the root ignores, and d/.gitignore re-includes what the excludes ignore.
    const tree: TreeSpec = {
      ".gitignore": "*.tmp\n",
      "d/.gitignore": "!keep.log\n",
      "a.log": ".",
      "b.tmp": ".",
      "c.tmp": ".",
      "d/keep.log": ".",
      "d/x.log": ".",
    };
    const excludes = ["*.log", "!b.tmp"];
    const git = gitAnswer(tree, `*.tmp\n${excludes.join("\n")}\n`);
    expect(git).toEqual(["b.tmp", "d/.gitignore", "d/keep.log"]);
    expect(await walkerAnswer(tree, excludes)).toEqual(git);
    // A separate matcher can only add to what the walker leaves out (or be asked first): either
    // way one of the two re-inclusions is lost.
    const matcher = ignore({ ignorecase: false }).add(excludes);
    const walkedWithout = await walkerAnswer(tree, []);
    const layered = walkedWithout.filter((p) => !matcher.ignores(p));
    expect(difference(layered, git)).toEqual(["b.tmp", "d/keep.log"]);
  });
});
