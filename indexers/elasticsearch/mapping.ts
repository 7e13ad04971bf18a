/**
 * The one index behind the store: document records (`type: "doc"`) and their chunks
 * (`type: "chunk"`) side by side, every document routed by its key so a record and its chunks
 * share a shard. That placement is what makes a search consistent (see README.md). Search
 * fields hold the index form of the text (text-form.ts); the raw text is stored unindexed.
 */
import { createHash } from "node:crypto";
import type { VectorModel } from "../store.js";

/** Bumped when a mapping change needs a rebuild; written to the index's `_meta`. */
export const SCHEMA_VERSION = 1;

export const TEXT_ANALYZER = "docindex_text";

/**
 * Fields added to PROPERTIES after schema 1 was released. An index written before them lacks
 * them; they are added to its mapping when it opens (layout.ts), which Elasticsearch allows for
 * new fields without a rebuild: old documents simply have no value for them.
 */
export const ADDED_FIELDS: readonly string[] = [
  "container",
  "metadata",
  "symbols",
  "symbol_names",
  "text_grams",
];

/** Search fields in the order of the SQLite store's FTS columns (and its weights). */
export const SEARCH_FIELDS = {
  title: "title_terms",
  heading: "heading_terms",
  path: "path_terms",
  body: "body",
} as const;

export type SearchColumn = keyof typeof SEARCH_FIELDS;

export interface StoredVectorModel extends VectorModel {
  /** The dense_vector field holding this model's vectors. */
  field: string;
}

export interface IndexMeta {
  schema: number;
  vectorModel?: StoredVectorModel;
  /** Fields of earlier models, nulled on a chunk when it gets the current model's vector. */
  retiredVectorFields?: string[];
}

const text = { type: "text", analyzer: TEXT_ANALYZER } as const;
const stored = { type: "text", index: false } as const;
const storedNumber = { type: "long", index: false, doc_values: false } as const;

export const PROPERTIES: Record<string, unknown> = {
  type: { type: "keyword" },
  key: { type: "keyword" },
  /** Generation of a document version: ms timestamp and a random tail, ordered as strings. */
  gen: { type: "keyword" },
  root: { type: "keyword" },
  path: { type: "keyword" },
  /** Record field: the file a document was found in (an e-mail's attachment). */
  container: { type: "keyword" },
  kind: { type: "keyword" },
  mtime: { type: "long" },
  // Record fields.
  status: { type: "keyword" },
  size: storedNumber,
  sha256: { type: "keyword" },
  reason: stored,
  title: stored,
  language: { type: "keyword" },
  page_count: storedNumber,
  sections: { type: "object", enabled: false },
  metadata: { type: "object", enabled: false },
  indexed_at: { type: "long" },
  chunk_count: { type: "integer" },
  doc_text: { type: "text", index: false },
  /** The document's definitions (symbols.ts), and their lower-case names to look them up by. */
  symbols: { type: "object", enabled: false },
  symbol_names: { type: "keyword" },
  /**
   * grep's n-gram index: each document's distinct folded trigrams as keywords, made by the
   * client (text/text-query.ts), so no n-gram analyzer (analysis-common) is needed and the
   * field can be added to an existing index. Kept in _source, which touch's update rewrites from.
   */
  text_grams: { type: "keyword" },
  // Chunk fields.
  chunk_id: { type: "keyword" },
  ord: { type: "integer" },
  text: { type: "text", index: false },
  heading_path: stored,
  line_start: storedNumber,
  line_end: storedNumber,
  page: storedNumber,
  tokens: storedNumber,
  content_hash: { type: "keyword" },
  /** Id of the model whose vector the chunk holds (also set when the vector was all zeros). */
  embed_model: { type: "keyword" },
  [SEARCH_FIELDS.title]: text,
  [SEARCH_FIELDS.heading]: text,
  [SEARCH_FIELDS.path]: text,
  [SEARCH_FIELDS.body]: text,
};

export function vectorField(model: VectorModel): string {
  const hash = createHash("sha256").update(`${model.id}\0${model.dimensions}`).digest("hex");
  return `vec_${hash.slice(0, 16)}`;
}

export function vectorMapping(dimensions: number, quantized: boolean): Record<string, unknown> {
  return {
    type: "dense_vector",
    dims: dimensions,
    index: true,
    similarity: "cosine",
    // int8 keeps the HNSW graph's vectors in a quarter of the memory at a small recall cost;
    // servers before 8.12 do not know it and get plain hnsw.
    index_options: { type: quantized ? "int8_hnsw" : "hnsw" },
  };
}

export interface IndexShape {
  shards: number;
  replicas: number;
  refreshInterval: string;
}

export function indexBody(shape: IndexShape, meta: IndexMeta, vectors?: Record<string, unknown>) {
  return {
    settings: {
      number_of_shards: shape.shards,
      number_of_replicas: shape.replicas,
      refresh_interval: shape.refreshInterval,
      // A document of 10,000 chunks is read back with one search of the chunk ids.
      max_result_window: 10_000,
      analysis: {
        // Stopwords stay in the index, as in the SQLite store: the query parser drops them
        // from queries that have other words, and a query of stopwords alone still matches.
        analyzer: { [TEXT_ANALYZER]: { type: "english", stopwords: "_none_" } },
      },
    },
    mappings: {
      dynamic: "strict" as const,
      _routing: { required: true },
      _meta: { docindex: meta },
      properties: { ...PROPERTIES, ...vectors },
    },
  };
}

export function readMeta(mappings: unknown): IndexMeta | undefined {
  const meta = (mappings as { _meta?: { docindex?: IndexMeta } } | undefined)?._meta?.docindex;
  return meta !== undefined && typeof meta.schema === "number" ? meta : undefined;
}
