/**
 * The SciFact corpus (BEIR layout) as a folder of Markdown files, one per document:
 * `<_id>.md` holds `# <title>`, a blank line, then the text. Queries and judgements are read
 * as they are. Used by the indexing and quality benchmarks.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { datasetPath } from "../test/helpers/datasets.js";
import type { Qrels } from "./metrics.js";

export const SCIFACT_DIR = datasetPath("beir/scifact-train");

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

export interface Query {
  id: string;
  text: string;
}

/** Writes the corpus as Markdown files into `dir` (once) and returns the total bytes. */
export function writeScifactCorpus(dir: string): { files: number; bytes: number } {
  const docs = readJsonl<{ _id: string; title: string; text: string }>(
    join(SCIFACT_DIR, "corpus.jsonl"),
  );
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (const doc of docs) {
    const content = `# ${doc.title}\n\n${doc.text}\n`;
    bytes += Buffer.byteLength(content);
    const path = join(dir, `${doc._id}.md`);
    if (!existsSync(path)) writeFileSync(path, content);
  }
  return { files: docs.length, bytes };
}

export function readScifactQueries(): { queries: Query[]; qrels: Qrels } {
  const qrels: Qrels = new Map();
  const lines = readFileSync(join(SCIFACT_DIR, "qrels/train.tsv"), "utf8").split("\n").slice(1);
  for (const line of lines) {
    const [queryId, docId, score] = line.split("\t");
    if (!queryId || !docId) continue;
    if (!qrels.has(queryId)) qrels.set(queryId, new Map());
    qrels.get(queryId)!.set(docId, Number(score));
  }
  const queries = readJsonl<{ _id: string; text: string }>(join(SCIFACT_DIR, "queries.jsonl"))
    .filter((q) => qrels.has(q._id))
    .map((q) => ({ id: q._id, text: q.text }));
  return { queries, qrels };
}

/** "12345.md" → "12345" */
export function docIdOf(path: string): string {
  return path.replace(/\.md$/, "");
}
