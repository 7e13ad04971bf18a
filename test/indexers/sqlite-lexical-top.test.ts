/**
 * Lexical search ranks FTS5's top candidates only (indexers/sqlite/lexical-top.ts); its
 * answers must be those of the full query that joins every match. The reference here is that
 * full query in SQL (a window over all matches, SQLite's own TEXT order), on an index full of
 * ties: the same texts in many documents, paths that differ only past the BMP, and filters
 * that reject most candidates.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../indexers/sqlite/index.js";
import { parseQuery } from "../../indexers/sqlite/query.js";
import { DEFAULT_WEIGHTS } from "../../indexers/sqlite/index.js";
import type { SearchRequest } from "../../indexers/store.js";
import { compareCodePoints } from "../../indexers/sqlite/lexical-top.js";
import { makeChunks, makeRecord } from "./store-contract.js";

const WORDS = [
  "harbour",
  "quokka",
  "renovation",
  "lantern",
  "granite",
  "meadow",
  "ferry",
  "cobalt",
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "docindex-lexical-top-"));
let store: SqliteStore;

/** A deterministic word salad: the same few texts repeat, so scores tie across documents. */
function text(seed: number): string {
  const words: string[] = [];
  for (let i = 0; i < 12 + (seed % 5); i++)
    words.push(WORDS[(seed * 7 + i * ((seed % 3) + 1)) % WORDS.length]!);
  return words.join(" ");
}

beforeAll(async () => {
  store = await openSqliteStore(path.join(tmp, "index.db"));
  const names = ["a", "b", "\u{1F600}", "\uFFFD", "é", "z"];
  for (let d = 0; d < 240; d++) {
    const dir = names[d % names.length]!;
    const docPath = `${dir}/${d % 7}-${Math.floor(d / 7)}.md`;
    const texts = [0, 1, 2].map((c) => text((d % 9) * 3 + c));
    await store.upsertDocument(
      makeRecord(docPath, { kind: d % 4 === 0 ? "markdown" : "text" }),
      makeChunks(docPath, texts),
    );
  }
});

afterAll(async () => {
  await store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function reference(request: SearchRequest): string[] {
  const match = parseQuery(request.query)!.match;
  const kinds = request.filters?.kinds ?? [];
  const kindFilter = kinds.length > 0 ? `AND d.kind IN (${kinds.map(() => "?").join(", ")})` : "";
  const partition = request.onePerDocument ? "PARTITION BY c.doc_id" : "PARTITION BY c.id";
  const weights = [
    DEFAULT_WEIGHTS.title,
    DEFAULT_WEIGHTS.heading,
    DEFAULT_WEIGHTS.path,
    DEFAULT_WEIGHTS.body,
  ];
  const rows = store.db
    .prepare(
      `WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(chunks_fts, ?, ?, ?, ?) AS score
         FROM chunks_fts WHERE chunks_fts MATCH ?),
       ranked AS (SELECT d.path, c.ordinal, m.score, d.root,
         row_number() OVER (${partition} ORDER BY m.score, c.ordinal) AS n
         FROM m JOIN chunks c ON c.id = m.id JOIN documents d ON d.id = c.doc_id WHERE 1 ${kindFilter})
       SELECT path || '#' || ordinal AS hit FROM ranked WHERE n = 1
       ORDER BY score, root, path, ordinal LIMIT ?`,
    )
    .pluck()
    .all(...weights, match, ...kinds, request.limit) as string[];
  return rows;
}

async function product(request: SearchRequest): Promise<string[]> {
  return (await store.search(request)).map((hit) => `${hit.path}#${hit.ordinal}`);
}

describe("lexical search over the top candidates", () => {
  const queries = [
    "harbour",
    "quokka lantern",
    "granite meadow ferry",
    "cobalt renovation harbour",
  ];

  it("answers as the full query does, ties and all", async () => {
    for (const query of queries) {
      for (const limit of [1, 10, 100, 1000]) {
        for (const onePerDocument of [true, false]) {
          const request: SearchRequest = { query, limit, mode: "lexical", onePerDocument };
          expect(await product(request), `${query} ${limit} ${onePerDocument}`).toEqual(
            reference(request),
          );
        }
      }
    }
  });

  it("keeps counting past candidates that a filter rejects", async () => {
    for (const query of queries) {
      const request: SearchRequest = {
        query,
        limit: 40,
        mode: "lexical",
        onePerDocument: true,
        filters: { kinds: ["markdown"] },
      };
      const expected = reference(request);
      expect(expected.length).toBe(40);
      expect(await product(request)).toEqual(expected);
    }
  });

  it("orders text as SQLite does: by code point, astral characters last", () => {
    const sorted = ["z", "\u{1F600}", "\uFFFD", "a", "é"].sort(compareCodePoints);
    expect(sorted).toEqual(["a", "z", "é", "\uFFFD", "\u{1F600}"]);
  });
});
