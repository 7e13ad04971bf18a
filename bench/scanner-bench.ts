/**
 * Scanner throughput on a generated tree of 50,000 visible files (plus an ignored
 * node_modules of 20,000 that must cost nothing), next to `rg --files` and
 * `git ls-files --others --exclude-standard` on the same tree, in the same run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { walk } from "../scanners/walk/index.js";
import { loadNote } from "./retrieval.js";
import { fmt, hasCommand, median, timeCommand, timeMs } from "./timing.js";

const VISIBLE = 50_000;
const PER_DIR = 100;

function buildTree(root: string): void {
  const marker = join(root, ".bench-complete");
  if (existsSync(marker)) return;
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, ".gitignore"), "node_modules/\n*.log\nbuild/\n!keep.log\n");
  for (let i = 0; i < VISIBLE - 1; i++) {
    const dir = join(
      root,
      `pkg${Math.floor(i / (PER_DIR * 10))}`,
      `mod${Math.floor(i / PER_DIR) % 10}`,
    );
    if (i % PER_DIR === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `file${i}.ts`), `export const v${i} = ${i};\n`);
    if (i % 1000 === 0) writeFileSync(join(dir, `ignored${i}.log`), "ignored\n");
  }
  for (let i = 0; i < 20_000; i++) {
    const dir = join(root, "node_modules", `dep${Math.floor(i / 200)}`);
    if (i % 200 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `index${i}.js`), "module.exports = 1;\n");
  }
  execFileSync("git", ["init", "-q"], { cwd: root });
  writeFileSync(marker, "");
}

const RUNS = 5;

async function walkOnce(root: string): Promise<{ ms: number; files: number }> {
  let files = 0;
  const ms = await timeMs(async () => {
    for await (const _file of walk({ root, defaultExcludes: false })) files++;
  });
  return { ms, files };
}

export async function scannerBench(workDir: string): Promise<void> {
  const root = join(workDir, "tree-50k");
  console.log("\n## Scanner: files/s on a tree of 50,000 visible files (+20,000 ignored)");
  buildTree(root);
  const hasRg = hasCommand("rg");
  if (!hasRg) console.log("(rg not installed: install Debian's ripgrep for the baseline)");
  // Interleaved run by run, so that load from other work falls on every scanner alike.
  const walker: { ms: number; files: number }[] = [];
  const rg: { ms: number; lines: number }[] = [];
  const git: { ms: number; lines: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    walker.push(await walkOnce(root));
    if (hasRg) rg.push(timeCommand("rg", ["--files", "--hidden", "-g", "!.git"], root));
    git.push(timeCommand("git", ["ls-files", "--others", "--exclude-standard", "-z"], root));
  }
  const rows: [string, number, number][] = [
    ["docindex walker (with size, mtime)", median(walker.map((r) => r.ms)), walker[0]!.files],
  ];
  if (hasRg) rows.push(["rg --files --hidden", median(rg.map((r) => r.ms)), rg[0]!.lines]);
  rows.push([
    "git ls-files --others --exclude-standard",
    median(git.map((r) => r.ms)),
    git[0]!.lines,
  ]);
  console.log(loadNote());
  const rgMs = hasRg ? median(rg.map((r) => r.ms)) : NaN;
  console.log(`| scanner | files | median ms (${RUNS} runs) | files/s | × rg |`);
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, ms, files] of rows) {
    console.log(
      `| ${name} | ${files} | ${fmt(ms)} | ${fmt(files / (ms / 1000), 0)} | ${fmt(ms / rgMs, 2)} |`,
    );
  }
}
