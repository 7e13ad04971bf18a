/**
 * Where size and mtime come from now that the walk reads names only (scanners/walk/file-facts.ts):
 * the unchanged check stats the paths the index already has (statKnownCandidates), and a file
 * read for the first time gets them from the descriptor it is hashed through. Run through the
 * real `docindex reindex` on a real tree and SQLite index.
 */
import { realpathSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../indexers/sqlite/index.js";
import type { ReindexSummary } from "../../../src/pipeline/reindex.js";
import { INDEX_DB_FILE } from "../../../src/pipeline/runtime.js";
import { runCli } from "../../helpers/cli.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

function reindexJson(root: string, extra: string[] = []): ReindexSummary {
  const result = runCli(["reindex", root, "--json", ...extra]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ReindexSummary;
}

/** A whole second, so that setting it again later gives the very same mtimeMs. */
const PAST = 1_700_000_000;

describe("size and mtime in an incremental reindex", () => {
  let root: string;

  beforeAll(() => {
    root = makeTempDir();
    writeTree(root, { "a.txt": "the heron waits\n", "b.txt": "the otter swims\n" });
    utimesSync(join(root, "a.txt"), PAST, PAST);
  });
  afterAll(() => removeDir(root));

  it("records the size and mtime of new files from the file it read", async () => {
    expect(reindexJson(root)).toMatchObject({ added: 2, indexed: 2 });
    const store = await openSqliteStore(join(root, ".docindex", INDEX_DB_FILE));
    try {
      for (const path of ["a.txt", "b.txt"]) {
        const st = statSync(join(root, path));
        const doc = await store.getDocument(realpathSync(root), path);
        expect([doc?.size, doc?.mtimeMs], path).toEqual([st.size, st.mtimeMs]);
      }
    } finally {
      await store.close();
    }
  });

  it("trusts size and mtime of the files it has: same figures, bytes not read", () => {
    // Same length, same mtime, other bytes: the unchanged check must come from a stat of the
    // path (which finds the figures equal), not from hashing it (which would see the change).
    writeFileSync(join(root, "a.txt"), "the egret waits\n");
    utimesSync(join(root, "a.txt"), PAST, PAST);
    expect(statSync(join(root, "a.txt")).mtimeMs).toBe(PAST * 1000);
    expect(reindexJson(root)).toMatchObject({ unchanged: 2, changed: 0, indexed: 0 });
  });

  it("hashes a file whose figures differ, and parses it only if its bytes did", () => {
    utimesSync(join(root, "b.txt"), PAST + 5, PAST + 5);
    expect(reindexJson(root)).toMatchObject({ unchanged: 2, changed: 0, indexed: 0 });
    writeFileSync(join(root, "b.txt"), "the otter swims far\n");
    expect(reindexJson(root)).toMatchObject({ unchanged: 1, changed: 1, indexed: 1 });
  });
});
