/**
 * Retrieval quality of the SQLite store on SciFact (BEIR), train split: nDCG@10 and recall@100
 * with trec_eval's definitions (graded gains, log2 discount, ideal DCG from the qrels).
 * Not a test: run it with
 *   DOCINDEX_SCIFACT=1 npx vitest run test/indexers/scifact-quality.test.ts
 * Each abstract is one markdown document, "# title\n\ntext", chunked by scanners/chunk.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { datasetPath } from "../helpers/datasets.js";
import { chunkDocument, type ChunkOptions } from "../../scanners/chunk/index.js";
import type { ParsedDocument } from "../../scanners/types.js";
import { openSqliteStore, type SqliteStoreOptions } from "../../indexers/sqlite/index.js";

export const SCIFACT_DIR = datasetPath("beir/scifact-train");
const ROOT = "/beir/scifact";

export interface ScifactOptions {
  dir?: string;
  /** Reuse an index built by a previous run with the same chunking. */
  dbPath?: string;
  chunk?: ChunkOptions;
  /** Query-time settings: column weights and query parsing. */
  store?: SqliteStoreOptions;
}

export interface ScifactResult {
  documents: number;
  chunks: number;
  queries: number;
  ndcg10: number;
  recall100: number;
  indexMs: number;
  searchMs: number;
}

interface BeirDoc {
  _id: string;
  title: string;
  text: string;
}

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

function readQrels(file: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
    const [qid, did, score] = line.trim().split("\t");
    if (qid === undefined || did === undefined || score === undefined) continue;
    const judged = qrels.get(qid) ?? new Map<string, number>();
    judged.set(did, Number(score));
    qrels.set(qid, judged);
  }
  return qrels;
}

export function parsedAbstract(doc: BeirDoc): ParsedDocument {
  const title = doc.title.trim();
  const text = title === "" ? doc.text : `# ${title}\n\n${doc.text}`;
  const lines = text.split("\n").length;
  const parsed: ParsedDocument = {
    text,
    sections:
      title === ""
        ? []
        : [
            {
              headingPath: [title],
              level: 1,
              start: 0,
              end: text.length,
              lineStart: 1,
              lineEnd: lines,
            },
          ],
    linesMatchSource: true,
    metadata: {},
  };
  if (title !== "") parsed.title = title;
  return parsed;
}

export function ndcgAt(ranked: string[], judged: Map<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += (judged.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  ideal.slice(0, k).forEach((g, i) => {
    idcg += g / Math.log2(i + 2);
  });
  return idcg === 0 ? 0 : dcg / idcg;
}

export function recallAt(ranked: string[], judged: Map<string, number>, k: number): number {
  const relevant = [...judged].filter(([, g]) => g > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

export async function buildScifactIndex(
  dbPath: string,
  options: ScifactOptions = {},
): Promise<number> {
  const dir = options.dir ?? SCIFACT_DIR;
  const store = await openSqliteStore(dbPath);
  let chunks = 0;
  for (const doc of readJsonl<BeirDoc>(path.join(dir, "corpus.jsonl"))) {
    const parsed = parsedAbstract(doc);
    const docPath = `${doc._id}.md`;
    const pieces = chunkDocument(docPath, parsed, options.chunk);
    chunks += pieces.length;
    const record = {
      root: ROOT,
      path: docPath,
      kind: "markdown" as const,
      size: Buffer.byteLength(parsed.text),
      mtimeMs: 0,
      sha256: "",
      status: "indexed" as const,
      indexedAt: Date.now(),
      ...(parsed.title === undefined ? {} : { title: parsed.title }),
    };
    await store.upsertDocument(record, pieces, parsed.text);
  }
  await store.optimize();
  await store.close();
  return chunks;
}

export async function runScifact(options: ScifactOptions = {}): Promise<ScifactResult> {
  const dir = options.dir ?? SCIFACT_DIR;
  const tmp =
    options.dbPath === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "scifact-")) : undefined;
  const dbPath = options.dbPath ?? path.join(tmp ?? "", "index.db");
  const indexStart = Date.now();
  const fresh = !fs.existsSync(dbPath);
  if (fresh) await buildScifactIndex(dbPath, options);
  const indexMs = fresh ? Date.now() - indexStart : 0;

  const store = await openSqliteStore(dbPath, options.store);
  const stats = await store.stats();
  const qrels = readQrels(path.join(dir, "qrels", "train.tsv"));
  const queries = readJsonl<{ _id: string; text: string }>(path.join(dir, "queries.jsonl")).filter(
    (q) => qrels.has(q._id),
  );
  let ndcg = 0;
  let recall = 0;
  const searchStart = Date.now();
  for (const q of queries) {
    const hits = await store.search({
      query: q.text,
      limit: 100,
      mode: "lexical",
      onePerDocument: true,
    });
    const ranked = hits.map((h) => h.path.replace(/\.md$/, ""));
    const judged = qrels.get(q._id) ?? new Map<string, number>();
    ndcg += ndcgAt(ranked, judged, 10);
    recall += recallAt(ranked, judged, 100);
  }
  const searchMs = Date.now() - searchStart;
  await store.close();
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  return {
    documents: stats.documents,
    chunks: stats.chunks,
    queries: queries.length,
    ndcg10: ndcg / queries.length,
    recall100: recall / queries.length,
    indexMs,
    searchMs,
  };
}
