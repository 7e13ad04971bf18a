/**
 * Where the compiled local-model worker lives (the same rule as scanners/pool/worker-script.ts):
 * next to this module in dist/, or mapped from <repo>/src/embed/*.ts to
 * <repo>/dist/src/embed/local-worker.js when loaded from TypeScript under vitest. Worker threads
 * need JavaScript, so build first: `npx tsc -p tsconfig.json`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compiledSibling } from "../../scanners/pool/worker-script.js";
import { EmbedderError } from "./embedder.js";

export function defaultLocalWorkerScript(moduleUrl: string = import.meta.url): URL {
  return compiledSibling(moduleUrl, "src/embed", "local-worker.js");
}

export function assertLocalWorkerExists(script: URL): void {
  if (script.protocol === "file:" && !existsSync(fileURLToPath(script))) {
    throw new EmbedderError(
      "CONFIG",
      `local embedder worker not found at ${fileURLToPath(script)}: run \`npm run build\` (tsc) first`,
    );
  }
}
