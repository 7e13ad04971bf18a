/**
 * Where the third-party documents live. They are not ours to commit, so tests and benchmarks
 * find them through one setting and never through a path of some machine:
 *
 *   DOCINDEX_DATASETS          the datasets folder (default: ../shared/datasets beside the repository)
 *   DOCINDEX_REQUIRE_DATASETS  "1" (CI): a missing dataset fails the run instead of skipping
 *
 * Tests call `datasetAvailable(sub)` (or `describeWithDataset`), which prints one line naming
 * what is missing when it is absent. Benchmarks call `datasetPath` and check for themselves.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: this file sits in test/helpers (or dist/test/helpers once compiled). */
export function repositoryRoot(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const up = here.includes("/dist/test/") ? "../../.." : "../..";
  return resolve(here, up);
}

export function datasetsRoot(): string {
  const configured = process.env.DOCINDEX_DATASETS?.trim();
  if (configured)
    return isAbsolute(configured) ? configured : resolve(repositoryRoot(), configured);
  return resolve(repositoryRoot(), "..", "shared", "datasets");
}

/** A path inside the datasets folder, e.g. `datasetPath("docs/pdf", "x.pdf")`. */
export function datasetPath(...parts: string[]): string {
  return join(datasetsRoot(), ...parts);
}

export function datasetsRequired(): boolean {
  return process.env.DOCINDEX_REQUIRE_DATASETS === "1";
}

const reported = new Set<string>();

/**
 * True when `sub` (e.g. "docs/html" or "beir/scifact-train") exists. When it does not: throws
 * if DOCINDEX_REQUIRE_DATASETS=1, else prints one line (once per folder) and returns false.
 */
export function datasetAvailable(sub: string): boolean {
  const dir = datasetPath(sub);
  if (existsSync(dir)) return true;
  const line = `dataset missing: ${dir} (set DOCINDEX_DATASETS to the folder that holds ${sub})`;
  if (datasetsRequired())
    throw new Error(`${line}; DOCINDEX_REQUIRE_DATASETS=1 makes this an error`);
  if (!reported.has(dir)) {
    reported.add(dir);
    process.stderr.write(`skipping: ${line}\n`);
  }
  return false;
}
