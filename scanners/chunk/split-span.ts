/**
 * Cuts one span of text into pieces that fit a token budget, at the coarsest boundary that
 * works: paragraphs (blank lines), then sentences, then lines, then words, and only as a last
 * resort inside a word. Pieces are offsets into the original text so line numbers stay exact.
 */
import { estimateTokens } from "./tokens.js";

export interface Span {
  start: number;
  end: number;
  /** The span's token estimate, when the cut already knows it (so the chunk needs no new pass). */
  tokens?: number;
}

/** Each level's separators; a unit ends right after its separator, so units tile the span. */
const LEVELS: RegExp[] = [
  /\n[ \t\r\f\v]*\n\s*/g,
  /(?:[.!?…]+["'”’)\]]*\s+|[。！？]+\s*)/gu,
  /\n/g,
  /\s+/g,
];

function unitsAt(text: string, span: Span, level: RegExp): Span[] {
  const units: Span[] = [];
  const body = text.slice(span.start, span.end);
  let start = 0;
  for (const m of body.matchAll(new RegExp(level.source, level.flags))) {
    const end = m.index + m[0].length;
    if (end > start && end < body.length) {
      units.push({ start: span.start + start, end: span.start + end });
      start = end;
    }
  }
  units.push({ start: span.start + start, end: span.end });
  return units;
}

/**
 * Characters estimated ahead of a cut, per token of budget, at first: a piece holds at most a
 * few characters per token (8 for a run of one mark), so this window nearly always holds more
 * than the budget. It doubles when it does not.
 */
const WINDOW_CHARS_PER_TOKEN = 16;

/**
 * Inside a word: the longest prefixes that fit, never cutting a surrogate pair. Each cut looks
 * at a window ahead of it, not at the whole rest: estimating the rest for every piece made a
 * minified 700 KB bundle (one long line, 750 pieces) take 20 s.
 */
function hardSplit(text: string, span: Span, budget: number): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  while (start < span.end) {
    let window = Math.min(span.end - start, budget * WINDOW_CHARS_PER_TOKEN);
    let windowTokens = estimateTokens(text.slice(start, start + window));
    while (windowTokens <= budget && start + window < span.end) {
      window = Math.min(span.end - start, window * 2);
      windowTokens = estimateTokens(text.slice(start, start + window));
    }
    let len =
      windowTokens <= budget ? window : Math.max(1, Math.floor((window * budget) / windowTokens));
    while (len > 1 && estimateTokens(text.slice(start, start + len)) > budget) {
      len = Math.max(1, Math.floor(len * 0.9));
    }
    let end = start + len;
    const code = text.charCodeAt(end - 1);
    if (end < span.end && code >= 0xd800 && code <= 0xdbff) end++;
    pieces.push({ start, end });
    start = end;
  }
  return pieces;
}

/**
 * Balanced packing: a span that needs k pieces is cut into k pieces of about equal size rather
 * than k - 1 full ones and a scrap (a scrap embeds poorly and, being short, gets an inflated
 * BM25 length normalization). A unit that alone exceeds the budget is cut at the next finer
 * level. `overlap` re-uses trailing units of the previous piece, in tokens.
 */
export function splitSpan(
  text: string,
  span: Span,
  budget: number,
  overlap = 0,
  depth = 0,
): Span[] {
  const spanTokens = span.tokens ?? estimateTokens(text.slice(span.start, span.end));
  if (spanTokens <= budget) return [{ start: span.start, end: span.end, tokens: spanTokens }];
  const level = LEVELS[depth];
  if (level === undefined) return hardSplit(text, span, budget);

  const units = unitsAt(text, span, level);
  const costs = units.map((u) => estimateTokens(text.slice(u.start, u.end)));
  const total = costs.reduce((a, b) => a + b, 0);
  const target = total / Math.ceil(total / budget);
  const pieces: Span[] = [];
  let first = 0;
  let tokens = 0;
  const flush = (endIndex: number): void => {
    const last = units[endIndex - 1];
    const head = units[first];
    if (last === undefined || head === undefined || endIndex <= first) return;
    pieces.push({ start: head.start, end: last.end });
    let back = endIndex;
    let carried = 0;
    while (overlap > 0 && back - 1 > first && carried + (costs[back - 1] ?? 0) <= overlap) {
      back--;
      carried += costs[back] ?? 0;
    }
    first = back;
    tokens = carried;
  };

  for (let i = 0; i < units.length; i++) {
    const cost = costs[i] ?? 0;
    const unit = units[i];
    if (unit === undefined) continue;
    if (cost > budget) {
      // The units gathered so far are cut at the finer level together with this one, so a
      // heading line or a short paragraph joins the first sentences after it instead of
      // becoming a chunk of its own.
      const head = units[first];
      const from = head !== undefined && first < i ? head.start : unit.start;
      pieces.push(...splitSpan(text, { start: from, end: unit.end }, budget, overlap, depth + 1));
      first = i + 1;
      tokens = 0;
      continue;
    }
    if (tokens + cost > budget || (tokens > 0 && tokens + cost / 2 > target)) {
      flush(i);
      // The carried overlap and this unit do not fit together: the overlap gives way.
      if (tokens + cost > budget) {
        first = i;
        tokens = 0;
      }
    }
    tokens += cost;
  }
  flush(units.length);
  return pieces;
}
