/**
 * The progress bar of `docindex reindex`, drawn only when stderr is a terminal. util-linux's
 * `script` runs the built command on a real pseudo-terminal and hands back what it drew.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH } from "../../helpers/cli.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;
const CLEAR_LINE = "\r\x1b[2K";
const LONG_NAME = `${"a-rather-long-file-name-".repeat(4)}end.md`;

let scratch: string;
let root: string;

beforeAll(() => {
  scratch = makeTempDir();
  root = join(scratch, "docs");
  const files: Record<string, string> = { [LONG_NAME]: "# Long\n\nlong name\n" };
  for (let i = 0; i < 30; i++) files[`d${i}.md`] = `# Doc ${i}\n\nText of document ${i}.\n`;
  writeTree(root, files);
});
afterAll(() => removeDir(scratch));

/** Runs docindex on a terminal `columns` wide (0: a terminal that reports no size). */
function onTerminal(args: string[], columns: number): string {
  const command = [
    `stty cols ${columns}`,
    [process.execPath, CLI_PATH, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" "),
  ].join(" && ");
  const result = spawnSync("script", ["-qec", command, "/dev/null"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe.skipIf(!hasScript)("docindex reindex on a terminal", () => {
  it("draws a bar from 0 to the total on one line, then clears it for the summary", () => {
    const index = join(scratch, "index-a");
    const screen = onTerminal(["reindex", root, "--index", index, "--workers", "1"], 0);
    const draws = screen.split(CLEAR_LINE).slice(1);
    expect(draws[0]).toMatch(/^scanning .*: \d+ files$|^\[-{24}\] 0\/31 $/);
    expect(draws).toContain(`[${"#".repeat(24)}] 31/31 `);
    // A terminal that reports 0 columns is taken as 100 wide: a short name is drawn whole, the
    // long one is cut to 99 characters.
    const named = draws.filter((draw) => / \d+\/31 \S/.test(draw));
    expect(named.length).toBeGreaterThan(0);
    for (const draw of named) {
      if (draw.includes("a-rather-long")) expect(draw).toHaveLength(99);
      else expect(draw).toMatch(/ d\d+\.md$/);
    }
    // The bar never moves to a new line; the summary starts on the cleared one.
    expect(draws.slice(0, -1).every((draw) => !draw.includes("\n"))).toBe(true);
    expect(draws.at(-1)).toMatch(/^Scanned 31 files in /);
  });

  it("cuts each drawing to the terminal's width", () => {
    const index = join(scratch, "index-b");
    const screen = onTerminal(["reindex", root, "--index", index, "--workers", "1"], 40);
    const draws = screen.split(CLEAR_LINE).slice(1, -1);
    expect(draws.length).toBeGreaterThan(0);
    for (const draw of draws) expect(draw.length).toBeLessThanOrEqual(39);
  });

  it("draws nothing when the summary is JSON", () => {
    const index = join(scratch, "index-c");
    const screen = onTerminal(["reindex", root, "--index", index, "--json"], 80);
    expect(screen).not.toContain("\x1b[");
    expect(JSON.parse(screen.replace(/\r\n/g, "\n"))).toMatchObject({ scanned: 31, indexed: 31 });
  });
});
