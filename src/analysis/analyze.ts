/**
 * What `analyze` computes: for one document, its outline, statistics, key terms, related
 * documents and duplicates; for a set (a glob), the same figures summed, with duplicates
 * inside the set; for the whole index, an overview. Every figure comes from the index or the
 * stored text.
 */
import picomatch from "picomatch";
import type { DocumentRecord, Store } from "../../indexers/store.js";
import type { Section } from "../../scanners/types.js";
import { keyTerms, type KeyTerm } from "./key-terms.js";
import { bestPerDocument, reciprocalRankFusion } from "../search/fusion.js";
import { shingles, similarity } from "./similarity.js";
import { textStatistics, type TextStatistics } from "./text-stats.js";

export interface OutlineEntry {
  level: number;
  title: string;
  lines?: { start: number; end: number };
  page?: number;
}

export interface RelatedDocument {
  path: string;
  root: string;
  score: number;
  sharedTerms: string[];
}

export interface Duplicate {
  path: string;
  root: string;
  kind: "exact" | "near";
  similarity: number;
}

const OUTLINE_MAX = 300;
const NEAR_DUPLICATE = 0.5;

/** Every stored document (all roots), page by page. */
export async function allDocuments(store: Store, roots?: string[]): Promise<DocumentRecord[]> {
  const docs: DocumentRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.documents(roots ? { roots } : {}, { cursor, limit: 1000 });
    docs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return docs;
}

export function outlineOf(doc: DocumentRecord, text: string): OutlineEntry[] {
  const sections: Section[] = doc.sections ?? [];
  const entries: OutlineEntry[] = [];
  for (const section of sections) {
    if (entries.length >= OUTLINE_MAX) break;
    if (section.page !== undefined && section.level === 0) {
      const firstLine =
        text.slice(section.start, section.end).trim().split("\n")[0]?.trim().slice(0, 80) ?? "";
      entries.push({
        level: 1,
        title: `Page ${section.page}${firstLine ? `: ${firstLine}` : ""}`,
        page: section.page,
      });
    } else if (section.level > 0 && section.headingPath.length > 0) {
      const entry: OutlineEntry = {
        level: section.level,
        title: section.headingPath[section.headingPath.length - 1]!,
      };
      if (section.lineStart !== undefined && section.lineEnd !== undefined)
        entry.lines = { start: section.lineStart, end: section.lineEnd };
      if (section.page !== undefined) entry.page = section.page;
      entries.push(entry);
    }
  }
  return entries;
}

export async function exactDuplicates(
  store: Store,
  roots: string[],
  doc: DocumentRecord,
): Promise<Duplicate[]> {
  const found: Duplicate[] = [];
  for (const root of roots) {
    for (const [path, entry] of await store.catalog(root)) {
      if (
        entry.sha256 === doc.sha256 &&
        entry.size > 0 &&
        !(root === doc.root && path === doc.path)
      ) {
        found.push({ path, root, kind: "exact", similarity: 1 });
      }
    }
  }
  return found;
}

/** Embeds text for "related by meaning"; undefined when no vectors can be had. */
export type TextVectorizer = (text: string) => Promise<Float32Array | undefined>;

/** How related documents are found beyond shared terms. */
export interface RelatedOptions {
  /** Without it, related documents are those that share the distinctive terms. */
  vectorize?: TextVectorizer;
  /** The configured `rrfK`: the same fusion constant as hybrid search. */
  rrfK: number;
}

/**
 * Documents that share the distinctive terms, and, once vectors exist, the meaning of the
 * document's opening (its first 2,000 characters): both rankings fused by RRF.
 */
export async function relatedDocuments(
  store: Store,
  doc: DocumentRecord,
  terms: KeyTerm[],
  limit: number,
  text: string,
  options: RelatedOptions,
): Promise<RelatedDocument[]> {
  if (terms.length === 0) return [];
  const query = terms
    .slice(0, 10)
    .map((t) => t.term)
    .join(" ");
  let hits = await store.search({ query, limit: limit + 5, mode: "lexical", onePerDocument: true });
  const { vectorize } = options;
  const vector = vectorize && text.trim() !== "" ? await vectorize(text.slice(0, 2000)) : undefined;
  if (vector) {
    const semantic = await store.search({
      query,
      limit: limit + 5,
      mode: "semantic",
      vector,
      onePerDocument: true,
    });
    // Each ranking picked its own best chunk per document; a document is listed once.
    hits = bestPerDocument(reciprocalRankFusion([hits, semantic], options.rrfK));
  }
  return hits
    .filter((hit) => !(hit.root === doc.root && hit.path === doc.path))
    .slice(0, limit)
    .map((hit) => {
      const lower = hit.text.toLowerCase();
      return {
        path: hit.path,
        root: hit.root,
        score: Math.round(hit.score * 1000) / 1000,
        sharedTerms: terms
          .slice(0, 10)
          .map((t) => t.term)
          .filter((t) => lower.includes(t)),
      };
    });
}

export async function nearDuplicates(
  store: Store,
  text: string,
  candidates: { root: string; path: string }[],
  exclude: Set<string>,
): Promise<Duplicate[]> {
  const mine = shingles(text);
  const found: Duplicate[] = [];
  for (const candidate of candidates) {
    if (exclude.has(`${candidate.root}\0${candidate.path}`)) continue;
    const other = await store.getDocumentText(candidate.root, candidate.path);
    if (other === undefined) continue;
    const score = similarity(mine, shingles(other));
    if (score >= NEAR_DUPLICATE)
      found.push({ ...candidate, kind: "near", similarity: Math.round(score * 1000) / 1000 });
  }
  return found;
}

export interface DocumentAnalysis {
  path: string;
  root: string;
  kind: string;
  title?: string;
  language?: string;
  size: number;
  mtime: string;
  pageCount?: number;
  chunks: number;
  statistics: TextStatistics;
  outline: OutlineEntry[];
  keyTerms: KeyTerm[];
  related: RelatedDocument[];
  duplicates: Duplicate[];
}

export async function analyzeDocument(
  store: Store,
  roots: string[],
  doc: DocumentRecord,
  related: RelatedOptions,
): Promise<DocumentAnalysis> {
  const text = (await store.getDocumentText(doc.root, doc.path)) ?? "";
  const terms = await keyTerms(store, text);
  const relatedDocs = await relatedDocuments(store, doc, terms, 5, text, related);
  const exact = await exactDuplicates(store, roots, doc);
  const exclude = new Set(exact.map((d) => `${d.root}\0${d.path}`));
  const near = await nearDuplicates(store, text, relatedDocs, exclude);
  const analysis: DocumentAnalysis = {
    path: doc.path,
    root: doc.root,
    kind: doc.kind,
    size: doc.size,
    mtime: new Date(doc.mtimeMs).toISOString(),
    chunks: doc.chunkCount ?? 0,
    statistics: textStatistics(text),
    outline: outlineOf(doc, text),
    keyTerms: terms,
    related: relatedDocs,
    duplicates: [...exact, ...near],
  };
  if (doc.title) analysis.title = doc.title;
  if (doc.language) analysis.language = doc.language;
  if (doc.pageCount !== undefined) analysis.pageCount = doc.pageCount;
  return analysis;
}

export interface SetAnalysis {
  pattern: string;
  matched: number;
  statistics: TextStatistics;
  byKind: Record<string, number>;
  documents: {
    path: string;
    root: string;
    kind: string;
    words: number;
    estimatedTokens: number;
    chunks: number;
  }[];
  keyTerms: KeyTerm[];
  duplicates: { a: string; b: string; kind: "exact" | "near"; similarity: number }[];
}

const SET_DOCUMENTS_MAX = 200;
const SET_TEXT_FOR_TERMS = 2_000_000;

export async function analyzeSet(
  store: Store,
  pattern: string,
  docs: DocumentRecord[],
): Promise<SetAnalysis> {
  const totals: TextStatistics = { characters: 0, words: 0, lines: 0, estimatedTokens: 0 };
  const byKind: Record<string, number> = {};
  const documents: SetAnalysis["documents"] = [];
  const texts: { doc: DocumentRecord; text: string }[] = [];
  let sampled = 0;
  let sample = "";
  for (const doc of docs) {
    const text = (await store.getDocumentText(doc.root, doc.path)) ?? "";
    const stats = textStatistics(text);
    totals.characters += stats.characters;
    totals.words += stats.words;
    totals.lines += stats.lines;
    totals.estimatedTokens += stats.estimatedTokens;
    byKind[doc.kind] = (byKind[doc.kind] ?? 0) + 1;
    if (documents.length < SET_DOCUMENTS_MAX) {
      documents.push({
        path: doc.path,
        root: doc.root,
        kind: doc.kind,
        words: stats.words,
        estimatedTokens: stats.estimatedTokens,
        chunks: doc.chunkCount ?? 0,
      });
      texts.push({ doc, text });
    }
    if (sampled < SET_TEXT_FOR_TERMS) {
      sample += "\n" + text.slice(0, SET_TEXT_FOR_TERMS - sampled);
      sampled += text.length;
    }
  }
  const duplicates: SetAnalysis["duplicates"] = [];
  const sketches = texts.map(({ doc, text }) => ({ doc, sketch: shingles(text) }));
  for (let i = 0; i < sketches.length; i++) {
    for (let j = i + 1; j < sketches.length; j++) {
      const a = sketches[i]!;
      const b = sketches[j]!;
      if (a.doc.sha256 === b.doc.sha256 && a.doc.size > 0) {
        duplicates.push({ a: a.doc.path, b: b.doc.path, kind: "exact", similarity: 1 });
        continue;
      }
      const score = similarity(a.sketch, b.sketch);
      if (score >= NEAR_DUPLICATE)
        duplicates.push({
          a: a.doc.path,
          b: b.doc.path,
          kind: "near",
          similarity: Math.round(score * 1000) / 1000,
        });
    }
  }
  return {
    pattern,
    matched: docs.length,
    statistics: totals,
    byKind,
    documents,
    keyTerms: await keyTerms(store, sample),
    duplicates,
  };
}

export interface CorpusOverview {
  documents: number;
  chunks: number;
  totalBytes: number;
  byStatus: Record<string, number>;
  byKind: Record<string, { files: number; bytes: number }>;
  largest: { path: string; root: string; kind: string; size: number }[];
  mostChunked: { path: string; root: string; kind: string; chunks: number }[];
  failures: { path: string; root: string; status: string; reason: string }[];
}

export async function corpusOverview(store: Store): Promise<CorpusOverview> {
  const docs = await allDocuments(store);
  const stats = await store.stats();
  const byKind: CorpusOverview["byKind"] = {};
  for (const doc of docs) {
    const entry = (byKind[doc.kind] ??= { files: 0, bytes: 0 });
    entry.files++;
    entry.bytes += doc.size;
  }
  const byPath = (a: DocumentRecord, b: DocumentRecord) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  return {
    documents: stats.documents,
    chunks: stats.chunks,
    totalBytes: docs.reduce((sum, d) => sum + d.size, 0),
    byStatus: { ...stats.byStatus },
    byKind,
    largest: [...docs]
      .sort((a, b) => b.size - a.size || byPath(a, b))
      .slice(0, 10)
      .map((d) => ({ path: d.path, root: d.root, kind: d.kind, size: d.size })),
    mostChunked: [...docs]
      .filter((d) => (d.chunkCount ?? 0) > 0)
      .sort((a, b) => (b.chunkCount ?? 0) - (a.chunkCount ?? 0) || byPath(a, b))
      .slice(0, 10)
      .map((d) => ({ path: d.path, root: d.root, kind: d.kind, chunks: d.chunkCount ?? 0 })),
    failures: docs
      .filter((d) => d.status !== "indexed")
      .sort(byPath)
      .slice(0, 50)
      .map((d) => ({ path: d.path, root: d.root, status: d.status, reason: d.reason ?? "" })),
  };
}

export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

export function matchDocuments(docs: DocumentRecord[], pattern: string): DocumentRecord[] {
  const matches = picomatch(pattern, { dot: true });
  return docs.filter((doc) => doc.status === "indexed" && matches(doc.path));
}
