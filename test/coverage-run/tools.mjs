/**
 * The coverage libraries, loaded from where @vitest/coverage-v8 (a devDependency) finds them:
 * they are its own dependencies, not ours, so resolving them from its folder keeps working
 * however npm lays out node_modules.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const fromProvider = createRequire(
  createRequire(import.meta.url).resolve("@vitest/coverage-v8/package.json"),
);

export const { mergeProcessCovs } = fromProvider("@bcoe/v8-coverage");
export const libCoverage = fromProvider("istanbul-lib-coverage");
export const libReport = fromProvider("istanbul-lib-report");
export const reports = fromProvider("istanbul-reports");
export const { default: astV8ToIstanbul } = await import(
  pathToFileURL(fromProvider.resolve("ast-v8-to-istanbul")).href
);
