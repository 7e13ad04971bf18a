import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../indexers/sqlite/index.js";
import type { DocumentWrite, Store } from "../../indexers/store.js";
import { DocumentWriter } from "../../src/pipeline/document-writer.js";
import { makeChunks, makeRecord } from "../indexers/store-contract.js";

function writeOf(path: string, words: string): DocumentWrite {
  const chunks = makeChunks(path, [words]);
  return { doc: makeRecord(path, { chunkCount: chunks.length }), chunks, text: words };
}

describe("DocumentWriter", () => {
  it("commits many documents in one batch, each whole, and the last write of a path wins", async () => {
    const store = await openSqliteStore(":memory:");
    const batches: number[] = [];
    const upsertDocuments = store.upsertDocuments.bind(store);
    store.upsertDocuments = async (writes) => {
      batches.push(writes.length);
      await upsertDocuments(writes);
    };
    const writer = new DocumentWriter(store, {
      maxDocuments: 3,
      maxChars: 1e9,
      maxDelayMs: 60_000,
    });
    const done = ["a.md", "b.md", "c.md", "d.md", "a.md"].map((p, i) =>
      writer.write(writeOf(p, `alpha version${i}`)),
    );
    await writer.flush();
    await Promise.all(done);
    expect(batches).toEqual([3, 2]);
    const chunks = await store.getChunks(makeRecord("a.md").root, "a.md");
    expect(chunks.map((c) => c.text)).toEqual(["alpha version4"]);
    expect((await store.stats()).documents).toBe(4);
    await store.close();
  });

  it("commits a lone document after the delay, without a flush", async () => {
    const store = await openSqliteStore(":memory:");
    const writer = new DocumentWriter(store, { maxDocuments: 100, maxChars: 1e9, maxDelayMs: 10 });
    await writer.write(writeOf("late.md", "beta"));
    expect((await store.stats()).documents).toBe(1);
    await store.close();
  });

  it("rejects every write of a batch the store refused, and upserts one by one without a batch method", async () => {
    const written: string[] = [];
    const failing = {
      upsertDocument: async (doc: DocumentWrite["doc"]) => {
        if (doc.path === "bad.md") throw new Error("disk full");
        written.push(doc.path);
      },
    } as unknown as Store;
    const writer = new DocumentWriter(failing, {
      maxDocuments: 10,
      maxChars: 1e9,
      maxDelayMs: 60_000,
    });
    const good = writer.write(writeOf("good.md", "gamma"));
    const bad = writer.write(writeOf("bad.md", "delta"));
    await writer.flush();
    await expect(good).rejects.toThrow("disk full");
    await expect(bad).rejects.toThrow("disk full");
    expect(written).toEqual(["good.md"]);
  });
});
