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

  it("rejects every write of a batch the store refused", async () => {
    const refusing = {
      upsertDocuments: async () => {
        throw new Error("disk full");
      },
    } as unknown as Store;
    const writer = new DocumentWriter(refusing, {
      maxDocuments: 10,
      maxChars: 1e9,
      maxDelayMs: 60_000,
    });
    const first = writer.write(writeOf("a.md", "gamma"));
    const second = writer.write(writeOf("b.md", "delta"));
    void writer.flush();
    await expect(first).rejects.toThrow("disk full");
    await expect(second).rejects.toThrow("disk full");
  });

  it("hands each document straight to a store without a batch method, where each fails alone", async () => {
    const written: string[] = [];
    const inFlight: number[] = [];
    let running = 0;
    const single = {
      upsertDocument: async (doc: DocumentWrite["doc"]) => {
        inFlight.push(++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        if (doc.path === "bad.md") throw new Error("disk full");
        written.push(doc.path);
      },
    } as unknown as Store;
    const writer = new DocumentWriter(single, {
      maxDocuments: 10,
      maxChars: 1e9,
      maxDelayMs: 60_000,
    });
    const good = writer.write(writeOf("good.md", "gamma"));
    const bad = writer.write(writeOf("bad.md", "delta"));
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow("disk full");
    expect(written).toEqual(["good.md"]);
    // Both were in the store at once: a store that groups concurrent upserts sees them together.
    expect(Math.max(...inFlight)).toBe(2);
  });
});
