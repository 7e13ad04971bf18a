/**
 * "git is the oracle": on real trees, the paths in file_registry.json (with
 * --no-default-excludes) are exactly those `git ls-files --others --exclude-standard` lists in a
 * fresh repository over the same tree. The fresh repository is a separate git dir with the tree
 * as its work tree, so nothing is copied and nothing in the tree changes.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { datasetAvailable, datasetsRoot } from "../helpers/datasets.js";
import { makeTempDir, removeDir } from "../helpers/tree.js";

const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DATASETS = datasetsRoot();

let scratch: string;
let isolatedEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  scratch = makeTempDir();
  // No global git config or excludes file of the machine may leak into either side.
  const home = join(scratch, "home");
  mkdirSync(home);
  isolatedEnv = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), GIT_CONFIG_NOSYSTEM: "1" };
});
afterAll(() => removeDir(scratch));

function gitOracle(tree: string, name: string): string[] {
  const gitDir = join(scratch, `${name}.git`);
  execFileSync("git", ["init", "-q", "--bare", gitDir], {
    env: { ...process.env, ...isolatedEnv },
  });
  const ownExclude = join(tree, ".git/info/exclude");
  if (existsSync(ownExclude)) copyFileSync(ownExclude, join(gitDir, "info/exclude"));
  const out = execFileSync(
    "git",
    [
      "--git-dir",
      gitDir,
      "--work-tree",
      tree,
      "-c",
      "core.bare=false",
      "ls-files",
      "--others",
      "--exclude-standard",
      "-z",
    ],
    { cwd: tree, env: { ...process.env, ...isolatedEnv }, maxBuffer: 64 * 1024 * 1024 },
  ).toString("utf8");
  return out
    .split("\0")
    .filter((p) => p !== "")
    .sort();
}

function registryPaths(tree: string, name: string): string[] {
  const out = join(scratch, `${name}-out`);
  const result = runCli(
    [
      "inventory",
      tree,
      "--no-default-excludes",
      "--out",
      out,
      "--index",
      join(scratch, `${name}-index`),
    ],
    { env: isolatedEnv, cwd: scratch },
  );
  expect(result.code, result.stderr).toBe(0);
  const registry = JSON.parse(readFileSync(join(out, "file_registry.json"), "utf8")) as {
    files: { path: string }[];
  };
  return registry.files.map((f) => f.path).sort();
}

describe("file_registry.json matches git on real trees", () => {
  it("this project's own repository (nested .gitignore files, node_modules, dist)", () => {
    const expected = gitOracle(PROJECT_ROOT, "project");
    expect(expected.length).toBeGreaterThan(20);
    expect(registryPaths(PROJECT_ROOT, "project")).toEqual(expected);
  });

  it.skipIf(!datasetAvailable("docs"))("a folder that is not a git repository (the data sets)", () => {
    expect(existsSync(join(DATASETS, ".git"))).toBe(false);
    const expected = gitOracle(DATASETS, "datasets");
    expect(expected.length).toBeGreaterThan(40);
    expect(registryPaths(DATASETS, "datasets")).toEqual(expected);
  });
});
