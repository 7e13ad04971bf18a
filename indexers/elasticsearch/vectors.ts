/**
 * Vectors live on the chunk documents, one dense_vector field per model (`vec_<hash>`), because
 * a field's dimensions cannot change. Declaring another model points the index's `_meta` at a
 * new field: the old model's vectors drop out of every search at that moment and are nulled as
 * chunks get new ones. `embed_model` on a chunk names the model it was embedded with, which is
 * what "without a vector" means (a zero vector, which cosine cannot index, is recorded there
 * without a vector, so it is not handed out again).
 */
import type { estypes } from "@elastic/elasticsearch";
import { StoreError, type ChunkVector, type PendingChunk, type VectorModel } from "../store.js";
import { assertBulk, runBulk, type BulkLimits, type BulkOp } from "./bulk.js";
import { type EsConnection } from "./connection.js";
import { readIndexMeta } from "./layout.js";
import { vectorField, vectorMapping, type StoredVectorModel } from "./mapping.js";
import type { ChunkSource } from "./sources.js";

const MAX_DIMENSIONS = 4096;
const LOOKUP_BATCH = 1000;

export async function currentModel(
  conn: EsConnection,
  index: string,
): Promise<StoredVectorModel | undefined> {
  return (await readIndexMeta(conn, index)).vectorModel;
}

export function checkModel(model: VectorModel): void {
  if (
    !Number.isInteger(model.dimensions) ||
    model.dimensions < 1 ||
    model.dimensions > MAX_DIMENSIONS
  ) {
    throw new StoreError(
      "VECTOR_MISMATCH",
      `Vector model ${model.id} must have a whole number of dimensions from 1 to ${MAX_DIMENSIONS} (Elasticsearch's limit); it has ${model.dimensions}.`,
    );
  }
}

/** Adds the model's field to an index and records it as the current model. */
export async function declareModel(
  conn: EsConnection,
  index: string,
  model: VectorModel,
): Promise<void> {
  const meta = await readIndexMeta(conn, index);
  const previous = meta.vectorModel;
  if (previous?.id === model.id && previous.dimensions === model.dimensions) return;
  const field = vectorField(model);
  const retired = [
    ...new Set([...(meta.retiredVectorFields ?? []), ...(previous ? [previous.field] : [])]),
  ].filter((f) => f !== field);
  const next = {
    ...meta,
    vectorModel: { id: model.id, dimensions: model.dimensions, field },
    retiredVectorFields: retired,
  };
  const put = (quantized: boolean) =>
    conn.call("add vector field", (c) =>
      c.indices.putMapping({
        index,
        properties: {
          [field]: vectorMapping(model.dimensions, quantized) as estypes.MappingProperty,
        },
        _meta: { docindex: next },
      }),
    );
  try {
    await put(true);
  } catch (error) {
    // Servers before 8.12 know no int8_hnsw; anything else is a real failure.
    if (!/int8_hnsw|index_options/.test(String((error as Error).message))) throw error;
    await put(false);
  }
}

/**
 * Before any model is declared, every chunk is waiting for a vector (as in the SQLite store).
 * `written`: ids of chunks given vectors since the last refresh, which the search would still
 * see without one (vector-writes.ts).
 */
function pendingQuery(
  model: StoredVectorModel | undefined,
  written: string[],
): estypes.QueryDslQueryContainer {
  const mustNot: estypes.QueryDslQueryContainer[] =
    model === undefined ? [] : [{ term: { embed_model: model.id } }];
  if (written.length > 0) mustNot.push({ ids: { values: written } });
  return { bool: { filter: [{ term: { type: "chunk" } }], must_not: mustNot } };
}

export async function pendingChunks(
  conn: EsConnection,
  index: string,
  model: StoredVectorModel | undefined,
  limit: number,
  written: string[] = [],
): Promise<PendingChunk[]> {
  const size = Math.max(0, Math.min(Math.floor(limit), 10_000));
  if (size === 0) return [];
  const result = await conn.call("list chunks without vectors", (c) =>
    c.search<ChunkSource>({
      index,
      size,
      query: pendingQuery(model, written),
      sort: [{ key: "asc" }, { gen: "asc" }, { ord: "asc" }],
      _source: ["chunk_id", "content_hash", "text", "heading_path", "path"],
      track_total_hits: false,
    }),
  );
  return result.hits.hits.flatMap((hit) => {
    const s = hit._source;
    if (s === undefined) return [];
    return [
      {
        chunkId: s.chunk_id,
        contentHash: s.content_hash,
        text: s.text,
        headingPath: s.heading_path,
        path: s.path,
      },
    ];
  });
}

export async function countPending(
  conn: EsConnection,
  index: string,
  model: StoredVectorModel | undefined,
  written: string[] = [],
): Promise<number> {
  const result = await conn.call("count chunks without vectors", (c) =>
    c.count({ index, query: pendingQuery(model, written) }),
  );
  return result.count;
}

function isZero(vector: Float32Array): boolean {
  return vector.every((x) => x === 0);
}

/** Nine significant digits round-trip a float32; the full double expansion doubles the JSON. */
export function vectorJson(vector: Float32Array): number[] {
  return Array.from(vector, (x) => Number(x.toPrecision(9)));
}

export async function storeVectors(
  conn: EsConnection,
  index: string,
  model: StoredVectorModel,
  retired: string[],
  vectors: ChunkVector[],
  bulk: BulkLimits,
): Promise<string[]> {
  for (const v of vectors) {
    if (v.vector.length !== model.dimensions) {
      throw new StoreError(
        "VECTOR_MISMATCH",
        `Vector for chunk ${v.chunkId} has ${v.vector.length} dimensions; the store's model ${model.id} has ${model.dimensions}.`,
      );
    }
  }
  const byId = new Map(vectors.map((v) => [v.chunkId, v.vector]));
  const ids = [...byId.keys()];
  const nulls = Object.fromEntries(retired.map((f) => [f, null]));
  const written: string[] = [];
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    const batch = ids.slice(i, i + LOOKUP_BATCH);
    // The same chunk id can exist under several roots (same path, same text): all get it.
    const found = await conn.call("find chunks", (c) =>
      c.search<ChunkSource>({
        index,
        size: 10_000,
        query: { bool: { filter: [{ term: { type: "chunk" } }, { terms: { chunk_id: batch } }] } },
        _source: ["chunk_id", "key"],
        track_total_hits: false,
      }),
    );
    const ops: BulkOp[] = found.hits.hits.flatMap((hit) => {
      const s = hit._source;
      const vector = s === undefined ? undefined : byId.get(s.chunk_id);
      if (s === undefined || vector === undefined || hit._id === undefined) return [];
      const doc = {
        ...nulls,
        [model.field]: isZero(vector) ? null : vectorJson(vector),
        embed_model: model.id,
      };
      return [{ action: "update" as const, index, id: hit._id, routing: s.key, doc }];
    });
    // A chunk replaced since it was listed is gone; its vector has nowhere to go.
    assertBulk(await runBulk(conn, ops, bulk), "store vectors", (f) => f.status === 404);
    written.push(...ops.map((op) => op.id));
  }
  return written;
}

/** What a new version of a chunk inherits from the old one with the same id: its embedding. */
export type Embedding = Record<string, unknown>;

async function readChunks(
  conn: EsConnection,
  index: string,
  routing: string,
  ids: string[],
  fields: string[],
): Promise<{ id: string; source: ChunkSource }[]> {
  const found: { id: string; source: ChunkSource }[] = [];
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    const batch = ids.slice(i, i + LOOKUP_BATCH);
    const result = await conn.call("read previous chunks", (c) =>
      c.mget<ChunkSource>({ index, routing, ids: batch, _source_includes: fields }),
    );
    for (const doc of result.docs) {
      if ("found" in doc && doc.found && doc._source !== undefined) {
        found.push({ id: doc._id, source: doc._source });
      }
    }
  }
  return found;
}

/**
 * As in the SQLite store, a chunk whose id survives a replace keeps its vector and is not
 * embedded again. This finds which chunks of the previous generation have an embedding (a
 * realtime read by document id): chunk id to the old chunk's document id.
 */
export async function embeddedChunks(
  conn: EsConnection,
  index: string,
  routing: string,
  oldIds: string[],
): Promise<Map<string, string>> {
  const chunks = await readChunks(conn, index, routing, oldIds, ["chunk_id", "embed_model"]);
  return new Map(
    chunks.filter((c) => c.source.embed_model !== undefined).map((c) => [c.source.chunk_id, c.id]),
  );
}

/** The embedding fields (model id and vectors) of these old chunks, by chunk id. */
export async function readEmbeddings(
  conn: EsConnection,
  index: string,
  routing: string,
  ids: string[],
): Promise<Map<string, Embedding>> {
  const chunks = await readChunks(conn, index, routing, ids, ["chunk_id", "embed_model", "vec_*"]);
  return new Map(
    chunks.map(({ source }) => {
      const { chunk_id: chunkId, ...embedding } = source;
      return [chunkId, embedding as Embedding];
    }),
  );
}
