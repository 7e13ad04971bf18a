/**
 * Reader threads (src/server/search-readers.ts) answer exactly what the store answers on its
 * own connection, also while the store writes, and a closed pool refuses new searches.
 * Real worker threads (the compiled worker: build first), real SQLite file in WAL mode.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../../indexers/sqlite/index.js";
import type { SearchRequest } from "../../../indexers/store.js";
import { searchReadersFor, type SearchReaders } from "../../../src/server/search-readers.js";
import { makeChunks, makeRecord } from "../../indexers/store-contract.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "docindex-readers-"));
let store: SqliteStore;
let readers: SearchReaders;

beforeAll(async () => {
  store = await openSqliteStore(path.join(tmp, "index.db"));
  for (let d = 0; d < 50; d++) {
    const docPath = `notes/${d}.md`;
    await store.upsertDocument(
      makeRecord(docPath),
      makeChunks(docPath, [`harbour quokka ${d}`, `lantern meadow ${d % 5} harbour`]),
    );
  }
  readers = searchReadersFor(store)!;
});

afterAll(async () => {
  await readers?.close();
  await store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("search reader threads", () => {
  it("answer what the store answers, many at once", async () => {
    const requests: SearchRequest[] = ["harbour", "quokka lantern", "meadow 3", "nothing-here"].map(
      (query) => ({ query, limit: 10, mode: "lexical", onePerDocument: true }),
    );
    const fromReaders = await Promise.all(requests.map((r) => readers.search(r)));
    const fromStore = await Promise.all(requests.map((r) => store.search(r)));
    expect(fromReaders).toEqual(fromStore);
    expect(fromReaders[0]!.length).toBe(10);
  });

  it("see whole documents while the store replaces them", async () => {
    const writes = (async () => {
      for (let round = 0; round < 20; round++) {
        const docPath = `notes/${round % 50}.md`;
        await store.upsertDocument(
          makeRecord(docPath),
          makeChunks(docPath, [`harbour quokka ${round}`, `lantern meadow again harbour`]),
        );
      }
    })();
    const searches = Array.from({ length: 20 }, () =>
      readers.search({ query: "harbour", limit: 100, mode: "lexical", onePerDocument: false }),
    );
    const [answers] = await Promise.all([Promise.all(searches), writes]);
    for (const hits of answers) {
      // Both chunks of every document match "harbour": a half-replaced document would show one.
      const perDocument = new Map<string, number>();
      for (const hit of hits) perDocument.set(hit.path, (perDocument.get(hit.path) ?? 0) + 1);
      expect([...perDocument.values()].every((n) => n === 2)).toBe(true);
    }
  });

  it("refuse searches once closed", async () => {
    const closing = searchReadersFor(store)!;
    await closing.search({ query: "harbour", limit: 1, mode: "lexical" });
    await closing.close();
    await expect(closing.search({ query: "harbour", limit: 1, mode: "lexical" })).rejects.toThrow(
      /closing/,
    );
  });
});
