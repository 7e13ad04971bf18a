/**
 * Where the compiled local-model worker lives (the same rule as scanners/pool/worker-script.ts):
 * next to this module in dist/, or mapped from <repo>/src/embed/*.ts to
 * <repo>/dist/src/embed/local-worker.js when loaded from TypeScript under vitest. Worker threads
 * need JavaScript, so build first: `npx tsc -p tsconfig.json`.
 */
import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EmbedderError } from "./embedder.js";

export function defaultLocalWorkerScript(moduleUrl: string = import.meta.url): URL {
  if (!/\.[cm]?ts$/.test(moduleUrl)) return new URL("./local-worker.js", moduleUrl);
  const path = fileURLToPath(moduleUrl);
  const marker = `${sep}src${sep}embed${sep}`;
  const at = path.lastIndexOf(marker);
  if (at === -1) throw new Error(`cannot locate the repository root from ${path}`);
  return pathToFileURL(join(path.slice(0, at), "dist", "src", "embed", "local-worker.js"));
}

export function assertLocalWorkerExists(script: URL): void {
  if (script.protocol === "file:" && !existsSync(fileURLToPath(script))) {
    throw new EmbedderError(
      "CONFIG",
      `local embedder worker not found at ${fileURLToPath(script)}: run \`npm run build\` (tsc) first`,
    );
  }
}
