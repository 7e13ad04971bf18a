/** Builds throw-away folders for tests, from a map of relative path to content. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { datasetPath } from "./datasets.js";

/** The real-world documents (see test/helpers/datasets.ts for where they come from). */
export const SHARED_DOCS = datasetPath("docs");

export function makeTempDir(prefix = "docindex-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export function copyInto(root: string, rel: string, source: string): void {
  const abs = join(root, rel);
  mkdirSync(dirname(abs), { recursive: true });
  copyFileSync(source, abs);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
