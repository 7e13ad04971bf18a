/**
 * Where the compiled parser worker lives. Worker threads need JavaScript, so the worker always
 * runs from dist/: next to this module in production (dist/scanners/pool/parse-worker.js), and
 * mapped from <repo>/scanners/pool/*.ts to <repo>/dist/scanners/pool/parse-worker.js when this
 * module is loaded from TypeScript source (vitest). Build first: `npx tsc -p tsconfig.json`.
 */
import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export function defaultWorkerScript(moduleUrl: string = import.meta.url): URL {
  if (!/\.[cm]?ts$/.test(moduleUrl)) return new URL("./parse-worker.js", moduleUrl);
  const path = fileURLToPath(moduleUrl);
  const marker = `${sep}scanners${sep}pool${sep}`;
  const at = path.lastIndexOf(marker);
  if (at === -1) throw new Error(`cannot locate the repository root from ${path}`);
  return pathToFileURL(join(path.slice(0, at), "dist", "scanners", "pool", "parse-worker.js"));
}

/** Throws an actionable error when the worker script has not been built. */
export function assertWorkerScriptExists(script: URL): void {
  if (script.protocol === "file:" && !existsSync(fileURLToPath(script))) {
    throw new Error(
      `parser worker not found at ${fileURLToPath(script)}: run \`npm run build\` (tsc) first`,
    );
  }
}
