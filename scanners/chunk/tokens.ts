/**
 * A tokenizer-free token estimate. No tokenizer model ships with docindex, and the budget it
 * guards (an embedding model's window) only needs to be right on average and never far too low.
 *
 * The estimate counts pieces the way BPE and WordPiece vocabularies tend to cut text:
 * identifiers split at case, digit and underscore boundaries; a word of up to eight letters is one
 * token and a longer one costs one more per five letters past eight; digits cost one per three; letters outside
 * Latin cost one per two; each CJK character is a token; punctuation costs one per two marks
 * (runs of one repeated mark, like "-----", are cheaper). Whitespace is free, which keeps the
 * estimate additive across whitespace boundaries: the chunker sums the estimates of lines or
 * sentences instead of re-estimating every candidate chunk.
 */

const PIECE =
  /(\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul})|([\p{L}\p{M}\p{N}_]+)|([^\s\p{L}\p{M}\p{N}_]+)/gu;

/** camelCase, PascalCase, ACRONYMWord, snake_case and letter/digit boundaries. */
const SUBWORD =
  /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+[\p{M}]*|\p{Lu}+[\p{M}]*|\p{N}+|[^\p{Lu}\p{Ll}\p{N}_]+/gu;

/** ASCII twins of the patterns above: most text is ASCII, and these run several times faster. */
const ASCII_TEXT = /^\p{ASCII}*$/u;
const ASCII_PIECE = /([A-Za-z0-9_]+)|([^\sA-Za-z0-9_]+)/g;
const ASCII_SIMPLE_WORD = /^[A-Za-z]?[a-z]*$/;
const ASCII_SUBWORD = /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g;

const LATIN = /^[\p{Script=Latin}\p{M}]+$/u;
const DIGITS = /^\p{N}+$/u;

function subwordCost(part: string): number {
  const n = [...part].length;
  if (DIGITS.test(part)) return Math.ceil(n / 3);
  if (LATIN.test(part)) return latinCost(n);
  return Math.ceil(n / 2);
}

function latinCost(n: number): number {
  return n <= 8 ? 1 : 1 + Math.ceil((n - 8) / 5);
}

function wordCost(word: string, ascii: boolean): number {
  if (ascii && ASCII_SIMPLE_WORD.test(word)) return latinCost(word.length);
  let cost = 0;
  for (const m of word.matchAll(ascii ? ASCII_SUBWORD : SUBWORD)) cost += subwordCost(m[0]);
  return Math.max(cost, 1);
}

function punctuationCost(run: string): number {
  const n = [...run].length;
  if (n > 3 && new Set(run).size === 1) return Math.ceil(n / 8);
  return Math.ceil(n / 2);
}

export function estimateTokens(text: string): number {
  let tokens = 0;
  if (ASCII_TEXT.test(text)) {
    for (const m of text.matchAll(ASCII_PIECE)) {
      tokens += m[1] !== undefined ? wordCost(m[1], true) : punctuationCost(m[2] ?? "");
    }
    return tokens;
  }
  for (const m of text.matchAll(PIECE)) {
    if (m[1] !== undefined) tokens += 1;
    else if (m[2] !== undefined) tokens += wordCost(m[2], false);
    else if (m[3] !== undefined) tokens += punctuationCost(m[3]);
  }
  return tokens;
}
