import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../indexers/sqlite/index.js";
import { joinGaps, textGaps } from "../../indexers/sqlite/text-gaps.js";
import { makeChunks, makeRecord } from "./store-contract.js";

describe("document text as the gaps between its chunks", () => {
  it("rebuilds the text exactly, repeated chunk texts included", () => {
    const text = "\n# A\n\nsame\n\nsame\n\ntail  \n";
    const chunks = ["# A", "same", "same", "tail"].map((t) => ({ text: t }));
    const gaps = textGaps(text, chunks)!;
    expect(gaps).toEqual(["\n", "\n\n", "\n\n", "\n\n", "  \n"]);
    expect(
      joinGaps(
        gaps,
        chunks.map((c) => c.text),
      ),
    ).toBe(text);
  });

  it("gives up on chunks that are not in-order slices (overlap, reordering)", () => {
    expect(textGaps("one two three", [{ text: "one two" }, { text: "two three" }])).toBeUndefined();
    expect(textGaps("one two", [{ text: "two" }, { text: "one" }])).toBeUndefined();
    expect(textGaps("no chunks", [])).toBeUndefined();
  });

  it("the store returns the text either way, and reads rows that hold the whole text", async () => {
    const store = await openSqliteStore(":memory:");
    const root = makeRecord("x").root;
    const tiled = makeChunks("tiled.md", ["alpha", "beta"]);
    await store.upsertDocument(makeRecord("tiled.md"), tiled, "alpha\n\nbeta\n");
    const overlapping = makeChunks("overlap.md", ["alpha beta", "beta gamma"]);
    await store.upsertDocument(makeRecord("overlap.md"), overlapping, "alpha beta gamma");
    expect(await store.getDocumentText(root, "tiled.md")).toBe("alpha\n\nbeta\n");
    expect(await store.getDocumentText(root, "overlap.md")).toBe("alpha beta gamma");
    const stored = store.db
      .prepare("SELECT t.text, t.gaps FROM document_text t ORDER BY t.doc_id")
      .all() as { text: string; gaps: string | null }[];
    expect(stored).toEqual([
      { text: "", gaps: JSON.stringify(["", "\n\n", "\n"]) },
      { text: "alpha beta gamma", gaps: null },
    ]);
    await store.close();
  });
});
