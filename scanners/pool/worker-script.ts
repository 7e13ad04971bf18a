/**
 * Where the compiled parser worker lives. Worker threads need JavaScript, so the worker always
 * runs from dist/: next to this module in production (dist/scanners/pool/parse-worker.js), and
 * mapped from <repo>/scanners/pool/*.ts to <repo>/dist/scanners/pool/parse-worker.js when this
 * module is loaded from TypeScript source (vitest). Build first: `npx tsc -p tsconfig.json`.
 */
import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The compiled `file` beside the module at `moduleUrl`, which lives in `folder` (repository
 * relative, e.g. "scanners/pool"): the sibling itself under dist/, or its dist/ counterpart
 * when the module was loaded from TypeScript source. Every worker-thread entry uses this rule.
 */
export function compiledSibling(moduleUrl: string, folder: string, file: string): URL {
  if (!/\.[cm]?ts$/.test(moduleUrl)) return new URL(`./${file}`, moduleUrl);
  const path = fileURLToPath(moduleUrl);
  const parts = folder.split("/");
  const marker = sep + parts.join(sep) + sep;
  const at = path.lastIndexOf(marker);
  if (at === -1) throw new Error(`cannot locate the repository root from ${path}`);
  return pathToFileURL(join(path.slice(0, at), "dist", ...parts, file));
}

export function defaultWorkerScript(moduleUrl: string = import.meta.url): URL {
  return compiledSibling(moduleUrl, "scanners/pool", "parse-worker.js");
}

/** Throws an actionable error when the worker script has not been built. */
export function assertWorkerScriptExists(script: URL): void {
  if (script.protocol === "file:" && !existsSync(fileURLToPath(script))) {
    throw new Error(
      `parser worker not found at ${fileURLToPath(script)}: run \`npm run build\` (tsc) first`,
    );
  }
}
