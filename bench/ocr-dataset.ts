/**
 * The OCR dataset (docs/ocr: images and image-only PDFs with reference transcriptions, see its
 * SOURCES.md) and the figure it is measured by: word accuracy, 1 minus the word error rate
 * (word-level edit distance over the reference's word count) on normalised words. Shared by
 * the `ocr` benchmark section and the OCR tests.
 *
 * Normalised: Unicode NFKC, lower case, a word broken by a hyphen at a line end joined again,
 * and every character that is not a letter or a digit a word break. Diacritics are kept: an
 * accent read wrong is a word read wrong.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { datasetPath } from "../test/helpers/datasets.js";

export const OCR_DATASET = "docs/ocr";

export interface OcrDatasetFile {
  file: string;
  absPath: string;
  groundTruth: string;
  /** Only printed text counts toward the accuracy goal; the others are reported. */
  script: "printed" | "handwriting" | "early print";
  notes: string;
}

interface ManifestEntry {
  file: string;
  notes?: string;
  tags?: string[];
  ground_truth?: string | null;
}

export function ocrDatasetFiles(dir = datasetPath(OCR_DATASET)): OcrDatasetFile[] {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ManifestEntry[];
  return manifest
    .filter((entry) => typeof entry.ground_truth === "string")
    .filter((entry) => existsSync(join(dir, entry.file)))
    .map((entry) => ({
      file: entry.file,
      absPath: join(dir, entry.file),
      groundTruth: readFileSync(join(dir, entry.ground_truth!), "utf8"),
      script: scriptOf(entry),
      notes: entry.notes ?? "",
    }));
}

/** From the manifest's own words: its notes and tags say when a page is handwritten or old. */
function scriptOf(entry: ManifestEntry): OcrDatasetFile["script"] {
  const said = `${entry.notes ?? ""} ${(entry.tags ?? []).join(" ")}`.toLowerCase();
  if (/handwrit/.test(said)) return "handwriting";
  if (/early print|incunab|fraktur|blackletter|historic/.test(said)) return "early print";
  return "printed";
}

export function normalisedWords(text: string): string[] {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/(\p{L})-[ \t]*\n\s*(\p{L})/gu, "$1$2")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== "");
}

/** Word-level Levenshtein distance (substitutions, insertions, deletions). */
export function wordEditDistance(
  reference: readonly string[],
  hypothesis: readonly string[],
): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const current = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const substitution = previous[j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[hypothesis.length]!;
}

export interface WordScore {
  referenceWords: number;
  errors: number;
  /** 1 - errors / referenceWords, at least 0. */
  accuracy: number;
}

export function wordAccuracy(reference: string, hypothesis: string): WordScore {
  const ref = normalisedWords(reference);
  const errors = wordEditDistance(ref, normalisedWords(hypothesis));
  const accuracy = ref.length === 0 ? 0 : Math.max(0, 1 - errors / ref.length);
  return { referenceWords: ref.length, errors, accuracy };
}

/** Accuracy over several pages together: total errors over total reference words. */
export function pooledAccuracy(scores: readonly WordScore[]): number {
  const words = scores.reduce((sum, s) => sum + s.referenceWords, 0);
  const errors = scores.reduce((sum, s) => sum + s.errors, 0);
  return words === 0 ? 0 : Math.max(0, 1 - errors / words);
}
