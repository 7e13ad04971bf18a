/**
 * Plain figures about a text: words, lines, characters, estimated tokens. Computed, never
 * guessed.
 */
import { estimateTokens } from "../../scanners/chunk/index.js";

export interface TextStatistics {
  characters: number;
  words: number;
  lines: number;
  estimatedTokens: number;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;

export function textStatistics(text: string): TextStatistics {
  let lines = text.length === 0 ? 0 : 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  if (text.endsWith("\n")) lines--;
  return {
    characters: text.length,
    words: text.match(WORD)?.length ?? 0,
    lines,
    estimatedTokens: estimateTokens(text),
  };
}

/** Lower-cased words of 3+ letters, for term statistics (numbers alone are not terms). */
export function termsOf(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}[\p{L}\p{N}_]{2,}/gu) ?? []).filter((t) => t.length <= 40);
}
