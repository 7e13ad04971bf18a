/**
 * The Elasticsearch Store: one index of document records and chunks behind an alias, written
 * so that searches see whole document versions (writes.ts, search.ts), rebuilt behind a second
 * alias and swapped in atomically, reached through one retrying, circuit-breaking connection.
 */
import type { estypes } from "@elastic/elasticsearch";
import type { Chunk, CodeSymbol } from "../../scanners/types.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import { queryTerms } from "../text/query-terms.js";
import {
  StoreError,
  semanticRequestVector,
  type CatalogEntry,
  type ChunkVector,
  type DocumentFilter,
  type DocumentPage,
  type DocumentRecord,
  type DocumentWrite as StoreDocumentWrite,
  type DocumentStatus,
  type Page,
  type PendingChunk,
  type SearchHit,
  type SearchRequest,
  type SymbolHit,
  type SymbolQuery,
  type Store,
  type StoreStats,
  type TermFrequencies,
  type VectorModel,
  type TextCandidate,
  type TextCandidatesRequest,
} from "../store.js";
import type { BulkLimits } from "./bulk.js";
import { candidateSearch } from "./text-candidates.js";
import { EsConnection } from "./connection.js";
import { damagedIndexError } from "./damage.js";
import {
  createRebuild,
  dropIndex,
  ensureLive,
  layoutFor,
  readIndexMeta,
  resolveAlias,
  swapLive,
  type Layout,
} from "./layout.js";
import type { IndexShape, StoredVectorModel } from "./mapping.js";
import { KeyedLock } from "./keyed-lock.js";
import { MetaCache } from "./meta-cache.js";
import { replaceDocuments, type DocumentWrite } from "./group-writes.js";
import { PitCache } from "./pit-cache.js";
import { UpsertBatcher } from "./upsert-batcher.js";
import { fileKeys, storedParts } from "./parts.js";
import { Refresher } from "./refresher.js";
import { UnrefreshedVectors } from "./vector-writes.js";
import {
  DEFAULT_BREAKER,
  DEFAULT_RETRY,
  DEFAULT_WEIGHTS,
  displayUrls,
  makeClient,
  nodeList,
  type ElasticsearchStoreOptions,
} from "./options.js";
import { documentFilters, lexicalQuery, type ColumnWeights } from "./queries.js";
import { runSearch, type SearchContext } from "./search.js";
import { findSymbols } from "./symbols.js";
import {
  CHUNK_READ_FIELDS,
  documentKey,
  RECORD_LIST_EXCLUDES,
  toCatalogEntry,
  toChunk,
  toDocumentRecord,
  type ChunkSource,
  type RecordSource,
} from "./sources.js";
import {
  checkModel,
  countPending,
  currentModel,
  declareModel,
  pendingChunks,
  storeVectors,
} from "./vectors.js";
import { generationIds, getRecord, removeDocuments, touch, type WriteContext } from "./writes.js";

/** Documents listed per page at most, as in the SQLite store. */
export const MAX_PAGE_LIMIT = 1000;
const CATALOG_PAGE = 5000;
const MGET_BATCH = 1000;
const DELETE_BATCH = 500;
const MAX_UNREFRESHED = 20_000;
const UPSERT_GROUP = 64;
const UPSERT_GROUPS_RUNNING = 2;
/**
 * Chunks per vector-backlog round. Each round costs a pending-list search, a chunk lookup and
 * a `_bulk` whatever its size, and Elasticsearch indexes a bulk's vectors into the same
 * segment: rounds of 64 made 103 rounds of SciFact's 6,588 chunks (see bench/README.md).
 */
const VECTOR_ROUND = 1000;

type Query = estypes.QueryDslQueryContainer;

export class ElasticsearchStore implements Store {
  private readonly locks = new KeyedLock();
  /** Read-your-writes: a read through an alias refreshes it if this store wrote since. */
  private readonly refresher = new Refresher((index) =>
    this.conn.call("refresh", async (c) => {
      await c.indices.refresh({ index });
    }),
  );
  /** Chunks given vectors that searches may not see yet: left out of the pending list. */
  private readonly unrefreshedVectors = new UnrefreshedVectors();
  /** The current model for the vector backlog's reads and writes (meta-cache.ts). */
  private readonly meta = new MetaCache((index) => readIndexMeta(this.conn, index));
  readonly vectorBatchSize = VECTOR_ROUND;
  private readonly pits: PitCache;
  /** Concurrent upserts share round trips (upsert-batcher.ts). */
  private readonly upserts = new UpsertBatcher<DocumentWrite>(
    (index, items) =>
      this.writeGroup(
        index,
        items.map((u) => u.item),
      ),
    UPSERT_GROUP,
    UPSERT_GROUPS_RUNNING,
  );
  /**
   * Upserts the pipeline should keep in flight: enough for groups of many documents while
   * earlier groups are on the wire. Each waiting document is parsed, so this bounds memory.
   */
  readonly writeConcurrency = UPSERT_GROUP * UPSERT_GROUPS_RUNNING;
  private rebuilding = false;
  private readonly weights: ColumnWeights;
  private readonly bulk: BulkLimits;

  constructor(
    readonly conn: EsConnection,
    readonly layout: Layout,
    private readonly shape: IndexShape,
    private readonly options: ElasticsearchStoreOptions,
  ) {
    const given = { ...DEFAULT_WEIGHTS, ...options.weights };
    const weights = Object.values(given).some((w) => w > 0) ? given : DEFAULT_WEIGHTS;
    // combined_fields takes boosts of 1 or more: scale so the smallest weight in use is 1.
    const smallest = Math.min(...Object.values(weights).filter((w) => w > 0));
    this.weights = Object.fromEntries(
      Object.entries(weights).map(([k, w]) => [k, w > 0 ? w / smallest : 0]),
    ) as ColumnWeights;
    this.pits = new PitCache(conn);
    this.bulk = {
      maxOps: Math.max(1, options.bulkBatchSize ?? 500),
      maxBytes: Math.max(1024, options.bulkMaxBytes ?? 5 * 1024 * 1024),
      retries: 5,
    };
  }

  /** Where writes and the pipeline's own reads go: the rebuild index during a rebuild. */
  private get writeIndex(): string {
    return this.rebuilding ? this.layout.rebuild : this.layout.live;
  }

  private writeContext(index = this.writeIndex): WriteContext {
    return { conn: this.conn, index, bulk: this.bulk };
  }

  private fresh(index: string): Promise<void> {
    return this.refresher.fresh(index);
  }

  /**
   * For the vector backlog's reads: fresh for every write but this store's own vector writes,
   * whose chunk ids come back to leave out of the search. Past MAX_UNREFRESHED of those, one
   * refresh is cheaper than sending the list.
   */
  private async freshForVectors(
    index: string,
    model: StoredVectorModel | undefined,
  ): Promise<string[]> {
    await this.refresher.fresh(index, "content");
    const since = () =>
      this.unrefreshedVectors.since(index, this.refresher.coveredUpTo(index), model?.id);
    let written = since();
    if (written.length > MAX_UNREFRESHED) {
      await this.refresher.fresh(index);
      written = since();
    }
    return written;
  }

  async upsertDocument(
    doc: DocumentRecord,
    chunks: Chunk[],
    text?: string,
    parts?: StoreDocumentWrite[],
    symbols?: CodeSymbol[],
  ): Promise<void> {
    const key = documentKey(doc.root, doc.path);
    const index = this.writeIndex;
    // Only a container stored before can have parts to replace: a cold run searches for none.
    const existed =
      parts !== undefined &&
      (await getRecord(this.writeContext(index), key, { includes: ["gen"] })) !== undefined;
    await this.upserts.submit({ key, index, item: { key, doc, chunks, text, symbols } });
    if (parts !== undefined) await this.replaceParts(index, doc, parts, existed);
  }

  /**
   * The parts of a container just written: stored parts it no longer has go, then the new ones
   * are written, except where a file of its own has the same path. Not one atomic step as in
   * SQLite: a crash between leaves old parts, which the next write of the container removes.
   */
  private async replaceParts(
    index: string,
    container: DocumentRecord,
    parts: StoreDocumentWrite[],
    existed: boolean,
  ): Promise<void> {
    const ctx = this.writeContext(index);
    if (existed) {
      await this.fresh(index);
      const kept = new Set(parts.map((p) => p.doc.path));
      const stale = (await storedParts(ctx, container.root, [container.path])).filter(
        (path) => !kept.has(path),
      );
      await this.removeAt(index, container.root, stale);
    }
    const keyed = parts.map((part) => ({ part, key: documentKey(part.doc.root, part.doc.path) }));
    const files = await fileKeys(
      ctx,
      keyed.map((k) => k.key),
    );
    await Promise.all(
      keyed
        .filter(({ key }) => !files.has(key))
        .map(({ part, key }) =>
          this.upserts.submit({
            key,
            index,
            item: {
              key,
              doc: { ...part.doc, container: container.path },
              chunks: part.chunks,
              text: part.text,
              symbols: part.symbols,
            },
          }),
        ),
    );
  }

  private async writeGroup(index: string, items: DocumentWrite[]): Promise<unknown[]> {
    const ctx = this.writeContext(index);
    return this.locks.run(
      items.map((i) => i.key),
      async () => {
        try {
          return await replaceDocuments(ctx, items);
        } finally {
          this.refresher.wrote(index);
        }
      },
    );
  }

  async touchDocument(root: string, path: string, mtimeMs: number): Promise<void> {
    const key = documentKey(root, path);
    const ctx = this.writeContext();
    await this.locks.run([key], () => touch(ctx, key, mtimeMs));
    this.refresher.wrote(ctx.index);
  }

  /**
   * During a rebuild the documents leave the live index too, so a deleted file stops showing
   * up in searches at once; the count is the rebuild index's.
   */
  async deleteDocuments(root: string, paths: string[]): Promise<number> {
    const indices = this.rebuilding ? [this.layout.rebuild, this.layout.live] : [this.layout.live];
    let deleted = 0;
    for (let i = 0; i < paths.length; i += DELETE_BATCH) {
      const batch = paths.slice(i, i + DELETE_BATCH);
      const counts: number[] = [];
      for (const index of indices) {
        // The documents inside the deleted ones go with them.
        await this.fresh(index);
        await this.removeAt(index, root, await storedParts(this.writeContext(index), root, batch));
        counts.push(await this.removeAt(index, root, batch));
      }
      deleted += counts[0] ?? 0;
    }
    return deleted;
  }

  /** Removes documents from one index, under their keys' locks; counts those that were there. */
  private async removeAt(index: string, root: string, paths: string[]): Promise<number> {
    if (paths.length === 0) return 0;
    const keys = [...new Set(paths.map((p) => documentKey(root, p)))];
    return this.locks.run(keys, async () => {
      try {
        return await removeDocuments(this.writeContext(index), keys);
      } finally {
        this.refresher.wrote(index);
      }
    });
  }

  async getDocument(root: string, path: string): Promise<DocumentRecord | undefined> {
    const record = await getRecord(this.writeContext(this.layout.live), documentKey(root, path), {
      excludes: ["doc_text", "text_grams"],
    });
    return record === undefined ? undefined : toDocumentRecord(record.source);
  }

  async getDocumentText(root: string, path: string): Promise<string | undefined> {
    const record = await getRecord(this.writeContext(this.layout.live), documentKey(root, path), {
      includes: ["doc_text"],
    });
    return record?.source.doc_text;
  }

  /**
   * Realtime reads of the record and then of its generation's chunks by id. A writer may
   * replace the document in between and delete those chunks; then the read starts over.
   */
  async getChunks(root: string, path: string): Promise<Chunk[]> {
    const key = documentKey(root, path);
    const ctx = this.writeContext(this.layout.live);
    for (let attempt = 0; attempt < 10; attempt++) {
      const record = await getRecord(ctx, key, { includes: ["gen", "chunk_count"] });
      if (record === undefined) return [];
      const ids = generationIds(key, record.source.gen, record.source.chunk_count);
      const chunks: Chunk[] = [];
      let complete = true;
      for (let i = 0; i < ids.length && complete; i += MGET_BATCH) {
        const batch = ids.slice(i, i + MGET_BATCH);
        const result = await this.conn.call("get chunks", (c) =>
          c.mget<ChunkSource>({
            index: ctx.index,
            routing: key,
            ids: batch,
            _source_includes: CHUNK_READ_FIELDS,
          }),
        );
        for (const doc of result.docs) {
          if ("found" in doc && doc.found && doc._source !== undefined)
            chunks.push(toChunk(doc._source));
          else complete = false;
        }
      }
      if (complete) return chunks.sort((a, b) => a.ordinal - b.ordinal);
    }
    throw new Error(
      `Elasticsearch: ${root}/${path} kept changing while its chunks were read; try again.`,
    );
  }

  async catalog(root: string): Promise<Map<string, CatalogEntry>> {
    const index = this.writeIndex;
    await this.fresh(index);
    const catalog = new Map<string, CatalogEntry>();
    let after: estypes.SortResults | undefined;
    for (;;) {
      const page = await this.conn.call("read catalog", (c) =>
        c.search<RecordSource>({
          index,
          size: CATALOG_PAGE,
          query: { bool: { filter: [{ term: { type: "doc" } }, { term: { root } }] } },
          sort: [{ path: "asc" }],
          _source: ["path", "container", "size", "mtime", "sha256", "status"],
          track_total_hits: false,
          ...(after === undefined ? {} : { search_after: after }),
        }),
      );
      for (const hit of page.hits.hits) {
        if (hit._source !== undefined) catalog.set(hit._source.path, toCatalogEntry(hit._source));
      }
      if (page.hits.hits.length < CATALOG_PAGE) return catalog;
      after = page.hits.hits[page.hits.hits.length - 1]?.sort;
    }
  }

  async documents(filter: DocumentFilter, page: Page): Promise<DocumentPage> {
    const limit = Math.max(1, Math.min(Math.floor(page.limit) || 1, MAX_PAGE_LIMIT));
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const index = this.layout.live;
    await this.fresh(index);
    const result = await this.conn.call("list documents", (c) =>
      c.search<RecordSource>({
        index,
        size: limit + 1,
        query: { bool: { filter: documentFilters(filter) } },
        sort: [{ root: "asc" }, { path: "asc" }],
        _source_excludes: RECORD_LIST_EXCLUDES,
        track_total_hits: false,
        ...(after === undefined ? {} : { search_after: after }),
      }),
    );
    const rows = result.hits.hits.flatMap((h) => (h._source === undefined ? [] : [h._source]));
    const items = rows.slice(0, limit).map(toDocumentRecord);
    const last = items[items.length - 1];
    return rows.length > limit && last !== undefined
      ? { items, nextCursor: encodeCursor(last.root, last.path) }
      : { items };
  }

  async textCandidates(request: TextCandidatesRequest): Promise<TextCandidate[]> {
    const index = this.layout.live;
    await this.fresh(index);
    const result = await this.conn.call("list grep candidates", (c) =>
      c.search<RecordSource>({ index, ...candidateSearch(request) }),
    );
    return result.hits.hits.flatMap((hit) => {
      const source = hit._source;
      if (source === undefined || source.doc_text === undefined) return [];
      return [
        {
          root: source.root,
          path: source.path,
          kind: source.kind as TextCandidate["kind"],
          ...(source.sections === undefined ? {} : { sections: source.sections }),
          text: source.doc_text,
        },
      ];
    });
  }

  /** Mode handling and its errors as in the SQLite store, so callers branch the same way. */
  async search(request: SearchRequest): Promise<SearchHit[]> {
    const index = this.layout.live;
    let model: StoredVectorModel | undefined;
    if (request.mode !== "lexical") {
      semanticRequestVector(request);
      model = await currentModel(this.conn, index);
      if (model === undefined) return [];
      semanticRequestVector(request, model);
    }
    const needed = this.refresher.lastWrite(index);
    await this.fresh(index);
    const ctx: SearchContext = {
      conn: this.conn,
      index,
      weights: this.weights,
      queryOptions: this.options.query ?? {},
      pits: this.pits,
      needed,
      covered: this.refresher.coveredUpTo(index),
    };
    return runSearch(ctx, request, model);
  }

  async findSymbols(query: SymbolQuery): Promise<SymbolHit[]> {
    const index = this.layout.live;
    await this.fresh(index);
    return findSymbols(this.conn, index, query);
  }

  async stats(): Promise<StoreStats> {
    const index = this.layout.live;
    await this.fresh(index);
    const result = await this.conn.call("read stats", (c) =>
      c.search({
        index,
        size: 0,
        track_total_hits: true,
        query: { term: { type: "doc" } },
        aggs: {
          status: { terms: { field: "status", size: 10 } },
          kind: { terms: { field: "kind", size: 50 } },
          chunks: { sum: { field: "chunk_count" } },
          last: { max: { field: "indexed_at" } },
        },
      }),
    );
    const aggs = result.aggregations as
      | {
          status: estypes.AggregationsStringTermsAggregate;
          kind: estypes.AggregationsStringTermsAggregate;
          chunks: estypes.AggregationsSumAggregate;
          last: estypes.AggregationsMaxAggregate;
        }
      | undefined;
    const buckets = (agg: estypes.AggregationsStringTermsAggregate | undefined) =>
      (Array.isArray(agg?.buckets) ? agg.buckets : []).map(
        (b) => [String(b.key), b.doc_count] as const,
      );
    const byStatus: Record<DocumentStatus, number> = { indexed: 0, skipped: 0, failed: 0 };
    for (const [status, n] of buckets(aggs?.status)) byStatus[status as DocumentStatus] = n;
    const byKind: StoreStats["byKind"] = {};
    for (const [kind, n] of buckets(aggs?.kind)) byKind[kind as keyof StoreStats["byKind"]] = n;
    const total = result.hits.total;
    const stats: StoreStats = {
      documents: typeof total === "number" ? total : (total?.value ?? 0),
      chunks: Math.round(aggs?.chunks.value ?? 0),
      byStatus,
      byKind,
    };
    const last = aggs?.last.value;
    if (last !== null && last !== undefined) stats.lastIndexedAt = last;
    const sizes = await this.conn.call("read index size", (c) =>
      c.indices.stats({ index, metric: "store" }),
    );
    const bytes = sizes._all.total?.store?.size_in_bytes;
    if (bytes !== undefined) stats.sizeBytes = bytes;
    return stats;
  }

  /**
   * Per term, how many documents have a live chunk the term matches, analysed as search
   * analyses it. Counted with `cardinality`, which is exact up to 40,000 documents per term
   * and within about 1% beyond.
   */
  async termDocumentFrequencies(terms: string[]): Promise<TermFrequencies> {
    const index = this.layout.live;
    await this.fresh(index);
    const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
    const queries = terms.map((term) => {
      const words = queryTerms(term, { ...this.options.query, stopwords: new Set() });
      return lexicalQuery(words, this.weights);
    });
    queries.forEach((query, i) => {
      if (query === undefined) return;
      aggs[`t${i}`] = {
        filter: { bool: { filter: [{ term: { type: "chunk" } }], must: [query] } } as Query,
        aggs: { docs: { cardinality: { field: "key", precision_threshold: 40_000 } } },
      };
    });
    aggs.documents = {
      filter: { bool: { filter: [{ term: { type: "doc" } }, { term: { status: "indexed" } }] } },
    };
    const result = await this.conn.call("count term frequencies", (c) =>
      c.search({ index, size: 0, aggs }),
    );
    const values = (result.aggregations ?? {}) as Record<
      string,
      { doc_count: number; docs?: { value: number } }
    >;
    const frequencies = new Map<string, number>();
    terms.forEach((term, i) => frequencies.set(term, values[`t${i}`]?.docs?.value ?? 0));
    return { documents: values.documents?.doc_count ?? 0, frequencies };
  }

  async getVectorModel(): Promise<VectorModel | undefined> {
    const model = await currentModel(this.conn, this.layout.live);
    return model === undefined ? undefined : { id: model.id, dimensions: model.dimensions };
  }

  async setVectorModel(model: VectorModel): Promise<void> {
    checkModel(model);
    const indices = this.rebuilding ? [this.layout.live, this.layout.rebuild] : [this.layout.live];
    for (const index of indices) {
      await declareModel(this.conn, index, model);
      this.meta.forget(index);
    }
  }

  async chunksWithoutVectors(limit: number): Promise<PendingChunk[]> {
    const index = this.writeIndex;
    const model = (await this.meta.get(index)).vectorModel;
    return pendingChunks(this.conn, index, model, limit, await this.freshForVectors(index, model));
  }

  async countChunksWithoutVectors(): Promise<number> {
    const index = this.writeIndex;
    const model = (await this.meta.get(index)).vectorModel;
    return countPending(this.conn, index, model, await this.freshForVectors(index, model));
  }

  async putVectors(vectors: ChunkVector[]): Promise<void> {
    if (vectors.length === 0) return;
    const index = this.writeIndex;
    const meta = await this.meta.get(index);
    if (meta.vectorModel === undefined) {
      throw new StoreError(
        "VECTOR_MISMATCH",
        "No vector model is declared: call setVectorModel before putVectors.",
      );
    }
    // Finding the chunks by chunk id needs every chunk written, not the vectors given since.
    await this.refresher.fresh(index, "content");
    try {
      const written = await storeVectors(
        this.conn,
        index,
        meta.vectorModel,
        meta.retiredVectorFields ?? [],
        vectors,
        this.bulk,
      );
      this.unrefreshedVectors.add(
        index,
        written,
        this.refresher.wroteVectors(index),
        meta.vectorModel.id,
      );
    } catch (error) {
      // Some batches may have landed, unlisted: count it as a write that needs a refresh.
      this.refresher.wrote(index);
      throw error;
    }
  }

  /**
   * Starts a full rebuild: a new, empty index behind `<prefix>-rebuild`. Until finishRebuild,
   * this store writes there (upserts, touches, vectors) and reads its catalog and pending
   * vectors from there, while searches, listings, stats and document reads keep answering from
   * the live index. Deletes go to both.
   */
  async beginRebuild(): Promise<void> {
    if (this.rebuilding) throw new Error("A rebuild is already in progress in this store.");
    const meta = await readIndexMeta(this.conn, this.layout.live);
    await createRebuild(this.conn, this.layout, this.shape, { schema: meta.schema }, {});
    this.meta.forget(this.layout.rebuild);
    this.rebuilding = true;
    if (meta.vectorModel !== undefined) {
      await declareModel(this.conn, this.layout.rebuild, {
        id: meta.vectorModel.id,
        dimensions: meta.vectorModel.dimensions,
      });
    }
  }

  /** Makes the rebuilt index live in one `_aliases` call, then deletes the old one. */
  async finishRebuild(): Promise<void> {
    if (!this.rebuilding) throw new Error("finishRebuild without beginRebuild.");
    const next = await resolveAlias(this.conn, this.layout.rebuild);
    if (next === undefined)
      throw new Error(
        `The rebuild index '${this.layout.rebuild}' is gone; start the rebuild again.`,
      );
    const old = await resolveAlias(this.conn, this.layout.live);
    await this.conn.call("refresh", (c) => c.indices.refresh({ index: next }));
    await swapLive(this.conn, this.layout, old, next);
    this.rebuilding = false;
    this.refresher.forget(this.layout.rebuild);
    this.unrefreshedVectors.forget(this.layout.rebuild);
    // Both aliases name other indices now.
    this.meta.forget(this.layout.rebuild);
    this.meta.forget(this.layout.live);
    if (old !== undefined && old !== next) await dropIndex(this.conn, old);
  }

  /** Drops the rebuild index; the live index was never touched. */
  async abortRebuild(): Promise<void> {
    if (!this.rebuilding) return;
    const target = await resolveAlias(this.conn, this.layout.rebuild);
    this.rebuilding = false;
    this.refresher.forget(this.layout.rebuild);
    this.unrefreshedVectors.forget(this.layout.rebuild);
    this.meta.forget(this.layout.rebuild);
    if (target !== undefined) await dropIndex(this.conn, target);
  }

  async close(): Promise<void> {
    await this.pits.closeAll();
    await this.conn.client.close();
  }
}

/**
 * Connects, checks the cluster answers (UNAVAILABLE or AUTH otherwise, naming the URL),
 * creates the first index on a new prefix and checks the schema of an existing one.
 */
export async function openElasticsearchStore(
  options: ElasticsearchStoreOptions,
): Promise<ElasticsearchStore> {
  const nodes = nodeList(options.node);
  const layout = layoutFor(options.indexPrefix ?? "docindex");
  const client = makeClient(options, nodes);
  const conn = new EsConnection(
    client,
    displayUrls(nodes),
    { ...DEFAULT_RETRY, ...options.retry },
    { ...DEFAULT_BREAKER, ...options.breaker },
  );
  try {
    await conn.call("connect", (c) => c.info());
    let replicas = options.replicas;
    if (replicas === undefined) {
      const health = await conn.call("read cluster health", (c) => c.cluster.health());
      replicas = health.number_of_data_nodes > 1 ? 1 : 0;
    }
    const shape: IndexShape = {
      shards: Math.max(1, options.shards ?? 1),
      replicas: Math.max(0, replicas),
      refreshInterval: options.refreshInterval ?? "1s",
    };
    await ensureLive(conn, layout, shape, { repair: options.repair === true });
    // From now on the live alias exists: a request that finds it gone meets a damaged index.
    conn.explainMissingIndex = (index) =>
      index === layout.live
        ? damagedIndexError(
            layout,
            `its alias '${layout.live}' is gone (removed while docindex was running)`,
          )
        : undefined;
    const store = new ElasticsearchStore(conn, layout, shape, options);
    if (options.vectorModel !== undefined) await store.setVectorModel(options.vectorModel);
    return store;
  } catch (error) {
    await client.close();
    throw error;
  }
}
