/**
 * Writing one document version. The order is the whole trick (README.md, "Writes"):
 *   1. index the new chunks under a new generation g' (ids `c-<key>-<g'>-<i>`);
 *   2. write the record naming g', guarded by the record's seq_no so that of two writers
 *      racing on one document exactly one wins (the loser deletes its chunks and tries again);
 *   3. delete the previous generation's chunks by id, and any older leftovers of a crash.
 * Until 2 is visible, searches keep the old version; from then on, the new one (search.ts).
 */
import type { Chunk, CodeSymbol } from "../../scanners/types.js";
import type { DocumentRecord } from "../store.js";
import { assertBulk, runBulk, type BulkLimits, type BulkOp } from "./bulk.js";
import { isStatus, type EsConnection } from "./connection.js";
import { embeddedChunks, readEmbeddings } from "./vectors.js";
import {
  chunkDocId,
  nextGeneration,
  recordId,
  toChunkSource,
  toRecordSource,
  type RecordSource,
} from "./sources.js";

export interface WriteContext {
  conn: EsConnection;
  index: string;
  bulk: BulkLimits;
}

export interface StoredRecord {
  source: RecordSource;
  seqNo: number;
  primaryTerm: number;
}

const MAX_ATTEMPTS = 8;
const PAGE = 1000;

/** The record as of now (a realtime get: no refresh needed). */
export async function getRecord(
  ctx: Pick<WriteContext, "conn" | "index">,
  key: string,
  source: { includes?: string[]; excludes?: string[] } = {},
): Promise<StoredRecord | undefined> {
  try {
    const result = await ctx.conn.call("get document", (c) =>
      c.get<RecordSource>({
        index: ctx.index,
        id: recordId(key),
        routing: key,
        ...(source.includes ? { _source_includes: source.includes } : {}),
        ...(source.excludes ? { _source_excludes: source.excludes } : {}),
      }),
    );
    if (!result.found || result._source === undefined) return undefined;
    return {
      source: result._source,
      seqNo: result._seq_no ?? 0,
      primaryTerm: result._primary_term ?? 0,
    };
  } catch (error) {
    // A missing document is an answer; a missing index is a fault.
    if (isStatus(error, 404) && !/index_not_found/.test(String((error as Error).message))) {
      return undefined;
    }
    throw error;
  }
}

export function generationIds(key: string, gen: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => chunkDocId(key, gen, i));
}

export async function deleteIds(ctx: WriteContext, key: string, ids: string[]): Promise<void> {
  const ops: BulkOp[] = ids.map((id) => ({ action: "delete", index: ctx.index, id, routing: key }));
  assertBulk(await runBulk(ctx.conn, ops, ctx.bulk), "delete chunks");
}

/**
 * Writes the record unless another writer changed it since `seen`. A timeout after the write
 * landed makes the retry see a conflict with our own record: that counts as a win.
 */
async function writeRecord(
  ctx: WriteContext,
  key: string,
  record: RecordSource,
  seen: StoredRecord | undefined,
): Promise<boolean> {
  try {
    await ctx.conn.call("write document record", (c) =>
      c.index({
        index: ctx.index,
        require_alias: true,
        id: recordId(key),
        routing: key,
        document: record,
        ...(seen === undefined
          ? { op_type: "create" as const }
          : { if_seq_no: seen.seqNo, if_primary_term: seen.primaryTerm }),
      }),
    );
    return true;
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
    const now = await getRecord(ctx, key, { includes: ["gen"] });
    return now?.source.gen === record.gen;
  }
}

/** Indexes a generation's chunks a bulk batch at a time, each with its inherited embedding. */
async function indexChunks(
  ctx: WriteContext,
  key: string,
  gen: string,
  doc: DocumentRecord,
  ordered: Chunk[],
  embedded: Map<string, string>,
): Promise<void> {
  const slice = ctx.bulk.maxOps;
  for (let start = 0; start < ordered.length; start += slice) {
    const part = ordered.slice(start, start + slice);
    const oldIds = part.flatMap((c) => embedded.get(c.id) ?? []);
    const embeddings =
      oldIds.length === 0 ? new Map() : await readEmbeddings(ctx.conn, ctx.index, key, oldIds);
    const ops: BulkOp[] = part.map((chunk, i) => ({
      action: "index",
      index: ctx.index,
      id: chunkDocId(key, gen, start + i),
      routing: key,
      doc: { ...toChunkSource(doc, key, gen, chunk), ...embeddings.get(chunk.id) },
    }));
    assertBulk(await runBulk(ctx.conn, ops, ctx.bulk), "index chunks");
  }
}

export async function replaceDocument(
  ctx: WriteContext,
  key: string,
  doc: DocumentRecord,
  chunks: Chunk[],
  text: string | undefined,
  symbols?: CodeSymbol[],
): Promise<void> {
  const ordered = [...chunks].sort((a, b) => a.ordinal - b.ordinal);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await getRecord(ctx, key, { includes: ["gen", "chunk_count"] });
    const gen = nextGeneration(current?.source.gen);
    const embedded =
      current === undefined || ordered.length === 0
        ? new Map<string, string>()
        : await embeddedChunks(
            ctx.conn,
            ctx.index,
            key,
            generationIds(key, current.source.gen, current.source.chunk_count),
          );
    await indexChunks(ctx, key, gen, doc, ordered, embedded);
    const record = toRecordSource(doc, key, gen, ordered.length, text, symbols);
    if (!(await writeRecord(ctx, key, record, current))) {
      await deleteIds(ctx, key, generationIds(key, gen, ordered.length));
      continue;
    }
    if (current !== undefined) {
      await deleteIds(ctx, key, generationIds(key, current.source.gen, current.source.chunk_count));
    }
    await deleteLeftovers(ctx, [{ key, olderThan: gen, except: current?.source.gen }]);
    return;
  }
  throw new Error(
    `Elasticsearch: gave up writing ${doc.root}/${doc.path} after ${MAX_ATTEMPTS} attempts: other writers kept replacing it at the same time.`,
  );
}

/** Which chunks of a document count as leftovers: all of them, or generations before `olderThan`. */
export interface LeftoverScope {
  key: string;
  olderThan?: string;
  /** A generation to keep though older (the one just replaced: deleted by id instead). */
  except?: string | undefined;
}

/**
 * The chunks of these documents outside the generations to keep. The "older than" test is left
 * to the caller: a range on a keyword per document made this search the slowest request of a
 * cold index (a group has 64 documents); a terms filter and a short must_not are cheap.
 */
function leftoverQuery(scopes: LeftoverScope[]): object {
  const keep = scopes.flatMap((s) => [s.olderThan, s.except].filter((g) => g !== undefined));
  return {
    bool: {
      filter: [{ term: { type: "chunk" } }, { terms: { key: scopes.map((s) => s.key) } }],
      must_not: keep.length === 0 ? [] : [{ terms: { gen: keep } }],
    },
  };
}

/** Whether a chunk found by leftoverQuery is a leftover: newer ones belong to a writer at work. */
function isLeftover(scopes: Map<string, LeftoverScope>, key: string, gen: string): boolean {
  const scope = scopes.get(key);
  if (scope === undefined || gen === scope.except) return false;
  return scope.olderThan === undefined || gen < scope.olderThan;
}

/**
 * Deletes chunks of these documents that no record names: generations older than `olderThan`
 * (a writer that died between steps), or all of them when the documents are gone. Chunks of a
 * newer generation belong to a writer still at work and are left alone. Only chunks a refresh
 * has made searchable are found; the ones of the generation just replaced are deleted by id.
 * One search covers many documents (group-writes.ts writes them by the hundred).
 */
export async function deleteLeftovers(ctx: WriteContext, scopes: LeftoverScope[]): Promise<void> {
  if (scopes.length === 0) return;
  const query = leftoverQuery(scopes);
  const byKey = new Map(scopes.map((s) => [s.key, s]));
  let after: (string | number)[] | undefined;
  for (;;) {
    const page = await ctx.conn.call("find leftover chunks", (c) =>
      c.search({
        index: ctx.index,
        ...(scopes.length === 1 ? { routing: scopes[0]!.key } : {}),
        size: PAGE,
        _source: ["key", "gen"],
        query: query as never,
        sort: [{ key: "asc" }, { gen: "asc" }, { ord: "asc" }],
        track_total_hits: false,
        ...(after === undefined ? {} : { search_after: after }),
      }),
    );
    const hits = page.hits.hits;
    const ops: BulkOp[] = hits.flatMap((h) => {
      const { key, gen } = h._source as { key: string; gen: string };
      if (!isLeftover(byKey, key, gen)) return [];
      return [{ action: "delete" as const, index: ctx.index, id: h._id ?? "", routing: key }];
    });
    if (ops.length > 0)
      assertBulk(await runBulk(ctx.conn, ops, ctx.bulk), "delete leftover chunks");
    if (hits.length < PAGE) return;
    after = hits[hits.length - 1]?.sort as (string | number)[];
  }
}

/** Deletes documents' records, then their chunks; returns how many records there were. */
export async function removeDocuments(ctx: WriteContext, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const found = await ctx.conn.call("get documents", (c) =>
    c.mget<RecordSource>({
      index: ctx.index,
      docs: keys.map((key) => ({
        _id: recordId(key),
        routing: key,
        _source: ["gen", "chunk_count"],
      })),
    }),
  );
  const existing: { key: string; gen: string; count: number }[] = [];
  found.docs.forEach((d, i) => {
    const key = keys[i];
    if (key !== undefined && "found" in d && d.found && d._source !== undefined) {
      existing.push({ key, gen: d._source.gen, count: d._source.chunk_count });
    }
  });
  if (existing.length === 0) return 0;
  // The record goes first: from then on searches drop the document's chunks.
  const records: BulkOp[] = existing.map((e) => ({
    action: "delete",
    index: ctx.index,
    id: recordId(e.key),
    routing: e.key,
  }));
  assertBulk(await runBulk(ctx.conn, records, ctx.bulk), "delete documents");
  const chunkOps: BulkOp[] = existing.flatMap((e) =>
    generationIds(e.key, e.gen, e.count).map((id): BulkOp => ({
      action: "delete",
      index: ctx.index,
      id,
      routing: e.key,
    })),
  );
  assertBulk(await runBulk(ctx.conn, chunkOps, ctx.bulk), "delete chunks");
  await deleteLeftovers(
    ctx,
    existing.map((e) => ({ key: e.key })),
  );
  return existing.length;
}

/** A new mtime on the record and on its chunks (the modifiedSince filter reads the chunks). */
export async function touch(ctx: WriteContext, key: string, mtimeMs: number): Promise<void> {
  const current = await getRecord(ctx, key, { includes: ["gen", "chunk_count"] });
  if (current === undefined) return;
  const ops: BulkOp[] = generationIds(key, current.source.gen, current.source.chunk_count).map(
    (id) => ({
      action: "update",
      index: ctx.index,
      id,
      routing: key,
      doc: { mtime: mtimeMs },
    }),
  );
  ops.push({
    action: "update",
    index: ctx.index,
    id: recordId(key),
    routing: key,
    doc: { mtime: mtimeMs },
  });
  assertBulk(await runBulk(ctx.conn, ops, ctx.bulk), "touch document", (f) => f.status === 404);
}
