/**
 * Many documents written in the same few round trips, in the same three steps as one
 * (writes.ts): every new chunk of every document in one `_bulk`, then every record, then the
 * leftover search for all of them. The guarantees are those of writes.ts, per document: each
 * record is written only after its chunks were acknowledged, and only with `op_type: create`,
 * so of two writers creating one document exactly one wins.
 *
 * Documents that already have a record go through replaceDocument one by one (in parallel):
 * their old generation's vectors and chunks need reads of their own, and a cold index, the
 * case this is for, has none.
 */
import type { Chunk, CodeSymbol } from "../../scanners/types.js";
import type { DocumentRecord } from "../store.js";
import { runBulk, type BulkFailure, type BulkOp } from "./bulk.js";
import {
  deleteIds,
  deleteLeftovers,
  generationIds,
  getRecord,
  replaceDocument,
  type LeftoverScope,
  type WriteContext,
} from "./writes.js";
import {
  chunkDocId,
  nextGeneration,
  recordId,
  toChunkSource,
  toRecordSource,
  type RecordSource,
} from "./sources.js";

export interface DocumentWrite {
  key: string;
  doc: DocumentRecord;
  chunks: Chunk[];
  text: string | undefined;
  symbols?: CodeSymbol[];
}

function bulkError(what: string, failure: BulkFailure): Error {
  return new Error(
    `Elasticsearch ${what}: ${failure.op.action} ${failure.op.id}: ${failure.status} ${failure.type}: ${failure.reason}`,
  );
}

/** Which keys have a record now (a realtime `_mget`: no refresh needed). */
async function existingKeys(ctx: WriteContext, keys: string[]): Promise<Set<string>> {
  const found = await ctx.conn.call("get documents", (c) =>
    c.mget<RecordSource>({
      index: ctx.index,
      docs: keys.map((key) => ({ _id: recordId(key), routing: key, _source: false })),
    }),
  );
  const existing = new Set<string>();
  found.docs.forEach((d, i) => {
    if ("found" in d && d.found && keys[i] !== undefined) existing.add(keys[i]);
  });
  return existing;
}

/** Writes every document; the answer has, per document in order, its error or undefined. */
export async function replaceDocuments(
  ctx: WriteContext,
  writes: DocumentWrite[],
): Promise<(unknown | undefined)[]> {
  const errors: (unknown | undefined)[] = writes.map(() => undefined);
  const existing = await existingKeys(
    ctx,
    writes.map((w) => w.key),
  );
  const single = (w: DocumentWrite, i: number) =>
    replaceDocument(ctx, w.key, w.doc, w.chunks, w.text, w.symbols).catch((error: unknown) => {
      errors[i] = error;
    });
  const replacements = writes.map((w, i) => (existing.has(w.key) ? single(w, i) : undefined));
  const created = writes.flatMap((w, i) => (existing.has(w.key) ? [] : [i]));
  await Promise.all([...replacements, createAll(ctx, writes, created, errors, single)]);
  return errors;
}

/** Documents that had no record: chunks, then records with op_type create, then leftovers. */
async function createAll(
  ctx: WriteContext,
  writes: DocumentWrite[],
  indices: number[],
  errors: (unknown | undefined)[],
  single: (w: DocumentWrite, i: number) => Promise<void>,
): Promise<void> {
  if (indices.length === 0) return;
  const byKey = new Map(indices.map((i) => [writes[i]!.key, i]));
  const gens = new Map(indices.map((i) => [i, nextGeneration(undefined)]));
  const ordered = new Map(
    indices.map((i) => [i, [...writes[i]!.chunks].sort((a, b) => a.ordinal - b.ordinal)]),
  );
  const chunkOps: BulkOp[] = indices.flatMap((i) => {
    const { key, doc } = writes[i]!;
    const gen = gens.get(i)!;
    return ordered.get(i)!.map((chunk, n) => ({
      action: "index" as const,
      index: ctx.index,
      id: chunkDocId(key, gen, n),
      routing: key,
      doc: toChunkSource(doc, key, gen, chunk),
    }));
  });
  for (const failure of await runBulk(ctx.conn, chunkOps, ctx.bulk)) {
    const i = byKey.get(failure.op.routing);
    if (i !== undefined) errors[i] ??= bulkError("index chunks", failure);
  }
  // Step 2 only for documents whose every chunk was acknowledged.
  const ready = indices.filter((i) => errors[i] === undefined);
  const recordOps: BulkOp[] = ready.map((i) => {
    const { key, doc, text, symbols } = writes[i]!;
    return {
      action: "create",
      index: ctx.index,
      id: recordId(key),
      routing: key,
      doc: toRecordSource(doc, key, gens.get(i)!, ordered.get(i)!.length, text, symbols) as never,
    };
  });
  const lost: number[] = [];
  await Promise.all(
    (await runBulk(ctx.conn, recordOps, ctx.bulk)).map(async (failure) => {
      const i = byKey.get(failure.op.routing)!;
      if (failure.status !== 409) {
        errors[i] = bulkError("write document record", failure);
        return;
      }
      // A retried create that had landed conflicts with our own record: that is a win.
      const now = await getRecord(ctx, writes[i]!.key, { includes: ["gen"] });
      if (now?.source.gen !== gens.get(i)) lost.push(i);
    }),
  );
  // Another writer created the document first: take our chunks back and replace its version.
  await Promise.all(
    lost.map(async (i) => {
      const w = writes[i]!;
      try {
        await deleteIds(ctx, w.key, generationIds(w.key, gens.get(i)!, ordered.get(i)!.length));
      } catch (error) {
        errors[i] = error;
        return;
      }
      await single(w, i);
    }),
  );
  const scopes: LeftoverScope[] = ready
    .filter((i) => errors[i] === undefined && !lost.includes(i))
    .map((i) => ({ key: writes[i]!.key, olderThan: gens.get(i)! }));
  await deleteLeftovers(ctx, scopes);
}
