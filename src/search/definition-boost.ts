/**
 * A search that names an identifier puts the chunk defining it first: "parseRequest" or
 * "where is RequestParser defined" answers with the definition before the passages that
 * only mention it. Each word of the query that can be a name (letters, digits, "_" or "$",
 * at least three characters, not a stop word) is looked up as an exact symbol name under the
 * search's root and path filters; the chunk holding each definition's name line comes first,
 * exact case before other case, in query order. A defining chunk the ranking did not return is
 * added. With one passage per document, it replaces that document's other passage.
 */
import type { Store, SymbolHit } from "../../indexers/store.js";
import type { SearchFilters } from "../../indexers/store.js";
import { ENGLISH_STOPWORDS } from "../../indexers/text/stopwords.js";
import type { PublicSearchResult } from "./format.js";

export type DefinitionLookup = Pick<Store, "findSymbols" | "getChunks">;

/** Names looked up per query, and definitions kept per name: the boost stays a few index reads. */
const MAX_NAMES = 5;
const MAX_DEFINITIONS_PER_NAME = 3;

export function identifiersIn(query: string): string[] {
  const words = query.match(/[A-Za-z_$][\w$]*/g) ?? [];
  const names: string[] = [];
  for (const word of words) {
    if (word.length < 3 || ENGLISH_STOPWORDS.has(word.toLowerCase()) || names.includes(word))
      continue;
    names.push(word);
    if (names.length === MAX_NAMES) break;
  }
  return names;
}

export async function boostDefinitions(
  lookup: DefinitionLookup,
  query: string,
  filters: SearchFilters | undefined,
  results: PublicSearchResult[],
  options: { limit: number; perDocument: boolean },
): Promise<PublicSearchResult[]> {
  // Symbols are only in code: a search limited to other kinds has no definitions to put first.
  if (filters?.kinds !== undefined && filters.kinds.length > 0 && !filters.kinds.includes("code"))
    return results;
  const definitions: SymbolHit[] = [];
  for (const name of identifiersIn(query)) {
    const hits = await lookup.findSymbols({
      name,
      match: "exact",
      roots: filters?.roots,
      pathPrefix: filters?.pathPrefix,
      pathGlob: filters?.pathGlob,
      limit: MAX_DEFINITIONS_PER_NAME,
    });
    definitions.push(...hits);
  }
  if (definitions.length === 0) return results;
  definitions.sort((a, b) => b.score - a.score);
  const top = results[0]?.score ?? 0;
  const first: PublicSearchResult[] = [];
  for (const definition of definitions) {
    const chunk = (await lookup.getChunks(definition.root, definition.path)).find(
      (c) => (c.lineStart ?? 0) <= definition.nameLine && (c.lineEnd ?? 0) >= definition.nameLine,
    );
    if (
      chunk === undefined ||
      first.some((r) => r.chunkId === chunk.id && r.root === definition.root)
    )
      continue;
    const ranked = results.find((r) => r.chunkId === chunk.id && r.root === definition.root);
    const result: PublicSearchResult = ranked
      ? { ...ranked, score: Math.max(ranked.score, top) }
      : {
          path: definition.path,
          root: definition.root,
          score: top,
          snippet: definition.signature,
          kind: "code",
          headingPath: chunk.headingPath,
          chunkId: chunk.id,
        };
    if (!ranked && chunk.lineStart !== undefined && chunk.lineEnd !== undefined)
      result.lines = { start: chunk.lineStart, end: chunk.lineEnd };
    result.definition = { name: definition.name, kind: definition.kind, line: definition.nameLine };
    first.push(result);
  }
  const boosted = new Set(first.map((r) => `${r.root}\0${r.chunkId}`));
  const documents = new Set(first.map((r) => `${r.root}\0${r.path}`));
  const rest = results.filter(
    (r) =>
      !boosted.has(`${r.root}\0${r.chunkId}`) &&
      !(options.perDocument && documents.has(`${r.root}\0${r.path}`)),
  );
  return [...first, ...rest].slice(0, options.limit);
}
