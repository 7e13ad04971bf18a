/**
 * Start-up: wall time of `docindex --help` and of a `search` on a small SQLite index, end to end
 * (a fresh node process each), next to `node -e 0` in the same run. The three are interleaved
 * run by run, so load from other work on the machine falls on all of them alike.
 */
import { mkdirSync, existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadNote } from "./retrieval.js";
import { fmt, median, timeCommand } from "./timing.js";

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const RUNS = 7;

/** A few dozen Markdown files, indexed once through the CLI itself. */
function smallIndex(root: string): void {
  if (existsSync(join(root, ".docindex"))) return;
  mkdirSync(root, { recursive: true });
  for (let i = 0; i < 40; i++) {
    writeFileSync(
      join(root, `note${i}.md`),
      `# Note ${i}\n\nThe walker reads folder ${i} and the parser pool turns PDF page ${i} into text.\n`,
    );
  }
  timeCommand(process.execPath, [CLI, "reindex", root], root);
}

export async function startupBench(workDir: string): Promise<void> {
  const root = join(workDir, "startup-small");
  console.log("\n## Start-up: a fresh process per command (small SQLite index of 40 files)");
  smallIndex(root);
  const cases: [string, string[]][] = [
    ["node -e 0 (baseline)", ["-e", "0"]],
    ["docindex --help", [CLI, "--help"]],
    ["docindex search (SQLite, 40 files)", [CLI, "search", "parser pool", "--root", root]],
  ];
  const times = cases.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) {
    cases.forEach(([, args], i) => times[i]!.push(timeCommand(process.execPath, args, root).ms));
  }
  console.log(loadNote());
  const base = median(times[0]!);
  console.log(`| command | median ms (${RUNS} runs, interleaved) | × node -e 0 |`);
  console.log("|---|---:|---:|");
  cases.forEach(([name], i) => {
    const ms = median(times[i]!);
    console.log(`| ${name} | ${fmt(ms)} | ${fmt(ms / base, 2)} |`);
  });
}
