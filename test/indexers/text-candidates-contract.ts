/**
 * grep's candidates, part of the Store contract (store-contract.ts runs it on both stores):
 * the n-gram index answers a superset of the documents that contain the literals, never
 * fewer, follows every replacement and deletion in the same write, filters like search, and
 * pages in (root, path) order from an inclusive resume point.
 */
import { describe, expect, it } from "vitest";
import type { Store, TextQuery } from "../../indexers/store.js";
import { makeChunks, makeRecord, OTHER_ROOT, ROOT } from "./store-contract.js";

export function textCandidatesContract(fresh: () => Promise<Store>): void {
  const put = (store: Store, path: string, text: string, root = ROOT) =>
    store.upsertDocument(
      makeRecord(path, { root, kind: path.endsWith(".md") ? "markdown" : "code" }),
      makeChunks(path, [text]),
      text,
    );
  const paths = async (store: Store, query: TextQuery, extra = {}) =>
    (await store.textCandidates({ query, limit: 100, ...extra })).map((c) => c.path);

  describe("grep candidates (n-gram index)", () => {
    it("answers the documents holding every trigram of the literals, case folded", async () => {
      const store = await fresh();
      await put(store, "a.ts", "const retryBackoff = 3;\nfunction other() {}");
      await put(store, "b.md", "# Notes\n\nRETRYBACKOFF in capitals");
      await put(store, "c.ts", "nothing to see");
      expect(await paths(store, { literal: "retryBackoff" })).toEqual(["a.ts", "b.md"]);
      expect(await paths(store, { and: [{ literal: "retry" }, { literal: "function" }] })).toEqual(
        ["a.ts"],
      );
      expect(await paths(store, { or: [{ literal: "notes" }, { literal: "nothing" }] })).toEqual([
        "b.md",
        "c.ts",
      ]);
      expect(await paths(store, { literal: "absent" })).toEqual([]);
      // No usable trigram: every indexed document.
      expect(await paths(store, { literal: "re" })).toEqual(["a.ts", "b.md", "c.ts"]);
      expect(await paths(store, { all: true })).toEqual(["a.ts", "b.md", "c.ts"]);
      const [first] = await store.textCandidates({ query: { literal: "backoff" }, limit: 1 });
      expect(first).toMatchObject({ root: ROOT, path: "a.ts", kind: "code" });
      expect(first!.text).toBe("const retryBackoff = 3;\nfunction other() {}");
    });

    it("follows replacement and deletion in the same write", async () => {
      const store = await fresh();
      await put(store, "a.ts", "old marker zebra");
      expect(await paths(store, { literal: "zebra" })).toEqual(["a.ts"]);
      await put(store, "a.ts", "new content giraffe");
      expect(await paths(store, { literal: "zebra" })).toEqual([]);
      expect(await paths(store, { literal: "giraffe" })).toEqual(["a.ts"]);
      await store.upsertDocument(makeRecord("a.ts", { status: "failed", reason: "x" }), []);
      expect(await paths(store, { literal: "giraffe" })).toEqual([]);
      expect(await paths(store, { all: true })).toEqual([]);
      await put(store, "a.ts", "giraffe again");
      await store.deleteDocuments(ROOT, ["a.ts"]);
      expect(await paths(store, { literal: "giraffe" })).toEqual([]);
    });

    it("filters like search and resumes in (root, path) order", async () => {
      const store = await fresh();
      for (const p of ["docs/x.md", "src/a.ts", "src/b.ts", "src/c.ts"])
        await put(store, p, `shared needle in ${p}`);
      await put(store, "src/a.ts", "shared needle elsewhere", OTHER_ROOT);
      const needle = { literal: "needle" };
      expect(await paths(store, needle, { filters: { pathPrefix: "src/", roots: [ROOT] } })).toEqual(
        ["src/a.ts", "src/b.ts", "src/c.ts"],
      );
      expect(await paths(store, needle, { filters: { kinds: ["markdown"] } })).toEqual([
        "docs/x.md",
      ]);
      expect(await paths(store, needle, { filters: { pathGlob: "**/b.ts" } })).toEqual([
        "src/b.ts",
      ]);
      const page = await store.textCandidates({
        query: needle,
        limit: 2,
        from: { root: ROOT, path: "src/b.ts" },
      });
      const [lo, hi] = [ROOT, OTHER_ROOT].sort();
      const all = [
        ...["docs/x.md", "src/a.ts", "src/b.ts", "src/c.ts"].map((p) => `${ROOT}:${p}`),
        `${OTHER_ROOT}:src/a.ts`,
      ].sort((a, b) => (a < b ? -1 : 1));
      expect(lo! < hi!).toBe(true);
      const start = all.indexOf(`${ROOT}:src/b.ts`);
      expect(page.map((c) => `${c.root}:${c.path}`)).toEqual(all.slice(start, start + 2));
    });
  });
}
