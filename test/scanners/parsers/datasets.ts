import { readFileSync } from "node:fs";
import { join } from "node:path";

export const DATASETS = "/work/shared/datasets/docs";

export interface ManifestEntry {
  file: string;
  notes: string;
  password: string | null;
  tags: string[];
}

export function manifest(kind: "pdf" | "docx"): ManifestEntry[] {
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
