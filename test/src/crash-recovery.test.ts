/**
 * kill -9 in the middle of a reindex leaves a consistent index (every stored document has all
 * of its chunks, and no search sees half a document), and the next run completes the job.
 */
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../indexers/sqlite/index.js";
import { runCli, startCli } from "../helpers/cli.js";
import { makeTempDir, removeDir, writeTree } from "../helpers/tree.js";

const FILES = 1500;
let root: string;

beforeAll(() => {
  root = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    const body = Array.from(
      { length: 40 },
      (_, line) => `Line ${line} of note ${i} mentions token${i}x${line}.`,
    );
    files[`notes/${String(i).padStart(5, "0")}.md`] = `# Note ${i}\n\n${body.join("\n\n")}\n`;
  }
  writeTree(root, files);
});
afterAll(() => removeDir(root));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function storedDocuments(dbPath: string): number {
  if (!existsSync(dbPath)) return 0;
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM documents").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // schema not created yet
  }
}

describe("kill -9 during reindex", () => {
  it("leaves a consistent index that the next run completes", async () => {
    const dbPath = join(root, ".docindex/index.db");
    const child = startCli(["reindex", root, "--json"]);
    let exited = false;
    child.on("exit", () => (exited = true));
    await waitFor(() => storedDocuments(dbPath) >= 50 || exited, 60_000);
    expect(exited, "the run finished before it could be killed: make the tree larger").toBe(false);
    child.kill("SIGKILL");
    await waitFor(() => exited, 10_000);

    const before = storedDocuments(dbPath);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(FILES);

    const db = new Database(dbPath);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();

    const store = await openSqliteStore(dbPath);
    try {
      let cursor: string | undefined;
      do {
        const page = await store.documents({}, { cursor, limit: 500 });
        for (const doc of page.items) {
          const chunks = await store.getChunks(doc.root, doc.path);
          expect(chunks.length, doc.path).toBe(doc.chunkCount);
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    } finally {
      await store.close();
    }

    const again = runCli(["reindex", root, "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as {
      added: number;
      unchanged: number;
      totals: { documents: number };
    };
    expect(summary.totals.documents).toBe(FILES);
    expect(summary.added + summary.unchanged).toBe(FILES);
    expect(summary.added).toBe(FILES - before);

    const last = FILES - 1;
    const search = runCli(["search", `token${last}x39`, "--root", root, "--json"]);
    const results = (JSON.parse(search.stdout) as { results: { path: string }[] }).results;
    expect(results[0]?.path).toBe(`notes/${String(last).padStart(5, "0")}.md`);
  });
});
