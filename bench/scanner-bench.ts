/**
 * Scanner throughput on a generated tree of 50,000 visible files (plus an ignored
 * node_modules of 20,000 that must cost nothing), next to `rg --files` and
 * `git ls-files --others --exclude-standard` on the same tree, in the same run.
 *
 * Two docindex rows: the walk itself (names, kinds, admission, git's rules: what a cold index
 * run pays, and what rg and git do), and the walk followed by a stat of every file, which is
 * what an unchanged reindex pays once the pipeline checks size and mtime of the paths it has.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceFile } from "../scanners/types.js";
import { statListedFiles, walkBatches } from "../scanners/walk/index.js";
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

const RUNS = 7;

interface Run {
  ms: number;
  /** CPU time (user + system): steadier than wall time on a shared machine. */
  cpuMs: number;
  files: number;
}

async function walkOnce(root: string, stat: boolean): Promise<Run> {
  let files = 0;
  const cpu = process.cpuUsage();
  const ms = await timeMs(async () => {
    const listed: SourceFile[] = [];
    // walkBatches, as the pipeline and the inventory take it.
    for await (const batch of walkBatches({ root, defaultExcludes: false })) {
      files += batch.length;
      if (stat) listed.push(...batch);
    }
    if (stat) await statListedFiles(listed);
  });
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, files };
}

/** CPU time of the children this process has waited for (/proc/self/stat cutime + cstime). */
function childrenCpuMs(): number {
  if (!existsSync("/proc/self/stat")) return NaN; // Not Linux: wall time only.
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  // After "pid (comm) ", field 3 is index 0: cutime and cstime are fields 16 and 17.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux build that matters; /proc reports in these ticks. */
const CLOCK_TICKS = 100;

function commandOnce(command: string, args: string[], root: string): Run {
  const before = childrenCpuMs();
  const { ms, lines } = timeCommand(command, args, root);
  return { ms, cpuMs: childrenCpuMs() - before, files: lines };
}

export async function scannerBench(workDir: string): Promise<void> {
  const root = join(workDir, "tree-50k");
  console.log("\n## Scanner: files/s on a tree of 50,000 visible files (+20,000 ignored)");
  buildTree(root);
  const hasRg = hasCommand("rg");
  if (!hasRg) console.log("(rg not installed: install Debian's ripgrep for the baseline)");
  const rows: { name: string; runs: Run[]; next: () => Promise<Run> | Run }[] = [
    {
      name: "docindex walker (paths, kinds, admission)",
      runs: [],
      next: () => walkOnce(root, false),
    },
    {
      name: "docindex walk + stat of every file (what an unchanged reindex pays)",
      runs: [],
      next: () => walkOnce(root, true),
    },
  ];
  if (hasRg) {
    const args = ["--files", "--hidden", "-g", "!.git"];
    rows.push({ name: "rg --files --hidden", runs: [], next: () => commandOnce("rg", args, root) });
  }
  const gitArgs = ["ls-files", "--others", "--exclude-standard", "-z"];
  rows.push({
    name: "git ls-files --others --exclude-standard",
    runs: [],
    next: () => commandOnce("git", gitArgs, root),
  });
  // Interleaved run by run, so that load from other work falls on every scanner alike.
  for (let run = 0; run < RUNS; run++) for (const row of rows) row.runs.push(await row.next());
  console.log(loadNote());
  const rgRow = rows.find((r) => r.name.startsWith("rg "));
  const rgMs = rgRow ? median(rgRow.runs.map((r) => r.ms)) : NaN;
  const rgCpu = rgRow ? median(rgRow.runs.map((r) => r.cpuMs)) : NaN;
  console.log(
    `| scanner | files | median ms (${RUNS} runs) | files/s | × rg | median CPU ms | CPU × rg |`,
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const { name, runs } of rows) {
    const ms = median(runs.map((r) => r.ms));
    const cpu = median(runs.map((r) => r.cpuMs));
    const files = runs[0]!.files;
    console.log(
      `| ${name} | ${files} | ${fmt(ms)} | ${fmt(files / (ms / 1000), 0)} | ${fmt(ms / rgMs, 2)} ` +
        `| ${fmt(cpu)} | ${fmt(cpu / rgCpu, 2)} |`,
    );
  }
}
