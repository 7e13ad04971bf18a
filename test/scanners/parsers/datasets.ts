import { readFileSync } from "node:fs";
import { join } from "node:path";
import { datasetAvailable, datasetPath as sharedPath } from "../../helpers/datasets.js";

export const DATASETS = sharedPath("docs");

/** Whether the real documents are here; prints one line naming what is missing when not. */
export const HAVE_DOCS = datasetAvailable("docs");

export interface ManifestEntry {
  file: string;
  notes: string;
  password: string | null;
  tags: string[];
}

/** The manifest of one dataset folder; empty (the tests skip) when the datasets are absent. */
export function manifest(kind: "pdf" | "docx"): ManifestEntry[] {
  if (!HAVE_DOCS) return [];
  return JSON.parse(readFileSync(join(DATASETS, kind, "manifest.json"), "utf8")) as ManifestEntry[];
}

export function datasetPath(kind: "pdf" | "docx", file: string): string {
  return join(DATASETS, kind, file);
}

/**
 * The user password a manifest entry documents: "asdfzxcv" → "asdfzxcv",
 * "user (owner: owner)" → "user", "(owner: asdfzxcv)" → "" (opens with the empty user password).
 */
export function userPassword(entry: ManifestEntry): string | undefined {
  if (entry.password === null) return undefined;
  const match = /^(.*?)\s*(?:\(owner:[^)]*\))?$/.exec(entry.password.trim());
  return match?.[1] ?? entry.password;
}

export const CJK = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;
export const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}]/u;
export const CYRILLIC = /\p{Script=Cyrillic}/u;
