/**
 * Parsing of gitignore text into patterns, following git's dir.c (add_patterns_from_buffer,
 * trim_trailing_spaces, parse_path_pattern) so that every edge case is git's.
 */
import { isGlobSpecial } from "./wildmatch.js";

export interface GitPattern {
  /** Pattern text as a byte string, without `!` and without the trailing `/`. */
  text: string;
  negative: boolean;
  /** Trailing `/`: matches directories only. */
  mustBeDir: boolean;
  /** No `/` except a trailing one: matched against the basename at any depth. */
  noDir: boolean;
  /** `*literal`: git compares a suffix instead of calling wildmatch. */
  endsWith: boolean;
  /** Length of the leading part without glob characters (git's nowildcardlen). */
  literalPrefix: number;
  /** Precomputed for match_pathname: where matching starts (after a leading `/`) and the literal prefix from there. */
  pathStart: number;
  pathLiteral: string;
  /** Precomputed for `*literal`: the literal. */
  suffix: string;
  /** Bytes any match must contain (see requiredLiteral); lets most paths skip wildmatch. */
  required: string;
  /** 1-based line, for diagnostics. */
  line: number;
}

const BOM = "\xef\xbb\xbf";

/** `text` is a byte string (see byte-string.ts): the raw bytes of a .gitignore file. */
export function parseGitignore(text: string): GitPattern[] {
  const patterns: GitPattern[] = [];
  const body = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  const lines = body.split("\n");
  // A final line without a newline still counts; an empty remainder after the last newline does not.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line === "" || line.charCodeAt(0) === 0x23 /* # */) continue;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    // git handles lines as C strings: an embedded NUL ends the pattern.
    const nul = line.indexOf("\0");
    if (nul >= 0) line = line.slice(0, nul);
    patterns.push(parsePattern(trimTrailingSpaces(line), i + 1));
  }
  return patterns;
}

/** Unescaped trailing spaces (not tabs) go; a trailing lone backslash stops trimming, as in git. */
function trimTrailingSpaces(line: string): string {
  let lastSpace = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20) {
      if (lastSpace < 0) lastSpace = i;
    } else if (c === 0x5c) {
      i++;
      if (i >= line.length) return line;
      lastSpace = -1;
    } else {
      lastSpace = -1;
    }
  }
  return lastSpace >= 0 ? line.slice(0, lastSpace) : line;
}

function parsePattern(raw: string, line: number): GitPattern {
  let p = raw;
  const negative = p.charCodeAt(0) === 0x21; /* ! */
  if (negative) p = p.slice(1);
  const full = p;
  const mustBeDir = p.endsWith("/");
  if (mustBeDir) p = p.slice(0, -1);
  const noDir = p.indexOf("/") < 0;
  const literalPrefix = Math.min(simpleLength(full), p.length);
  // git tests the untruncated text here; a trailing '/' is not special, so the result is the same.
  const endsWith = full.charCodeAt(0) === 0x2a && simpleLength(full, 1) === full.length;
  const pathStart = p.charCodeAt(0) === 0x2f ? 1 : 0;
  const pathLiteral = p.slice(pathStart, pathStart + Math.max(0, literalPrefix - pathStart));
  const suffix = endsWith ? p.slice(1) : "";
  return {
    text: p,
    negative,
    mustBeDir,
    noDir,
    endsWith,
    literalPrefix,
    pathStart,
    pathLiteral,
    suffix,
    required: requiredLiteral(p),
    line,
  };
}

function simpleLength(s: string, from = 0): number {
  for (let i = from; i < s.length; i++) if (isGlobSpecial(s.charCodeAt(i))) return i;
  return s.length;
}

/**
 * The longest run of plain bytes that every text matching `pattern` contains. Runs stop at
 * `/` (a `**\/` may match without its slash) and at anything special. Character classes are
 * skipped by only looking before the first `[` and after the last `]`: a `[` in between either
 * opens a class that closes by then, or never closes, and then nothing matches anyway.
 */
export function requiredLiteral(pattern: string): string {
  const firstBracket = pattern.indexOf("[");
  const regions: [number, number][] =
    firstBracket < 0
      ? [[0, pattern.length]]
      : [
          [0, firstBracket],
          [pattern.lastIndexOf("]") + 1, pattern.length],
        ];
  let best = "";
  for (const [from, to] of regions) {
    let runStart = from;
    for (let i = from; i <= to; i++) {
      const c = i < to ? pattern.charCodeAt(i) : 0x2f;
      if (c === 0x2f || c === 0x5b || isGlobSpecial(c)) {
        if (i - runStart > best.length) best = pattern.slice(runStart, i);
        if (c === 0x5c) i++;
        runStart = i + 1;
      }
    }
  }
  return best;
}
