/**
 * A plain-text excerpt of about `width` characters around the densest cluster of query words,
 * cut the same way by both stores so that a hit reads the same whichever store found it. The
 * SQLite FTS index is contentless, so FTS5's snippet() has no text to cut from; and plain text
 * (no highlight markers) is what an LLM client wants to quote. Query words are matched loosely
 * (case, accents, a shared stem-like prefix) because the stores matched them after stemming.
 */

import { isCjk } from "./segment.js";

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MAX_MATCHES = 500;

function fold(word: string): string {
  // Most words are ASCII; normalizing them is the slowest part of building a snippet.
  if (/^\p{ASCII}*$/u.test(word)) return word.toLowerCase();
  return word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function sameStem(term: string, word: string): boolean {
  if (term.length <= 3 || word.length <= 3) return term === word;
  let common = 0;
  while (common < term.length && common < word.length && term[common] === word[common]) common++;
  return common >= Math.max(3, Math.min(term.length, word.length) - 3);
}

interface Match {
  start: number;
  end: number;
  term: number;
}

function findMatches(text: string, terms: string[]): Match[] {
  const folded = terms.map((t) => ({ term: fold(t), cjk: isCjk(t) }));
  const matches: Match[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = fold(m[0]);
    // A CJK term is a run inside a longer unspaced run of text.
    const term = folded.findIndex((t) => (t.cjk ? word.includes(t.term) : sameStem(t.term, word)));
    if (term !== -1) matches.push({ start: m.index, end: m.index + m[0].length, term });
    if (matches.length >= MAX_MATCHES) break;
  }
  return matches;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function makeSnippet(text: string, terms: string[], width = 200): string {
  if (text.length <= width) return collapse(text);
  const matches = findMatches(text, terms);
  let from = 0;
  let to = 0;
  let best = -1;
  // Two pointers over the matches: the window [i, j] is the longest run starting at match i
  // that fits in `width`; `seen` counts each term's occurrences inside it.
  const seen = new Array<number>(terms.length).fill(0);
  let distinct = 0;
  let j = 0;
  for (let i = 0; i < matches.length; i++) {
    const first = matches[i];
    if (first === undefined) continue;
    for (; j < matches.length; j++) {
      const m = matches[j];
      if (m === undefined || (j > i && m.end - first.start > width)) break;
      if ((seen[m.term] ?? 0) === 0) distinct++;
      seen[m.term] = (seen[m.term] ?? 0) + 1;
    }
    const value = distinct * 1000 + (j - i);
    if (value > best) {
      best = value;
      from = first.start;
      to = matches[j - 1]?.end ?? first.end;
    }
    seen[first.term] = (seen[first.term] ?? 0) - 1;
    if (seen[first.term] === 0) distinct--;
  }
  let start = Math.max(0, Math.floor(from - (width - (to - from)) / 2));
  let end = Math.min(text.length, start + width);
  start = Math.max(0, end - width);
  if (start > 0) {
    const space = text.slice(start, from).search(/\s/);
    if (space !== -1) start += space + 1;
  }
  if (end < text.length) {
    const tail = text.slice(Math.max(to, start), end);
    const space = tail.search(/\s\S*$/);
    if (space !== -1) end = Math.max(to, start) + space;
  }
  return `${start > 0 ? "…" : ""}${collapse(text.slice(start, end))}${end < text.length ? "…" : ""}`;
}
