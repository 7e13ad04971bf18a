/**
 * Coverage of what ran outside vitest's own processes: the built CLI and MCP server that tests
 * spawn from dist/, and the worker threads (parser pool, local embedder) that load dist/ too.
 * Node writes one file per process and per worker thread into NODE_V8_COVERAGE when each exits.
 *
 * They are converted with the converter vitest uses in-process (ast-v8-to-istanbul over a
 * parsed AST), through the source maps tsc writes beside dist/*.js, so both halves describe
 * the .ts sources with the same statements and branches and can be added up (see merge.mjs).
 * c8's converter (v8-to-istanbul) counts lines instead of statements, which cannot be merged
 * with vitest's figures without counting many things twice.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAstAsync } from "vitest/node";
import { astV8ToIstanbul, libCoverage, mergeProcessCovs } from "./tools.mjs";

/** Scripts under dist/<folder>/ for the measured folders (not dist/bench, not dist/test). */
function measuredScript(url, distUrl, folders) {
  if (!url.startsWith(distUrl)) return false;
  const rest = url.slice(distUrl.length);
  return folders.some((folder) => rest.startsWith(`${folder}/`));
}

/** Every process's and thread's coverage of the measured scripts, summed per script. */
function readRawCoverage(rawDir, distUrl, folders) {
  const processes = [];
  for (const name of readdirSync(rawDir)) {
    if (!name.endsWith(".json")) continue;
    const raw = JSON.parse(readFileSync(join(rawDir, name), "utf8"));
    const result = (raw.result ?? []).filter((script) =>
      measuredScript(script.url, distUrl, folders),
    );
    if (result.length > 0) processes.push({ result });
  }
  return { processes: processes.length, merged: mergeProcessCovs(processes) };
}

async function convertScript(script) {
  const file = fileURLToPath(script.url);
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return undefined;
  const code = readFileSync(file, "utf8");
  const sourceMap = JSON.parse(readFileSync(mapFile, "utf8"));
  // tsc writes sources relative to the map; the converter wants absolute URLs.
  sourceMap.sources = sourceMap.sources.map(
    (source) => pathToFileURL(resolve(dirname(file), sourceMap.sourceRoot ?? "", source)).href,
  );
  return astV8ToIstanbul({
    code,
    sourceMap,
    ast: await parseAstAsync(code),
    coverage: { url: script.url, functions: script.functions },
    wrapperLength: 0,
  });
}

/**
 * @param {{ rawDir: string, root: string, folders: string[] }} options
 * @returns {Promise<{ map: import("istanbul-lib-coverage").CoverageMap, processes: number }>}
 */
export async function childCoverage({ rawDir, root, folders }) {
  const distUrl = `${pathToFileURL(join(root, "dist")).href}/`;
  const { processes, merged } = readRawCoverage(rawDir, distUrl, folders);
  const map = libCoverage.createCoverageMap({});
  for (const script of merged.result) {
    const converted = await convertScript(script);
    if (converted) map.merge(converted);
  }
  // A stale dist/ file whose source was deleted maps to a .ts that no longer exists.
  map.filter((file) => existsSync(file));
  return { map, processes };
}
