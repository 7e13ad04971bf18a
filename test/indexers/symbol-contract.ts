/**
 * The symbol part of the Store contract (runStoreContract calls it): definitions stored with
 * their document, replaced and deleted with it, and found by exact, prefix and fuzzy name with
 * the kind, path and root filters. The symbols come from the real parser (scanners/syntax).
 */
import { describe, expect, it } from "vitest";
import { parseCodeWithSyntax } from "../../scanners/parsers/code.js";
import type { CodeSymbol } from "../../scanners/types.js";
import type { Store, SymbolQuery } from "../../indexers/store.js";
import { makeChunks, makeRecord, OTHER_ROOT } from "./store-contract.js";

const PARSER_TS = `export class RequestParser {
  parseRequest(text: string): Request {
    return { text };
  }

  parseHeaders(text: string): string[] {
    return text.split("\\n");
  }
}

export function parseRequestLine(line: string): string {
  return line.trim();
}

export interface Request {
  text: string;
}
`;

const SERVER_PY = `class Server:
    def parse_request(self, raw):
        return raw

def serve(port):
    return Server()
`;

async function symbolsOf(text: string, path: string, language: string): Promise<CodeSymbol[]> {
  const doc = await parseCodeWithSyntax(text, path, language);
  expect(doc.symbols?.length ?? 0).toBeGreaterThan(0);
  return doc.symbols ?? [];
}

export function runSymbolContract(fresh: () => Promise<Store>): void {
  const put = async (store: Store, path: string, text: string, language: string, root?: string) => {
    const symbols = await symbolsOf(text, path, language);
    const record = makeRecord(path, { kind: "code", language, ...(root ? { root } : {}) });
    await store.upsertDocument(record, makeChunks(path, [text]), text, undefined, symbols);
    return symbols;
  };
  const find = (store: Store, name: string, extra: Partial<SymbolQuery> = {}) =>
    store.findSymbols({ name, match: "exact", limit: 20, ...extra });

  describe("symbols", () => {
    it("stores each definition with its kind, container, lines and signature", async () => {
      const store = await fresh();
      const symbols = await put(store, "src/parser.ts", PARSER_TS, "typescript");
      const expected = symbols.find((s) => s.name === "parseRequest");
      expect(expected).toMatchObject({ kind: "method", container: "RequestParser", nameLine: 2 });
      const hits = await find(store, "parseRequest");
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ ...expected, path: "src/parser.ts" });
      expect(hits[0]?.signature).toBe("parseRequest(text: string): Request {");
    });

    it("matches names case-insensitively, the exact case first", async () => {
      const store = await fresh();
      await put(store, "src/parser.ts", PARSER_TS, "typescript");
      await put(store, "server.py", SERVER_PY, "python");
      expect((await find(store, "requestparser")).map((h) => h.name)).toEqual(["RequestParser"]);
      const prefix = await find(store, "parseRequest", { match: "prefix" });
      expect(prefix.map((h) => h.name)).toEqual(["parseRequest", "parseRequestLine"]);
      const fuzzy = await find(store, "prsReq", { match: "fuzzy" });
      expect(new Set(fuzzy.map((h) => h.name))).toEqual(
        new Set(["parseRequest", "parseRequestLine", "parse_request"]),
      );
      expect(fuzzy.map((h) => h.score)).toEqual(
        [...fuzzy.map((h) => h.score)].sort((a, b) => b - a),
      );
    });

    it("filters by kind, path and root", async () => {
      const store = await fresh();
      await put(store, "src/parser.ts", PARSER_TS, "typescript");
      await put(store, "lib/server.py", SERVER_PY, "python");
      await put(store, "server.py", SERVER_PY, "python", OTHER_ROOT);
      const parse = { match: "fuzzy" as const, name: "parse" };
      expect((await find(store, "", { ...parse, kinds: ["function"] })).map((h) => h.name)).toEqual(
        ["parseRequestLine"],
      );
      const inLib = await find(store, "", { ...parse, pathPrefix: "lib/" });
      expect(inLib.map((h) => `${h.path}:${h.name}`)).toEqual(["lib/server.py:parse_request"]);
      const globbed = await find(store, "", { ...parse, pathGlob: "**/*.py" });
      expect(new Set(globbed.map((h) => h.root)).size).toBe(2);
      const other = await find(store, "serve", { roots: [OTHER_ROOT] });
      expect(other.map((h) => [h.root, h.path])).toEqual([[OTHER_ROOT, "server.py"]]);
    });

    it("replaces a document's symbols with it, and deletes them with it", async () => {
      const store = await fresh();
      await put(store, "src/parser.ts", PARSER_TS, "typescript");
      const renamed = PARSER_TS.replace(/parseHeaders/g, "readHeaders");
      await put(store, "src/parser.ts", renamed, "typescript");
      expect(await find(store, "parseHeaders")).toEqual([]);
      expect((await find(store, "readHeaders")).map((h) => h.nameLine)).toEqual([6]);
      // A write without symbols (the file became something no grammar reads) leaves none.
      await store.upsertDocument(
        makeRecord("src/parser.ts"),
        makeChunks("src/parser.ts", ["x"]),
        "x",
      );
      expect(await find(store, "readHeaders")).toEqual([]);
      await put(store, "src/parser.ts", PARSER_TS, "typescript");
      await store.deleteDocuments(makeRecord("src/parser.ts").root, ["src/parser.ts"]);
      expect(await find(store, "parseHeaders")).toEqual([]);
    });

    it("refuses an empty name with an error that says so", async () => {
      const store = await fresh();
      await expect(find(store, "  ")).rejects.toThrow(/needs a name/);
    });
  });
}
