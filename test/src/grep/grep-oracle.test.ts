/**
 * ripgrep is the oracle: on a real tree (lodash 4.17.21 from the npm registry), for each
 * pattern and flag set, the (path, line) pairs grep reports over every page are exactly those
 * `rg` prints over the same files (the indexed code, Markdown and text files, whose stored
 * lines are the files' lines).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../../indexers/store.js";
import { loadSettings } from "../../../src/config/load.js";
import { runGrep, type GrepRequest } from "../../../src/grep/run-grep.js";
import { createLogger } from "../../../src/log.js";
import { reindex } from "../../../src/pipeline/reindex.js";
import { resolveRoot } from "../../../src/pipeline/resolve-root.js";
import { createParserPool, openStore } from "../../../src/pipeline/runtime.js";
import { npmPackageTree } from "../../helpers/npm-package.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

interface Case {
  pattern: string;
  F?: boolean;
  i?: boolean;
  w?: boolean;
}

const LITERALS = [
  "function",
  "return",
  "lodash",
  "baseIteratee",
  "Array.prototype",
  "===",
  "//",
  "(value)",
  "[object ",
  "0x",
  "_.map",
  "@param {",
  "\\",
  "isArray",
  "Symbol.iterator",
  "a.b",
  "$",
  "*/",
].map((pattern): Case => ({ pattern, F: true }));

const REGEXES: Case[] = [
  "function\\s+\\w+\\(",
  "^\\s*return\\b",
  "\\bvar [a-z]+ = require\\(",
  "\\d{3,}",
  "[A-Z][a-z]+Error",
  "^$",
  "TODO|FIXME",
  "(?i)lodash",
  "foo|bar|baz",
  "^/\\*\\*",
  "\\*/$",
  "[0-9]+\\.[0-9]+\\.[0-9]+",
  "_\\.(map|filter|reduce)\\b",
  "typeof \\w+ == '(function|object)'",
  "\\bnull\\b",
  "(?:get|set)[A-Z]\\w*",
  "a{2,}",
  "x*y",
  ".",
  "\\t",
  "[^\\x00-\\x7F]",
  "\\p{Lu}{3,}",
  "^\\s+\\*\\s@example",
  "module\\.exports\\s*=",
  "\\bthis\\b",
  "=>",
  "\\w+@\\w+",
  "https?://\\S+",
  "(abc|def)ghi?",
  "is[A-Z]\\w+\\(value\\)",
  "\\Aimport",
  "\\);\\z",
  "\\d+px",
  "\\x41\\x42",
  "[[:upper:]]{4}",
  "\\$\\{",
].map((pattern) => ({ pattern }));

const FLAGGED: Case[] = [
  { pattern: "LODASH", i: true },
  { pattern: "Function", i: true },
  { pattern: "nan", i: true, F: true },
  { pattern: "map", w: true },
  { pattern: "is", w: true },
  { pattern: "value", w: true },
  { pattern: "_", w: true },
  { pattern: "lodash", w: true, i: true },
  { pattern: "a\\w+", w: true },
  { pattern: "(value)", w: true, F: true },
  { pattern: "@param", w: true },
  { pattern: "get.*", w: true, i: true },
];

const CASES = [...LITERALS, ...REGEXES, ...FLAGGED];

let dir: string;
let root: string;
let store: Store;
let files: string[];

beforeAll(async () => {
  const tree = await npmPackageTree("lodash", "4.17.21");
  dir = makeTempDir();
  root = resolveRoot(tree);
  const { settings } = loadSettings({
    cwd: root,
    env: {},
    flags: { indexDir: join(dir, "index"), workers: 2 },
  });
  store = await openStore(settings, { create: true });
  const parser = createParserPool(settings);
  try {
    await reindex({ settings, store, parser, log: createLogger({ level: "silent" }) });
  } finally {
    await parser.close();
  }
  files = [];
  let cursor: string | undefined;
  do {
    const page = await store.documents(
      { statuses: ["indexed"], kinds: ["code", "markdown", "text"] },
      { limit: 1000, cursor },
    );
    files.push(...page.items.map((d) => d.path));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}, 300_000);

afterAll(async () => {
  await store?.close();
  if (dir) removeDir(dir);
});

function ripgrep(c: Case): string[] {
  const flags = ["--no-config", "--no-ignore", "-n", "-H", "--no-heading", "--null"];
  if (c.F) flags.push("-F");
  if (c.i) flags.push("-i");
  if (c.w) flags.push("-w");
  const out = spawnSync("rg", [...flags, "-e", c.pattern, "--", ...files], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (out.status !== 0 && out.status !== 1) throw new Error(`rg failed: ${out.stderr}`);
  return out.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [path, rest] = l.split("\0") as [string, string];
      return `${path}:${rest.slice(0, rest.indexOf(":"))}`;
    })
    .sort();
}

async function docindexGrep(c: Case): Promise<string[]> {
  const request: GrepRequest = {
    pattern: c.pattern,
    fixedStrings: c.F,
    ignoreCase: c.i,
    wordRegexp: c.w,
    limit: 500,
    context: 0,
    filters: { kinds: ["code", "markdown", "text"] },
  };
  const found: string[] = [];
  for (;;) {
    const page = await runGrep(store, request);
    expect(page.incomplete).toBeUndefined();
    found.push(...page.matches.map((m) => `${m.path}:${m.line}`));
    if (page.nextCursor === undefined) break;
    request.cursor = page.nextCursor;
  }
  return found.sort();
}

describe("grep against ripgrep on lodash 4.17.21", () => {
  it("indexes the tree's text files", () => {
    expect(files.length).toBeGreaterThan(1000);
  });

  it("has at least 50 patterns", () => expect(CASES.length).toBeGreaterThanOrEqual(50));

  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))(
    "%s gives ripgrep's (path, line) pairs",
    async (_name, c) => {
      const expected = ripgrep(c);
      const actual = await docindexGrep(c);
      expect(actual.length).toBe(expected.length);
      expect(actual).toEqual(expected);
    },
  );

  it("finds matches for most patterns (the oracle is not vacuous)", () => {
    const nonEmpty = CASES.filter((c) => ripgrep(c).length > 0);
    expect(nonEmpty.length).toBeGreaterThanOrEqual(45);
  });
});
