/**
 * One hand-built tree per gitignore rule; git itself (`ls-files --others --exclude-standard`)
 * says what the walker must yield.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  git,
  gitInit,
  gitListed,
  isolatedEnv,
  tempDir,
  walkedPaths,
  writeTree,
  type Env,
  type TreeSpec,
} from "./helpers.js";

interface RuleCase {
  name: string;
  tree: TreeSpec;
  /** Runs after `git init`, before listing: config, info/exclude, global files. */
  setup?: (repo: string, env: Env) => void;
}

const FILES_EVERYWHERE = ["x", "x.log", "x.txt", "d/x", "d/x.log", "d/e/x.txt", "d/e/f/x.md"];
const everywhere = (extra: TreeSpec = {}): TreeSpec =>
  Object.fromEntries([...FILES_EVERYWHERE.map((p) => [p, "."] as const), ...Object.entries(extra)]);

const CASES: RuleCase[] = [
  { name: "unanchored basename pattern", tree: everywhere({ ".gitignore": "*.log\n" }) },
  {
    name: "nested .gitignore re-includes what the root excludes",
    tree: everywhere({
      ".gitignore": "*.txt\n",
      "d/.gitignore": "!x.txt\n",
      "d/e/.gitignore": "!*.txt\nx.md\n",
      "d/e/keep.txt": ".",
    }),
  },
  {
    name: "negation in the same file, last match wins",
    tree: everywhere({ ".gitignore": "*.md\n!x.md\n*.log\n!*.log\nx.log\n", "d/README.md": "." }),
  },
  {
    name: "directory-only patterns",
    tree: {
      ".gitignore": "build/\nout/\n",
      "build/a": ".",
      "src/build": "file named build",
      "src/out/b": ".",
      "x/build/c": ".",
    },
  },
  {
    name: "anchored and unanchored patterns",
    tree: {
      ".gitignore": "/top\nany\nd/mid\n/d/e/deep\nd/e/\n",
      top: ".",
      "d/top": ".",
      any: ".",
      "d/any/z": ".",
      "d/mid": ".",
      "d/d/mid": ".",
      "x/d/mid": ".",
      "d/e/deep": ".",
      "d/e/other": ".",
      "q/d/e/z": ".",
    },
  },
  {
    name: "anchored patterns in nested .gitignore are relative to its directory",
    tree: {
      "d/.gitignore": "/x\ne/y\n/f/\n",
      x: ".",
      "d/x": ".",
      "d/e/x": ".",
      "d/e/y": ".",
      "d/g/e/y": ".",
      "d/f/z": ".",
      "d/e/f/z": ".",
    },
  },
  {
    name: "** in leading, middle, trailing and odd positions",
    tree: {
      ".gitignore": "**/lead\n**/m/n\nt/**\na/**/b\nq**/r\n***/s3\nu/**/\nw/***\nab**cd\n**.bak\n",
      lead: ".",
      "x/lead": ".",
      "x/y/lead/z": ".",
      "m/n": ".",
      "x/m/n": ".",
      "m/x/n": ".",
      "t/z": ".",
      "t/y/z": ".",
      "x/t/z": ".",
      "a/b": ".",
      "a/x/b": ".",
      "a/x/y/b": ".",
      "x/a/b": ".",
      "qz/y/r": ".",
      "q/r": ".",
      s3: ".",
      "x/s3": ".",
      "u/z": ".",
      "u/v/z": ".",
      "w/z": ".",
      abXcd: ".",
      "ab/cd": ".",
      "x.bak": ".",
      "y/x.bak": ".",
    },
  },
  {
    name: "escapes: \\#, \\!, escaped trailing space, escaped glob characters",
    tree: {
      ".gitignore": "\\#hash\n\\!bang\nsp\\ \nsp2\\ \\  \nlit\\*star\nq\\?\nbr\\[x]\n#comment\n",
      "#hash": ".",
      "!bang": ".",
      "sp ": ".",
      sp: ".",
      "sp2  ": ".",
      "sp2 ": ".",
      "lit*star": ".",
      litXstar: ".",
      "q?": ".",
      qz: ".",
      "br[x]": ".",
      brx: ".",
      "#comment": ".",
    },
  },
  {
    name: "trailing spaces are stripped, tabs are not",
    tree: {
      ".gitignore": "spaced   \ntabbed\t\nboth \t \n",
      spaced: ".",
      tabbed: ".",
      "tabbed\t": ".",
      both: ".",
      "both \t": ".",
    },
  },
  {
    name: "character classes and ?",
    tree: {
      ".gitignore":
        "[a-c].txt\n[!x]y.md\n[^p]q.md\n?.log\n[[:digit:]]n\n[]]k\n[a-]m\n[[:upper:][:punct:]]u\n",
      "a.txt": ".",
      "d.txt": ".",
      "xy.md": ".",
      "zy.md": ".",
      "pq.md": ".",
      "rq.md": ".",
      "1.log": ".",
      "12.log": ".",
      "5n": ".",
      an: ".",
      "]k": ".",
      "-m": ".",
      am: ".",
      bm: ".",
      Uu: ".",
      _u: ".",
      uu: ".",
    },
  },
  {
    name: "odd syntax: malformed classes, reversed ranges, lone slashes and bangs",
    tree: {
      ".gitignore": [
        "[[:nope:]]x",
        "[[:alpha:]",
        "[z-a]r",
        "[]-]d",
        "[!]e",
        "[a-]f",
        "t\\",
        "**\\/s",
        "a//b",
        "/",
        "!",
        "  lead",
        "[\\]]g",
        "[[:alpha:]-z]h",
        "*\\*j",
        "",
      ].join("\n"),
      ax: ".",
      "[[:nope:]]x": ".",
      zr: ".",
      ar: ".",
      "]d": ".",
      "-d": ".",
      "!e": ".",
      "]e": ".",
      xe: ".",
      af: ".",
      "-f": ".",
      "t\\": ".",
      t: ".",
      "x/s": ".",
      s: ".",
      "a/b": ".",
      "  lead": ".",
      "]g": ".",
      "\\g": ".",
      "-h": ".",
      bh: ".",
      "a*j": ".",
      aj: ".",
    },
  },
  {
    name: "a file cannot be re-included if its parent directory is excluded",
    tree: {
      ".gitignore": "gone/\n!gone/keep\nstar/*\n!star/keep\nnest/\n!nest/\n",
      "gone/keep": ".",
      "gone/other": ".",
      "star/keep": ".",
      "star/other": ".",
      "nest/a": ".",
    },
  },
  {
    name: "negating directories",
    tree: {
      ".gitignore": "*\n!*/\n!*.md\n",
      "a.md": ".",
      "a.txt": ".",
      "d/b.md": ".",
      "d/b.txt": ".",
      "d/e/c.md": ".",
    },
  },
  {
    name: "deeper .gitignore beats shallower, even against a negation",
    tree: {
      ".gitignore": "!*.tmp\n",
      "d/.gitignore": "*.tmp\n",
      "a.tmp": ".",
      "d/b.tmp": ".",
      "d/e/c.tmp": ".",
    },
  },
  {
    name: "CRLF line ends, a UTF-8 BOM and comments",
    tree: {
      ".gitignore": "\ufeffbom\r\n# comment\r\ncrlf\r\n\r\n  lead\r\nlast",
      bom: ".",
      crlf: ".",
      "crlf\r": ".",
      "  lead": ".",
      lead: ".",
      last: ".",
    },
  },
  {
    name: "non-ASCII names are matched byte by byte",
    tree: {
      ".gitignore": "?.one\n??.two\n[é].three\nü*\n",
      "é.one": ".",
      "a.one": ".",
      "é.two": ".",
      "é.three": ".",
      über: ".",
      uber: ".",
    },
  },
  {
    name: "a symlinked .gitignore is not followed",
    tree: { "real-rules": "*.txt\n", ".gitignore": "->real-rules", "a.txt": ".", "d/b.txt": "." },
  },
  {
    name: ".git/info/exclude applies below every .gitignore",
    tree: { ".gitignore": "!b.tmp\n", "a.tmp": ".", "b.tmp": ".", "d/c.tmp": "." },
    setup: (repo) => writeFileSync(join(repo, ".git/info/exclude"), "*.tmp\nd/\n"),
  },
  {
    name: "core.excludesFile from the repository config, with tilde expansion",
    tree: { "a.bak": ".", "b.swp": ".", "c.keep": "." },
    setup: (repo, env) => {
      writeFileSync(join(env.HOME as string, "my-ignore"), "*.bak\n*.swp\n");
      writeFileSync(join(repo, ".git/info/exclude"), "!*.swp\n");
      git(repo, ["config", "core.excludesFile", "~/my-ignore"], env);
    },
  },
  {
    name: "core.excludesFile relative to the working tree top",
    tree: { "rules/ignore": "*.bak\n", "a.bak": ".", "d/b.bak": "." },
    setup: (repo, env) => git(repo, ["config", "core.excludesFile", "rules/ignore"], env),
  },
  {
    name: "core.excludesFile from $XDG_CONFIG_HOME/git/config, overridden by ~/.gitconfig",
    tree: { "a.xdg": ".", "b.home": "." },
    setup: (_repo, env) => {
      const xdg = env.XDG_CONFIG_HOME as string;
      const home = env.HOME as string;
      mkdirSync(join(xdg, "git"), { recursive: true });
      writeFileSync(join(xdg, "xdg-ignore"), "*.xdg\n");
      writeFileSync(join(home, "home-ignore"), "*.home\n");
      writeFileSync(join(xdg, "git/config"), `[core]\n\texcludesFile = ${xdg}/xdg-ignore\n`);
      writeFileSync(join(home, ".gitconfig"), '[Core]\n  ExcludesFile = "~/home-ignore" ; why\n');
    },
  },
  {
    name: "core.excludesFile from the global config only",
    tree: { "a.xdg": ".", "b.home": "." },
    setup: (_repo, env) => {
      const xdg = env.XDG_CONFIG_HOME as string;
      mkdirSync(join(xdg, "git"), { recursive: true });
      writeFileSync(join(xdg, "xdg-ignore"), "*.xdg\n");
      writeFileSync(join(xdg, "git/config"), `[core]\n\texcludesfile = ${xdg}/xdg-ignore\n`);
    },
  },
  {
    name: "default global excludes file $XDG_CONFIG_HOME/git/ignore when core.excludesFile is unset",
    tree: { "a.glob": ".", "b.txt": "." },
    setup: (_repo, env) => {
      const xdg = env.XDG_CONFIG_HOME as string;
      mkdirSync(join(xdg, "git"), { recursive: true });
      writeFileSync(join(xdg, "git/ignore"), "*.glob\n");
    },
  },
  {
    name: "[include] path in the global config",
    tree: { "a.inc": ".", "b.txt": "." },
    setup: (_repo, env) => {
      const home = env.HOME as string;
      writeFileSync(join(home, "inc.cfg"), `[core]\n\texcludesFile = ${home}/inc-ignore\n`);
      writeFileSync(join(home, "inc-ignore"), "*.inc\n");
      writeFileSync(join(home, ".gitconfig"), "[include]\n\tpath = inc.cfg\n");
    },
  },
];

async function compare(c: RuleCase, env: Env): Promise<{ walked: string[]; listed: string[] }> {
  const repo = tempDir();
  gitInit(repo, env);
  writeTree(repo, c.tree);
  c.setup?.(repo, env);
  const listed = gitListed(repo, env);
  const walked = await walkedPaths({ root: repo, defaultExcludes: false, env });
  return { walked, listed };
}

describe("walker agrees with git", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const { walked, listed } = await compare(c, isolatedEnv());
    expect(listed.length).toBeGreaterThan(0);
    expect(walked).toEqual(listed);
  });

  it("the default $HOME/.config/git/ignore applies when XDG_CONFIG_HOME is unset", async () => {
    const env = isolatedEnv();
    delete env.XDG_CONFIG_HOME;
    const c: RuleCase = {
      name: "home default ignore",
      tree: { "a.glob": ".", "b.txt": "." },
      setup: () => {
        mkdirSync(join(env.HOME as string, ".config/git"), { recursive: true });
        writeFileSync(join(env.HOME as string, ".config/git/ignore"), "*.glob\n");
      },
    };
    const { walked, listed } = await compare(c, env);
    expect(listed).not.toContain("a.glob");
    expect(walked).toEqual(listed);
  });
});
