/**
 * `npm run coverage [-- vitest args]`: the suite's coverage of src/, scanners/ and indexers/,
 * counting code run in-process by vitest and code run from dist/ in child processes and worker
 * threads. Prints a table per file and a summary; writes coverage/index.html, lcov.info and
 * coverage-final.json. Exits with vitest's status.
 *
 * vitest measures its own test processes through the inspector (@vitest/coverage-v8). Children
 * are measured by Node itself: NODE_V8_COVERAGE, set here, is inherited by every process the
 * tests spawn and by their worker threads, each of which writes its counts when it exits.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";
import { childCoverage } from "./children.mjs";
import { mergeCoverage } from "./merge.mjs";
import { libReport, reports } from "./tools.mjs";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const FOLDERS = ["src", "scanners", "indexers"];
const outDir = join(root, "coverage");
const inProcessDir = join(outDir, "in-process");
const rawDir = join(outDir, "children-v8");

rmSync(outDir, { recursive: true, force: true });
mkdirSync(rawDir, { recursive: true });

const vitest = spawnSync(
  process.execPath,
  [
    join(root, "node_modules/vitest/vitest.mjs"),
    "run",
    "--coverage.enabled",
    "--coverage.provider=v8",
    ...FOLDERS.map((folder) => `--coverage.include=${folder}/**/*.ts`),
    // vitest matches include patterns anywhere in the path, so test/indexers/... would count.
    "--coverage.exclude=test/**",
    "--coverage.exclude=bench/**",
    "--coverage.reporter=json",
    // A failing test still leaves figures worth reading.
    "--coverage.reportOnFailure",
    `--coverage.reportsDirectory=${inProcessDir}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, NODE_V8_COVERAGE: rawDir } },
);
const status = vitest.status ?? 1;

let inProcess;
try {
  inProcess = JSON.parse(readFileSync(join(inProcessDir, "coverage-final.json"), "utf8"));
} catch (error) {
  process.stderr.write(`coverage: vitest wrote no coverage (${error.message})\n`);
  process.exit(status || 1);
}

const children = await childCoverage({ rawDir, root, folders: FOLDERS });
const { map, unmatched } = mergeCoverage(inProcess, children.map);
process.stdout.write(
  `\ncoverage: ${Object.keys(inProcess).length} files measured in-process; ` +
    `${children.map.files().length} files run in ${children.processes} child processes and worker threads\n`,
);
if (unmatched > 0) {
  process.stderr.write(
    `coverage: ${unmatched} statements, functions or branches seen only in child processes ` +
      `(the two converters disagree on where they start; those are counted separately)\n`,
  );
}

const context = libReport.createContext({
  dir: outDir,
  coverageMap: map,
  defaultSummarizer: "nested",
});
for (const [name, options] of [
  ["text", { maxCols: 120 }],
  ["text-summary", {}],
  ["html", {}],
  ["lcovonly", {}],
  ["json", {}],
  ["json-summary", {}],
]) {
  reports.create(name, { projectRoot: root, ...options }).execute(context);
}
// The raw per-process files are large and only feed the report above.
rmSync(rawDir, { recursive: true, force: true });
process.exit(status);
