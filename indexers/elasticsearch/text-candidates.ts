/**
 * grep's candidates on Elasticsearch: document records (`type: "doc"`) whose `text_grams`
 * keywords hold every trigram the pattern needs (term filters combined with bool), or that
 * have no `text_grams` at all (written before the field existed, or too short for a trigram),
 * filtered like search and sorted by (root, path) from an inclusive resume point.
 */
import type { estypes } from "@elastic/elasticsearch";
import type { TextCandidatesRequest, TextQuery } from "../store.js";
import { toTrigramQuery } from "../text/text-query.js";
import { searchFilters } from "./queries.js";

type Query = estypes.QueryDslQueryContainer;

/** Candidates per call at most (each carries its whole text). */
export const MAX_CANDIDATES = 1000;

export const CANDIDATE_FIELDS = ["root", "path", "kind", "sections", "doc_text"];

function gramQuery(query: TextQuery): Query {
  if ("literal" in query) return { term: { text_grams: query.literal } };
  if ("and" in query) return { bool: { filter: query.and.map(gramQuery) } };
  if ("or" in query) return { bool: { should: query.or.map(gramQuery), minimum_should_match: 1 } };
  return { match_all: {} };
}

/** The search body (without index) that lists one page of candidates. */
export function candidateSearch(request: TextCandidatesRequest): estypes.SearchRequest {
  const size = Math.max(1, Math.min(Math.floor(request.limit) || 1, MAX_CANDIDATES));
  const { filter: chunkFilter, mustNot } = searchFilters(request.filters);
  // searchFilters selects chunks; the same filters apply to the document records.
  const filter: Query[] = [
    { term: { type: "doc" } },
    { term: { status: "indexed" } },
    ...chunkFilter.filter((clause) => !("term" in clause && clause.term?.type !== undefined)),
  ];
  const grams = toTrigramQuery(request.query);
  if (!("all" in grams)) {
    filter.push({
      bool: {
        should: [gramQuery(grams), { bool: { must_not: [{ exists: { field: "text_grams" } }] } }],
        minimum_should_match: 1,
      },
    });
  }
  if (request.from !== undefined) {
    const { root, path } = request.from;
    filter.push({
      bool: {
        should: [
          { range: { root: { gt: root } } },
          { bool: { filter: [{ term: { root } }, { range: { path: { gte: path } } }] } },
        ],
        minimum_should_match: 1,
      },
    });
  }
  return {
    size,
    query: { bool: { filter, must_not: mustNot } },
    sort: [{ root: "asc" }, { path: "asc" }],
    _source: CANDIDATE_FIELDS,
    track_total_hits: false,
  };
}
