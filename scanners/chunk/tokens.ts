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

function wordCost(word: string): number {
  let cost = 0;
  for (const m of word.matchAll(SUBWORD)) cost += subwordCost(m[0]);
  return Math.max(cost, 1);
}

function punctuationCost(run: string): number {
  const n = [...run].length;
  if (n > 3 && new Set(run).size === 1) return Math.ceil(n / 8);
  return Math.ceil(n / 2);
}

export function estimateTokens(text: string): number {
  let tokens = 0;
  const n = text.length;
  let i = 0;
  // Pieces never span whitespace, so the text is estimated span by span between ASCII
  // whitespace: the fast path for each all-ASCII span, the patterns only for the others.
  while (i < n) {
    while (i < n && isAsciiSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    let j = i;
    let ascii = true;
    for (; j < n; j++) {
      const code = text.charCodeAt(j);
      if (code >= 128) ascii = false;
      else if (CLASS[code] === C.Space) break;
    }
    tokens += ascii ? asciiSpanTokens(text, i, j) : patternTokens(text.slice(i, j));
    i = j;
  }
  return tokens;
}

function patternTokens(text: string): number {
  let tokens = 0;
  for (const m of text.matchAll(PIECE)) {
    if (m[1] !== undefined) tokens += 1;
    else if (m[2] !== undefined) tokens += wordCost(m[2]);
    else if (m[3] !== undefined) tokens += punctuationCost(m[3]);
  }
  return tokens;
}

/*
 * The ASCII estimate as one pass over character codes. It counts what the patterns above count
 * on ASCII text (words of [A-Za-z0-9_], runs of other non-space marks, a word split at case and
 * digit boundaries: "HTMLParser" is "HTML" + "Parser") without match objects or substrings:
 * estimating was the largest cost left on the indexing thread, and most text is ASCII.
 */
const C = { Space: 0, Upper: 1, Lower: 2, Digit: 3, Underscore: 4, Mark: 5 } as const;
type C = (typeof C)[keyof typeof C];

const CLASS = new Uint8Array(128).map((_, code): C => {
  if (code === 32 || (code >= 9 && code <= 13)) return C.Space;
  if (code >= 65 && code <= 90) return C.Upper;
  if (code >= 97 && code <= 122) return C.Lower;
  if (code >= 48 && code <= 57) return C.Digit;
  return code === 95 ? C.Underscore : C.Mark;
});

function isAsciiSpace(code: number): boolean {
  return code < 128 && CLASS[code] === C.Space;
}

/** The estimate of text[start, end): ASCII, no whitespace. */
function asciiSpanTokens(text: string, start: number, end: number): number {
  let tokens = 0;
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    let j = i + 1;
    if (CLASS[code] === C.Mark) {
      let same = true;
      for (; j < end; j++) {
        const next = text.charCodeAt(j);
        if (CLASS[next] !== C.Mark) break;
        if (next !== code) same = false;
      }
      const length = j - i;
      tokens += length > 3 && same ? Math.ceil(length / 8) : Math.ceil(length / 2);
    } else {
      while (j < end && CLASS[text.charCodeAt(j)] !== C.Mark) j++;
      tokens += asciiWordCost(text, i, j);
    }
    i = j;
  }
  return tokens;
}

function runEnd(text: string, from: number, end: number, cls: C): number {
  let k = from;
  while (k < end && CLASS[text.charCodeAt(k)] === cls) k++;
  return k;
}

/** wordCost of text[start, end), a run of ASCII word characters. */
function asciiWordCost(text: string, start: number, end: number): number {
  const first = CLASS[text.charCodeAt(start)];
  const simpleFrom = first === C.Upper || first === C.Lower ? start + 1 : start;
  if (runEnd(text, simpleFrom, end, C.Lower) === end) return latinCost(end - start);
  let cost = 0;
  let k = start;
  while (k < end) {
    const cls = CLASS[text.charCodeAt(k)];
    if (cls === C.Upper) {
      const upperEnd = runEnd(text, k, end, C.Upper);
      const lowerNext = upperEnd < end && CLASS[text.charCodeAt(upperEnd)] === C.Lower;
      if (!lowerNext) {
        cost += latinCost(upperEnd - k);
        k = upperEnd;
      } else if (upperEnd - k >= 2) {
        // "HTMLParser": the last capital starts the next word.
        cost += latinCost(upperEnd - 1 - k);
        k = upperEnd - 1;
      } else {
        const lowerEnd = runEnd(text, upperEnd, end, C.Lower);
        cost += latinCost(lowerEnd - k);
        k = lowerEnd;
      }
    } else if (cls === C.Lower) {
      const lowerEnd = runEnd(text, k, end, C.Lower);
      cost += latinCost(lowerEnd - k);
      k = lowerEnd;
    } else if (cls === C.Digit) {
      const digitEnd = runEnd(text, k, end, C.Digit);
      cost += Math.ceil((digitEnd - k) / 3);
      k = digitEnd;
    } else k++;
  }
  return Math.max(cost, 1);
}
