/**
 * The behaviour every Store must have. Each store's test file calls runStoreContract with a
 * factory that returns a fresh, empty store; the suite closes every store it makes.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Chunk, FileKind } from "../../scanners/types.js";
import type { DocumentRecord, SearchHit, Store } from "../../indexers/store.js";
import { runSymbolContract } from "./symbol-contract.js";
import { textCandidatesContract } from "./text-candidates-contract.js";

// Made-up roots: stores treat a root as a name and never read it. Under the OS temp folder so
// that no path of a real machine appears in the repository.
export const ROOT = join(tmpdir(), "docindex-root-a");
export const OTHER_ROOT = join(tmpdir(), "docindex-root-b");

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

export function makeChunks(path: string, texts: string[], extra: Partial<Chunk> = {}): Chunk[] {
  return texts.map((text, ordinal) => ({
    id: sha(`${path}\0${text}\0${ordinal}`).slice(0, 32),
    path,
    ordinal,
    text,
    headingPath: [],
    tokens: text.split(/\s+/).length,
    contentHash: sha(text),
    ...extra,
  }));
}

export function makeRecord(path: string, fields: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    root: ROOT,
    path,
    kind: "text",
    size: 100,
    mtimeMs: 1_700_000_000_000,
    sha256: sha(path),
    status: "indexed",
    indexedAt: 1_700_000_000_500,
    ...fields,
  };
}

export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const store = await makeStore();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    const put = async (
      store: Store,
      path: string,
      texts: string[],
      fields: Partial<DocumentRecord> = {},
    ): Promise<void> => {
      await store.upsertDocument(
        makeRecord(path, fields),
        makeChunks(path, texts),
        texts.join("\n\n"),
      );
    };
    const lexical = (
      store: Store,
      query: string,
      extra: Partial<Parameters<Store["search"]>[0]> = {},
    ): Promise<SearchHit[]> => store.search({ query, limit: 10, mode: "lexical", ...extra });

    runSymbolContract(fresh);

    describe("documents and chunks", () => {
      it("stores a document, its chunks in ordinal order and its text", async () => {
        const store = await fresh();
        const chunks = makeChunks("docs/guide.md", [
          "# Guide\n\nIntro",
          "## Setup\n\nRun it",
          "## Use\n\nCall it",
        ]).map((c, i) => ({
          ...c,
          headingPath: ["Guide", `Part ${i}`],
          lineStart: i * 3 + 1,
          lineEnd: i * 3 + 3,
        }));
        const record = makeRecord("docs/guide.md", {
          kind: "markdown",
          title: "Guide",
          language: "en",
          sections: [
            { headingPath: ["Guide"], level: 1, start: 0, end: 10, lineStart: 1, lineEnd: 2 },
          ],
        });
        await store.upsertDocument(record, [...chunks].reverse(), "# Guide\n\nIntro");
        expect(await store.getDocument(ROOT, "docs/guide.md")).toEqual({
          ...record,
          chunkCount: 3,
        });
        expect(await store.getChunks(ROOT, "docs/guide.md")).toEqual(chunks);
        expect(await store.getDocumentText(ROOT, "docs/guide.md")).toBe("# Guide\n\nIntro");
        expect(await store.getDocument(OTHER_ROOT, "docs/guide.md")).toBeUndefined();
        expect(await store.getChunks(ROOT, "missing.md")).toEqual([]);
      });

      it("keeps pages, and leaves absent optional fields absent", async () => {
        const store = await fresh();
        const chunks = makeChunks("a.pdf", ["page one text", "page two text"]).map((c, i) => ({
          ...c,
          page: i + 1,
        }));
        await store.upsertDocument(makeRecord("a.pdf", { kind: "pdf", pageCount: 2 }), chunks);
        const stored = await store.getChunks(ROOT, "a.pdf");
        expect(stored.map((c) => c.page)).toEqual([1, 2]);
        expect(stored[0]).not.toHaveProperty("lineStart");
        const doc = await store.getDocument(ROOT, "a.pdf");
        expect(doc?.pageCount).toBe(2);
        expect(doc).not.toHaveProperty("title");
        expect(await store.getDocumentText(ROOT, "a.pdf")).toBeUndefined();
      });

      it("replaces a document: old chunks and text are gone, from storage and from search", async () => {
        const store = await fresh();
        await put(store, "notes.txt", ["apples grow on trees", "pears too"]);
        await put(store, "notes.txt", ["bananas are yellow"], { sha256: "new", size: 5 });
        expect((await store.getChunks(ROOT, "notes.txt")).map((c) => c.text)).toEqual([
          "bananas are yellow",
        ]);
        expect(await store.getDocumentText(ROOT, "notes.txt")).toBe("bananas are yellow");
        expect(await lexical(store, "apples")).toEqual([]);
        expect((await lexical(store, "bananas")).map((h) => h.path)).toEqual(["notes.txt"]);
        expect((await store.getDocument(ROOT, "notes.txt"))?.sha256).toBe("new");
        expect((await store.stats()).chunks).toBe(1);
      });

      it("records skipped and failed documents with their reason and no chunks", async () => {
        const store = await fresh();
        await store.upsertDocument(
          makeRecord("img.png", { kind: "binary", status: "skipped", reason: "binary" }),
          [],
        );
        await store.upsertDocument(
          makeRecord("x.pdf", {
            kind: "pdf",
            status: "failed",
            reason: "encrypted: password required",
          }),
          [],
        );
        expect(await store.getDocument(ROOT, "x.pdf")).toMatchObject({
          status: "failed",
          reason: "encrypted: password required",
          chunkCount: 0,
        });
        const skipped = await store.documents({ statuses: ["skipped"] }, { limit: 10 });
        expect(skipped.items.map((d) => d.path)).toEqual(["img.png"]);
        expect(await lexical(store, "binary encrypted password")).toEqual([]);
      });

      it("deletes documents with everything that belongs to them", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["alpha words"]);
        await put(store, "b.txt", ["alpha again"]);
        await put(store, "a.txt", ["alpha elsewhere"], { root: OTHER_ROOT });
        expect(await store.deleteDocuments(ROOT, ["a.txt", "never-indexed.txt"])).toBe(1);
        expect(await store.getDocument(ROOT, "a.txt")).toBeUndefined();
        expect(await store.getChunks(ROOT, "a.txt")).toEqual([]);
        expect(await store.getDocumentText(ROOT, "a.txt")).toBeUndefined();
        const hits = await lexical(store, "alpha");
        expect(hits.map((h) => `${h.root}:${h.path}`).sort()).toEqual([
          `${ROOT}:b.txt`,
          `${OTHER_ROOT}:a.txt`,
        ]);
        expect(await store.deleteDocuments(ROOT, [])).toBe(0);
        expect((await store.stats()).documents).toBe(2);
      });

      it("touches a document's mtime and nothing else", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["alpha"]);
        const before = await store.getDocument(ROOT, "a.txt");
        await store.touchDocument(ROOT, "a.txt", 1_800_000_000_000);
        const after = await store.getDocument(ROOT, "a.txt");
        expect(after).toEqual({ ...before, mtimeMs: 1_800_000_000_000 });
        expect(await store.getChunks(ROOT, "a.txt")).toHaveLength(1);
        await store.touchDocument(ROOT, "missing.txt", 1);
        expect(await store.getDocument(ROOT, "missing.txt")).toBeUndefined();
      });

      it("keeps a document's metadata, returned by getDocument and left out of listings", async () => {
        const store = await fresh();
        const metadata = { author: "Ada", to: "Bob <bob@example.org>", attachments: 2, ocr: true };
        await put(store, "m.eml", ["body"], { metadata });
        expect((await store.getDocument(ROOT, "m.eml"))?.metadata).toEqual(metadata);
        const listed = await store.documents({ roots: [ROOT] }, { limit: 5 });
        expect(listed.items[0]?.metadata).toBeUndefined();
        await put(store, "m.eml", ["body"]);
        expect((await store.getDocument(ROOT, "m.eml"))?.metadata).toBeUndefined();
      });

      it("lists a root's catalog in one call", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["alpha"], { size: 1, mtimeMs: 11, sha256: "s1" });
        await store.upsertDocument(
          makeRecord("b.bin", {
            status: "skipped",
            reason: "binary",
            size: 2,
            mtimeMs: 22,
            sha256: "s2",
          }),
          [],
        );
        await put(store, "c.txt", ["gamma"], { root: OTHER_ROOT });
        const catalog = await store.catalog(ROOT);
        expect(catalog).toEqual(
          new Map([
            ["a.txt", { size: 1, mtimeMs: 11, sha256: "s1", status: "indexed" }],
            ["b.bin", { size: 2, mtimeMs: 22, sha256: "s2", status: "skipped" }],
          ]),
        );
        expect((await store.catalog("/nowhere")).size).toBe(0);
      });
    });

    describe("documents inside documents (an e-mail's attachments)", () => {
      const part = (container: string, name: string, texts: string[], fields = {}) => {
        const path = `${container}#${name}`;
        return {
          doc: makeRecord(path, { kind: "pdf" as FileKind, container, ...fields }),
          chunks: makeChunks(path, texts),
          text: texts.join("\n\n"),
        };
      };
      const putMessage = (
        store: Store,
        parts: ReturnType<typeof part>[],
        body = "the message body",
      ) =>
        store.upsertDocument(
          makeRecord("mail/m.eml", { kind: "email" }),
          makeChunks("mail/m.eml", [body]),
          body,
          parts,
        );

      it("stores each part as a document of its own, found and read under its own path", async () => {
        const store = await fresh();
        await putMessage(store, [
          part("mail/m.eml", "report.pdf", ["quarterly figures of the lighthouse"]),
          part("mail/m.eml", "notes.txt", ["harbour schedule"], { kind: "text" }),
        ]);
        const hits = await lexical(store, "lighthouse");
        expect(hits.map((h) => [h.path, h.kind])).toEqual([["mail/m.eml#report.pdf", "pdf"]]);
        const doc = await store.getDocument(ROOT, "mail/m.eml#report.pdf");
        expect(doc?.container).toBe("mail/m.eml");
        expect(await store.getDocumentText(ROOT, "mail/m.eml#notes.txt")).toBe("harbour schedule");
        expect((await store.getDocument(ROOT, "mail/m.eml"))?.container).toBeUndefined();
        const catalog = await store.catalog(ROOT);
        expect(catalog.get("mail/m.eml#report.pdf")?.container).toBe("mail/m.eml");
        expect(catalog.get("mail/m.eml")?.container).toBeUndefined();
        const listed = await store.documents({ roots: [ROOT] }, { limit: 10 });
        expect(listed.items.map((d) => [d.path, d.container])).toEqual([
          ["mail/m.eml", undefined],
          ["mail/m.eml#notes.txt", "mail/m.eml"],
          ["mail/m.eml#report.pdf", "mail/m.eml"],
        ]);
      });

      it("replaces the parts with the container: a removed attachment goes, none given removes all", async () => {
        const store = await fresh();
        await putMessage(store, [
          part("mail/m.eml", "a.pdf", ["first attachment anchovy"]),
          part("mail/m.eml", "b.pdf", ["second attachment barnacle"]),
        ]);
        await putMessage(store, [part("mail/m.eml", "b.pdf", ["second attachment cormorant"])]);
        expect(await store.getDocument(ROOT, "mail/m.eml#a.pdf")).toBeUndefined();
        expect(await lexical(store, "anchovy")).toEqual([]);
        expect(await lexical(store, "barnacle")).toEqual([]);
        expect((await lexical(store, "cormorant")).map((h) => h.path)).toEqual([
          "mail/m.eml#b.pdf",
        ]);
        // Written without `parts`, a document keeps the ones it has (nothing says they changed).
        await store.upsertDocument(makeRecord("mail/m.eml", { kind: "email" }), [], "");
        expect(await store.getDocument(ROOT, "mail/m.eml#b.pdf")).toBeDefined();
        await putMessage(store, []);
        expect(await store.getDocument(ROOT, "mail/m.eml#b.pdf")).toBeUndefined();
        expect((await store.catalog(ROOT)).size).toBe(1);
      });

      it("deletes the parts with their container", async () => {
        const store = await fresh();
        await putMessage(store, [part("mail/m.eml", "a.pdf", ["dolphin"])]);
        await put(store, "mail/other.txt", ["dolphin elsewhere"]);
        expect(await store.deleteDocuments(ROOT, ["mail/m.eml"])).toBe(1);
        expect(await store.getDocument(ROOT, "mail/m.eml#a.pdf")).toBeUndefined();
        expect((await lexical(store, "dolphin")).map((h) => h.path)).toEqual(["mail/other.txt"]);
        expect([...(await store.catalog(ROOT)).keys()]).toEqual(["mail/other.txt"]);
      });

      it("lets a file on disk win over an attachment of the same path", async () => {
        const store = await fresh();
        // A real file named like the attachment, written first: the part does not replace it.
        await put(store, "mail/m.eml#a.pdf", ["the real file on disk"]);
        await putMessage(store, [part("mail/m.eml", "a.pdf", ["the attachment"])]);
        expect((await store.getDocument(ROOT, "mail/m.eml#a.pdf"))?.container).toBeUndefined();
        expect(await store.getDocumentText(ROOT, "mail/m.eml#a.pdf")).toBe("the real file on disk");
        // Replacing the message again leaves the file alone, and so does deleting it.
        await putMessage(store, []);
        await store.deleteDocuments(ROOT, ["mail/m.eml"]);
        expect(await store.getDocumentText(ROOT, "mail/m.eml#a.pdf")).toBe("the real file on disk");
        // The other way round: a file written over an attachment replaces it.
        await putMessage(store, [part("mail/m.eml", "b.pdf", ["attachment b"])]);
        await put(store, "mail/m.eml#b.pdf", ["file b"]);
        expect((await store.getDocument(ROOT, "mail/m.eml#b.pdf"))?.container).toBeUndefined();
        await store.deleteDocuments(ROOT, ["mail/m.eml"]);
        expect(await store.getDocumentText(ROOT, "mail/m.eml#b.pdf")).toBe("file b");
      });
    });

    describe("search", () => {
      it("ranks the document with the exact term above unrelated ones; higher scores first", async () => {
        const store = await fresh();
        await put(store, "fruit.txt", ["Apples and pears grow in orchards."]);
        await put(store, "db.txt", ["The SQLite write-ahead log lets readers run during writes."]);
        await put(store, "net.txt", ["TCP retransmits lost segments after a timeout."]);
        await put(store, "mix.txt", [
          "Orchards rarely run databases, but this one mentions sqlite once in a long sentence about other things entirely.",
        ]);
        const hits = await lexical(store, "sqlite write-ahead log");
        expect(hits[0]?.path).toBe("db.txt");
        expect(hits.map((h) => h.path)).not.toContain("fruit.txt");
        for (let i = 1; i < hits.length; i++)
          expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
        expect(hits[0]).toMatchObject({ root: ROOT, kind: "text", ordinal: 0, headingPath: [] });
        expect(hits[0]?.text).toContain("write-ahead");
        expect(hits[0]?.snippet).toContain("SQLite");
        expect(hits[0]?.chunkId).toMatch(/^[0-9a-f]{32}$/);
      });

      it("ORs the query terms: one matching word is enough", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["kubernetes deployment manifest"]);
        const hits = await lexical(store, "kubernetes zyxwvut");
        expect(hits.map((h) => h.path)).toEqual(["a.txt"]);
      });

      it("stems and folds case: 'Running' finds 'runs'", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["The job runs nightly"]);
        expect((await lexical(store, "Running")).map((h) => h.path)).toEqual(["a.txt"]);
      });

      it("never lets FTS syntax in the query throw or change the query", async () => {
        const store = await fresh();
        await put(store, "a.txt", ['He said "near" and NOT much else; col: title^2 (x AND y)']);
        const inputs = [
          '"',
          '""',
          "*",
          "a*",
          "NEAR(",
          "NEAR(a b, 2)",
          "AND OR NOT",
          "AND",
          "col:term",
          "title:near",
          "^",
          "^near",
          "(",
          ")",
          "((near",
          "near)",
          "",
          "   ",
          "the of and",
          "🎉🚀",
          "-",
          "+near -said",
          "{near said}",
          "near:",
          "'",
          "\\",
          "\u0000",
        ];
        for (const query of inputs) {
          await expect(lexical(store, query), query).resolves.toBeInstanceOf(Array);
          await expect(
            lexical(store, query, { onePerDocument: true }),
            query,
          ).resolves.toBeInstanceOf(Array);
        }
        expect((await lexical(store, "NEAR(")).map((h) => h.path)).toEqual(["a.txt"]);
        expect((await lexical(store, "title:zzz")).map((h) => h.path)).toEqual(["a.txt"]);
        expect(await lexical(store, "")).toEqual([]);
        expect(await lexical(store, "🎉")).toEqual([]);
      });

      it("searches stopword-only queries instead of returning nothing", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["to be or not to be"]);
        expect((await lexical(store, "to be")).map((h) => h.path)).toEqual(["a.txt"]);
      });

      it("applies every filter before the limit", async () => {
        const store = await fresh();
        // Twenty decoys match the query better than the targets, so limiting before filtering
        // would return no targets at all.
        for (let i = 0; i < 20; i++) {
          await put(store, `other/decoy-${i}.md`, ["widget widget widget widget"], {
            kind: "markdown",
            mtimeMs: 100,
          });
        }
        const targets: [string, FileKind, number][] = [
          ["docs/a.ts", "code", 500],
          ["docs/b.md", "markdown", 500],
          ["docs/sub/c.ts", "code", 900],
          ["docs-old/d.ts", "code", 900],
        ];
        for (const [p, kind, mtimeMs] of targets)
          await put(store, p, ["a widget among many other words in this long line"], {
            kind,
            mtimeMs,
          });
        await put(store, "docs/e.ts", ["a widget among many other words in this long line"], {
          root: OTHER_ROOT,
          kind: "code",
          mtimeMs: 900,
        });

        const paths = async (
          filters: Parameters<Store["search"]>[0]["filters"],
          limit = 2,
        ): Promise<string[]> =>
          (await store.search({ query: "widget", limit, mode: "lexical", filters }))
            .map((h) => h.path)
            .sort();

        expect(await paths({ pathPrefix: "docs/" }, 10)).toEqual([
          "docs/a.ts",
          "docs/b.md",
          "docs/e.ts",
          "docs/sub/c.ts",
        ]);
        expect(await paths({ pathPrefix: "docs/" })).toHaveLength(2);
        expect((await paths({ pathPrefix: "docs/" })).every((p) => p.startsWith("docs/"))).toBe(
          true,
        );
        expect(await paths({ pathGlob: "docs/**/*.ts", roots: [ROOT] }, 10)).toEqual([
          "docs/a.ts",
          "docs/sub/c.ts",
        ]);
        expect(await paths({ pathGlob: "**/*.ts", roots: [ROOT] })).toHaveLength(2);
        expect(await paths({ pathGlob: "docs/*.{md,ts}", roots: [ROOT] }, 10)).toEqual([
          "docs/a.ts",
          "docs/b.md",
        ]);
        expect(await paths({ kinds: ["code"], roots: [ROOT] }, 10)).toEqual([
          "docs-old/d.ts",
          "docs/a.ts",
          "docs/sub/c.ts",
        ]);
        expect(await paths({ modifiedSinceMs: 900 }, 10)).toEqual([
          "docs-old/d.ts",
          "docs/e.ts",
          "docs/sub/c.ts",
        ]);
        expect(await paths({ roots: [OTHER_ROOT] })).toEqual(["docs/e.ts"]);
        expect(
          await paths(
            { roots: [ROOT], pathPrefix: "docs/", kinds: ["code"], modifiedSinceMs: 600 },
            10,
          ),
        ).toEqual(["docs/sub/c.ts"]);
        expect(await paths({ pathPrefix: "nothing/" })).toEqual([]);
      });

      it("returns the best chunk of each document with onePerDocument", async () => {
        const store = await fresh();
        await put(store, "long.txt", ["gamma", "gamma gamma ray burst", "gamma", "unrelated"]);
        await put(store, "short.txt", ["a gamma mention in another document"]);
        const all = await lexical(store, "gamma ray");
        expect(all.filter((h) => h.path === "long.txt")).toHaveLength(3);
        const one = await lexical(store, "gamma ray", { onePerDocument: true });
        expect(one.map((h) => h.path).sort()).toEqual(["long.txt", "short.txt"]);
        expect(one.find((h) => h.path === "long.txt")?.ordinal).toBe(1);
        expect(await lexical(store, "gamma ray", { onePerDocument: true, limit: 1 })).toHaveLength(
          1,
        );
      });

      it("cuts a short snippet around the match from long chunks", async () => {
        const store = await fresh();
        const text = `${"filler words go here. ".repeat(40)}The needle sits here.${" more filler text.".repeat(40)}`;
        await put(store, "hay.txt", [text]);
        const [hit] = await lexical(store, "needle");
        expect(hit?.snippet).toContain("needle");
        expect(hit?.snippet.length).toBeLessThanOrEqual(260);
        expect(hit?.text).toBe(text);
      });

      it("refuses semantic and hybrid search without an embedder, with a clear error", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["alpha"]);
        for (const mode of ["semantic", "hybrid"] as const) {
          await expect(store.search({ query: "alpha", limit: 5, mode })).rejects.toThrow(
            /requires an embedder/,
          );
          await expect(store.search({ query: "alpha", limit: 5, mode })).rejects.toMatchObject({
            code: "EMBEDDER_REQUIRED",
          });
        }
        const vector = new Float32Array([1, 0, 0]);
        await expect(
          store.search({ query: "alpha", limit: 5, mode: "hybrid", vector }),
        ).rejects.toBeInstanceOf(Error);
      });

      it("handles CJK, Arabic and accents", async () => {
        const store = await fresh();
        await put(store, "docs/日本語/東京.md", ["東京都は日本の首都です。"], { title: "東京" });
        await put(store, "ar.txt", ["مرحبا بالعالم هذا نص عربي"]);
        await put(store, "fr.txt", ["Le café crème est prêt à Noël"]);
        expect((await lexical(store, "首都")).map((h) => h.path)).toEqual(["docs/日本語/東京.md"]);
        expect((await lexical(store, "日本")).map((h) => h.path)).toEqual(["docs/日本語/東京.md"]);
        expect((await lexical(store, "بالعالم")).map((h) => h.path)).toEqual(["ar.txt"]);
        expect((await lexical(store, "cafe creme noel")).map((h) => h.path)).toEqual(["fr.txt"]);
        expect((await lexical(store, "CAFÉ")).map((h) => h.path)).toEqual(["fr.txt"]);
        const [hit] = await lexical(store, "首都", { filters: { pathPrefix: "docs/日本語/" } });
        expect(hit).toMatchObject({ path: "docs/日本語/東京.md", title: "東京" });
        expect(hit?.snippet).toContain("首都");
        expect(await store.getDocument(ROOT, "docs/日本語/東京.md")).toBeDefined();
        expect(
          (await store.documents({ pathPrefix: "docs/日本語/" }, { limit: 5 })).items,
        ).toHaveLength(1);
      });
    });

    describe("vectors", () => {
      const MODEL = { id: "test:model-a", dimensions: 3 };
      const v = (...xs: number[]): Float32Array => new Float32Array(xs);
      const semantic = (
        store: Store,
        vector: Float32Array,
        extra: Partial<Parameters<Store["search"]>[0]> = {},
      ): Promise<SearchHit[]> =>
        store.search({ query: "", limit: 10, mode: "semantic", vector, ...extra });
      const embedAll = async (
        store: Store,
        vectors: Record<string, Float32Array>,
      ): Promise<void> => {
        const pending = await store.chunksWithoutVectors(1000);
        await store.putVectors(
          pending.map((p) => ({ chunkId: p.chunkId, vector: vectors[p.text] ?? v(0, 0, 1) })),
        );
      };

      it("declares a model, lists the chunks without vectors, and stores vectors", async () => {
        const store = await fresh();
        expect(await store.getVectorModel()).toBeUndefined();
        await store.setVectorModel(MODEL);
        expect(await store.getVectorModel()).toEqual(MODEL);
        await put(store, "a.md", ["first chunk", "second chunk"], { kind: "markdown" });
        await store.upsertDocument(
          makeRecord("b.bin", { status: "skipped", reason: "binary" }),
          [],
        );
        expect(await store.countChunksWithoutVectors()).toBe(2);
        const pending = await store.chunksWithoutVectors(10);
        expect(pending).toEqual(await store.chunksWithoutVectors(10));
        expect(pending.map((p) => [p.path, p.text])).toEqual([
          ["a.md", "first chunk"],
          ["a.md", "second chunk"],
        ]);
        expect(pending[0]).toMatchObject({ headingPath: [], contentHash: sha("first chunk") });
        expect(await store.chunksWithoutVectors(1)).toHaveLength(1);
        await store.putVectors([
          { chunkId: pending[0]!.chunkId, vector: v(1, 0, 0) },
          { chunkId: "no-such-chunk", vector: v(0, 1, 0) },
        ]);
        expect(await store.countChunksWithoutVectors()).toBe(1);
        expect((await store.chunksWithoutVectors(10)).map((p) => p.text)).toEqual(["second chunk"]);
        await expect(
          store.putVectors([{ chunkId: pending[1]!.chunkId, vector: v(1, 0) }]),
        ).rejects.toBeInstanceOf(Error);
      });

      it("ranks by cosine similarity, with filters before the limit and one hit per document", async () => {
        const store = await fresh();
        await store.setVectorModel(MODEL);
        await put(store, "docs/near.md", ["near one", "near two"], { kind: "markdown" });
        await put(store, "docs/far.ts", ["far"], { kind: "code" });
        await put(store, "other/closest.md", ["closest"], { kind: "markdown" });
        await embedAll(store, {
          "near one": v(0.9, 0.1, 0),
          "near two": v(0.8, 0.3, 0),
          far: v(0, 1, 0),
          closest: v(1, 0, 0),
        });
        const hits = await semantic(store, v(2, 0, 0));
        expect(hits.map((h) => h.text)).toEqual(["closest", "near one", "near two", "far"]);
        expect(hits[0]?.score).toBeCloseTo(1, 5);
        for (let i = 1; i < hits.length; i++)
          expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
        expect(hits[1]).toMatchObject({
          root: ROOT,
          path: "docs/near.md",
          kind: "markdown",
          ordinal: 0,
        });
        const filtered = await semantic(store, v(1, 0, 0), {
          limit: 1,
          filters: { pathPrefix: "docs/" },
        });
        expect(filtered.map((h) => h.text)).toEqual(["near one"]);
        const code = await semantic(store, v(1, 0, 0), { limit: 1, filters: { kinds: ["code"] } });
        expect(code.map((h) => h.text)).toEqual(["far"]);
        const perDoc = await semantic(store, v(1, 0, 0), { onePerDocument: true });
        expect(perDoc.map((h) => h.text)).toEqual(["closest", "near one", "far"]);
        await expect(semantic(store, v(1, 0))).rejects.toBeInstanceOf(Error);
      });

      it("drops every vector when the model changes", async () => {
        const store = await fresh();
        await store.setVectorModel(MODEL);
        await put(store, "a.txt", ["alpha", "beta"]);
        await embedAll(store, {});
        expect(await store.countChunksWithoutVectors()).toBe(0);
        await store.setVectorModel(MODEL);
        expect(await store.countChunksWithoutVectors()).toBe(0);
        await store.setVectorModel({ id: "test:model-b", dimensions: 2 });
        expect(await store.getVectorModel()).toEqual({ id: "test:model-b", dimensions: 2 });
        expect(await store.countChunksWithoutVectors()).toBe(2);
        expect(await semantic(store, v(1, 0))).toEqual([]);
      });

      it("forgets the vectors of replaced and deleted chunks", async () => {
        const store = await fresh();
        await store.setVectorModel(MODEL);
        await put(store, "a.txt", ["old text"]);
        await put(store, "b.txt", ["other text"]);
        await embedAll(store, {});
        await put(store, "a.txt", ["new text"]);
        expect((await store.chunksWithoutVectors(10)).map((p) => p.text)).toEqual(["new text"]);
        expect((await semantic(store, v(0, 0, 1))).map((h) => h.text)).toEqual(["other text"]);
        await store.deleteDocuments(ROOT, ["b.txt"]);
        expect(await semantic(store, v(0, 0, 1))).toEqual([]);
        expect(await store.countChunksWithoutVectors()).toBe(1);
      });
    });

    describe("term statistics", () => {
      it("counts the indexed documents that match each word, as search matches it", async () => {
        const store = await fresh();
        await put(store, "a.txt", ["the job runs nightly", "and again"]);
        await put(store, "b.txt", ["running jobs", "jobs"]);
        await put(store, "c.txt", ["nothing here"]);
        await store.upsertDocument(
          makeRecord("d.bin", { status: "skipped", reason: "binary" }),
          [],
        );
        const stats = await store.termDocumentFrequencies([
          "running",
          "jobs",
          "nightly",
          "absent",
          "NEAR(",
        ]);
        expect(stats.documents).toBe(3);
        expect(Object.fromEntries(stats.frequencies)).toEqual({
          running: 2,
          jobs: 2,
          nightly: 1,
          absent: 0,
          "NEAR(": 0,
        });
      });
    });

    describe("listing and stats", () => {
      it("pages through documents in (root, path) order with an opaque cursor", async () => {
        const store = await fresh();
        const expected: string[] = [];
        for (let i = 0; i < 25; i++) {
          const path = `dir/${String(i).padStart(2, "0")}-é.txt`;
          await put(store, path, [`doc ${i}`], { root: i % 2 === 0 ? ROOT : OTHER_ROOT });
          expected.push(`${i % 2 === 0 ? ROOT : OTHER_ROOT}|${path}`);
        }
        expected.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.documents(
            {},
            { limit: 10, ...(cursor === undefined ? {} : { cursor }) },
          );
          expect(page.items.length).toBeLessThanOrEqual(10);
          seen.push(...page.items.map((d) => `${d.root}|${d.path}`));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        expect(pages).toBe(3);
        expect(seen).toEqual(expected);
        const roots = await store.documents({ roots: [OTHER_ROOT] }, { limit: 100 });
        expect(roots.items).toHaveLength(12);
        expect(roots.nextCursor).toBeUndefined();
        await expect(store.documents({}, { limit: 10, cursor: "not a cursor" })).rejects.toThrow(
          /cursor/i,
        );
      });

      it("caps the page size at 1000", async () => {
        const store = await fresh();
        // Concurrent upserts, as the pipeline sends them (a store may batch them).
        await Promise.all(
          Array.from({ length: 1001 }, (_, i) =>
            store.upsertDocument(
              makeRecord(`f/${i}.txt`, { status: "skipped", reason: "binary" }),
              [],
            ),
          ),
        );
        const page = await store.documents({}, { limit: 5000 });
        expect(page.items).toHaveLength(1000);
        expect(page.nextCursor).toBeDefined();
        const rest = await store.documents({}, { limit: 5000, cursor: page.nextCursor! });
        expect(rest.items).toHaveLength(1);
      });

      it("reports counts by status and kind, size and last indexing time", async () => {
        const store = await fresh();
        await put(store, "a.md", ["one", "two"], { kind: "markdown", indexedAt: 10 });
        await put(store, "b.ts", ["three"], { kind: "code", indexedAt: 30 });
        await store.upsertDocument(
          makeRecord("c.bin", {
            kind: "binary",
            status: "skipped",
            reason: "binary",
            indexedAt: 20,
          }),
          [],
        );
        await store.upsertDocument(
          makeRecord("d.pdf", { kind: "pdf", status: "failed", reason: "corrupt", indexedAt: 5 }),
          [],
        );
        const stats = await store.stats();
        expect(stats).toMatchObject({
          documents: 4,
          chunks: 3,
          byStatus: { indexed: 2, skipped: 1, failed: 1 },
          byKind: { markdown: 1, code: 1, binary: 1, pdf: 1 },
          lastIndexedAt: 30,
        });
        if (stats.sizeBytes !== undefined) expect(stats.sizeBytes).toBeGreaterThan(0);
      });
    });

    textCandidatesContract(fresh);

    describe("atomicity and scale", () => {
      it("never shows a mix of two versions of a document while it is replaced", async () => {
        const store = await fresh();
        const version = (v: number): string[] =>
          Array.from({ length: 1 + (v % 7) * 5 }, (_, i) => `marker v${v}m chunk ${i}`);
        await put(store, "doc.txt", version(0));
        const checks: Promise<void>[] = [];
        for (let v = 1; v <= 30; v++) {
          checks.push(put(store, "doc.txt", version(v)));
          checks.push(
            lexical(store, "marker", { limit: 1000 }).then((hits) => {
              const versions = new Set(hits.map((h) => /v(\d+)m/.exec(h.text)?.[1]));
              expect(versions.size).toBe(1);
              expect(hits).toHaveLength(version(Number([...versions][0])).length);
            }),
            store.getChunks(ROOT, "doc.txt").then((chunks) => {
              const versions = new Set(chunks.map((c) => /v(\d+)m/.exec(c.text)?.[1]));
              expect(versions.size).toBe(1);
              expect(chunks).toHaveLength(version(Number([...versions][0])).length);
            }),
          );
        }
        await Promise.all(checks);
      });

      it("stores, searches, replaces and deletes a document of 10,000 chunks", async () => {
        const store = await fresh();
        const texts = Array.from(
          { length: 10_000 },
          (_, i) => `section ${i} common words ${i === 9_999 ? "finalmarker" : "body"}`,
        );
        await put(store, "huge.txt", texts);
        expect((await store.getDocument(ROOT, "huge.txt"))?.chunkCount).toBe(10_000);
        const chunks = await store.getChunks(ROOT, "huge.txt");
        expect(chunks).toHaveLength(10_000);
        expect(chunks.every((c, i) => c.ordinal === i)).toBe(true);
        const [hit] = await lexical(store, "finalmarker");
        expect(hit).toMatchObject({ path: "huge.txt", ordinal: 9_999 });
        expect(await lexical(store, "common", { limit: 50 })).toHaveLength(50);
        expect(await lexical(store, "common", { onePerDocument: true })).toHaveLength(1);
        await put(store, "huge.txt", ["small now"]);
        expect((await store.stats()).chunks).toBe(1);
        expect(await lexical(store, "finalmarker")).toEqual([]);
        await store.deleteDocuments(ROOT, ["huge.txt"]);
        expect((await store.stats()).chunks).toBe(0);
      });
    });
  });
}
