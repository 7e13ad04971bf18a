/**
 * `docindex explain`: which rule admits or excludes a path, and where it lives. For gitignore
 * rules, git is the oracle: `git check-ignore -v --no-index` on the same repository names the
 * same file, line and pattern, for nested .gitignore files, negations, info/exclude and the
 * global excludes file. The other answers (default excludes, the excludes setting, symlink
 * targets, paths outside the roots) are docindex's own and are checked as text.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { makeTempDir, removeDir, writeTree } from "../helpers/tree.js";

let scratch: string;
let repo: string;
let env: Record<string, string>;

const PATHS = [
  "a.log",
  "keep.log",
  "build/out.txt",
  "top-only",
  "sub/top-only",
  "sub/x.tmp",
  "sub/important.tmp",
  "sub/deeper/x.log",
  "sub/deeper/y.tmp",
  "local-notes.txt",
  "docs/a.glob",
  "docs/a.md",
];

beforeAll(() => {
  scratch = realpathSync(makeTempDir());
  const home = join(scratch, "home");
  env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), GIT_CONFIG_NOSYSTEM: "1" };
  writeTree(home, { ".config/git/ignore": "*.glob\n" });
  repo = join(scratch, "repo");
  mkdirSync(repo);
  git(["init", "-q"]);
  writeFileSync(join(repo, ".git/info/exclude"), "# this clone only\nlocal-*\n");
  const files = Object.fromEntries(PATHS.map((p) => [p, "."]));
  writeTree(repo, {
    ...files,
    ".gitignore": "# root rules\n*.log\n!keep.log\nbuild/\n/top-only\n",
    "sub/.gitignore": "*.tmp\n!important.tmp\n",
    "sub/deeper/.gitignore": "!*.log\n",
    ".env": "SECRET=1\n",
    "private.txt": "private\n",
  });
  symlinkSync("../.env", join(repo, "docs/n1.txt"));
  symlinkSync("../a.log", join(repo, "docs/n2.txt"));
  symlinkSync("a.md", join(repo, "docs/ok.md"));
});
afterAll(() => removeDir(scratch));

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: repo, env: { ...process.env, ...env } }).toString("utf8");
}

/** git's `source:line:pattern` for each path ("::" when no pattern matches). */
function gitCheckIgnore(paths: string[]): Map<string, string> {
  let out: string;
  try {
    out = git(["check-ignore", "-v", "--no-index", "-n", ...paths]);
  } catch (error) {
    // Exit status 1 means "none ignored"; -n still prints every path.
    out = (error as { stdout: Buffer }).stdout.toString("utf8");
  }
  const lines = out.split("\n").filter((l) => l !== "");
  return new Map(lines.map((l) => [l.split("\t")[1]!, l.split("\t")[0]!]));
}

interface Explanation {
  path: string;
  decision: string;
  reason: string;
  rule?: { kind: string; source?: string; line?: number; pattern?: string; name?: string };
}

function explain(paths: string[], flags: string[] = []): Explanation[] {
  const result = runCli(["explain", "--json", ...flags, ...paths], { cwd: repo, env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Explanation[];
}

describe("docindex explain", () => {
  it("names the same rule as git check-ignore -v for every kind of gitignore rule", () => {
    const expected = gitCheckIgnore(PATHS);
    // The oracle covers each kind of source: nested, negated, info/exclude, excludes file.
    expect([...expected.values()]).toEqual(
      expect.arrayContaining([
        "sub/.gitignore:2:!important.tmp",
        "sub/deeper/.gitignore:1:!*.log",
        ".git/info/exclude:2:local-*",
        `${join(env.XDG_CONFIG_HOME!, "git/ignore")}:1:*.glob`,
        "::",
      ]),
    );
    const explained = explain(PATHS, ["--no-default-excludes"]);
    const ours = new Map(
      explained.map((e) => [
        e.path,
        e.rule?.kind === "gitignore" ? `${e.rule.source}:${e.rule.line}:${e.rule.pattern}` : "::",
      ]),
    );
    expect(ours).toEqual(expected);
    // And the decision agrees with git's: ignored unless the deciding pattern is a `!` one.
    for (const e of explained) {
      const rule = expected.get(e.path)!;
      const ignored = rule !== "::" && !/^[^:]*:\d+:!/.test(rule);
      expect([e.path, e.decision]).toEqual([e.path, ignored ? "excluded" : "admitted"]);
    }
  });

  it("says why in words for default excludes, settings, symlinks and paths outside the roots", () => {
    const result = runCli(
      [
        "explain",
        "--exclude",
        "private.txt",
        ".env",
        "private.txt",
        "docs/n1.txt",
        "docs/n2.txt",
        "docs/ok.md",
        "docs/a.md",
        ".git/config",
        join(scratch, "elsewhere.txt"),
      ],
      { cwd: repo, env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split("\n").filter((l) => l !== "")).toEqual([
      "excluded: default-excludes: .env\t.env",
      "excluded: excludes setting: private.txt\tprivate.txt",
      "refused: symlink target .env: default-excludes: .env\tdocs/n1.txt",
      "refused: symlink target a.log: .gitignore:2:*.log\tdocs/n2.txt",
      "admitted: no rule excludes it (through a symlink: docs/a.md)\tdocs/ok.md",
      "admitted: no rule excludes it\tdocs/a.md",
      "excluded: always excluded: .git\t.git/config",
      `excluded: outside roots\t${join(scratch, "elsewhere.txt")}`,
    ]);
    const [n1] = explain(["docs/n1.txt"]);
    expect(n1).toMatchObject({
      decision: "refused",
      rule: { kind: "default-exclude", name: ".env" },
    });
  });

  it("asks for a path", () => {
    const result = runCli(["explain"], { cwd: repo, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/name a PATH/);
  });
});
