/**
 * A grep pattern compiled for the three things grep does with it: the n-gram prefilter (what
 * every match must contain, for the store), a quick test that finds the lines worth checking
 * (a required literal, searched with indexOf or a literal-only JavaScript RegExp, which cannot
 * backtrack), and the check itself with re2js, a linear-time engine: no pattern can make a
 * search take more than time proportional to the text, so none can hang the server.
 */
import { RE2JS } from "re2js";
import type { TextQuery } from "../../indexers/store.js";
import { DocindexError } from "../errors.js";
import { requiredLiterals } from "./required-literals.js";
import { rustToRe2, WORD_CHARS } from "./rust-syntax.js";

export interface GrepOptions {
  pattern: string;
  /** The pattern is a literal string (rg -F). */
  fixedStrings?: boolean;
  /** rg -i. */
  ignoreCase?: boolean;
  /** Matches must have no word character on either side (rg -w). */
  wordRegexp?: boolean;
}

export const MAX_PATTERN_LENGTH = 1000;

export interface CompiledPattern {
  /** What every matching document contains, for the store's n-gram index. */
  prefilter: TextQuery;
  /**
   * Where lines worth checking start to be found: the offset of the next place at or after
   * `from` that may be part of a match, or -1 when there is none. Undefined: every line.
   */
  nextCandidate?: (text: string, from: number) => number;
  /** The 0-based column of the first match in the line, or -1. */
  firstMatch(line: string): number;
  /** The whole-text matcher (multi-line) that skips to the next line that may match. */
  scan: RE2JS;
}

function regexEscape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/** The longest literal an `and` needs, or the literals of an `or`: one of them is in every match. */
function requiredAlternatives(query: TextQuery): string[] | undefined {
  if ("literal" in query) return [query.literal];
  if ("or" in query) {
    const all = query.or.map(requiredAlternatives);
    if (all.some((a) => a === undefined || a.length !== 1)) return undefined;
    return all.map((a) => a![0]!);
  }
  if ("and" in query) {
    let best: string[] | undefined;
    for (const part of query.and) {
      const alts = requiredAlternatives(part);
      if (alts === undefined) continue;
      const shortest = Math.min(...alts.map((a) => a.length));
      if (best === undefined || shortest > Math.min(...best.map((a) => a.length))) best = alts;
    }
    return best;
  }
  return undefined;
}

/** Whether the pattern turns case-insensitivity on anywhere (`(?i)`, `(?ix:...)`). */
function setsIgnoreCase(pattern: string): boolean {
  return /\(\?[A-Za-z]*i[A-Za-z]*(?:-[A-Za-z]*)?[:)]/.test(pattern);
}

function candidateFinder(
  literals: string[],
  ignoreCase: boolean,
): ((text: string, from: number) => number) | undefined {
  const usable = literals.filter((l) => l.length > 0);
  if (usable.length === 0 || usable.length !== literals.length) return undefined;
  if (usable.length === 1 && !ignoreCase) {
    const literal = usable[0]!;
    return (text, from) => text.indexOf(literal, from);
  }
  // Literals only: no quantifier, so no backtracking. `iu` folds case as RE2 does (simple folding).
  const finder = new RegExp(usable.map(regexEscape).join("|"), ignoreCase ? "giu" : "gu");
  return (text, from) => {
    finder.lastIndex = from;
    const m = finder.exec(text);
    return m === null ? -1 : m.index;
  };
}

/**
 * A literal's check without re2js: indexOf, or a JavaScript RegExp of the escaped literal (and,
 * for -w, one-character look-arounds), which has nothing to backtrack over. Same answers as
 * the re2js check, several times faster on the lines of common literals.
 */
function literalMatcher(options: GrepOptions): (line: string) => number {
  const { pattern } = options;
  if (!options.ignoreCase && !options.wordRegexp) return (line) => line.indexOf(pattern);
  const word = `[${WORD_CHARS.replaceAll("\\x{", "\\u{")}]`;
  const body = regexEscape(pattern);
  const source = options.wordRegexp ? `(?<!${word})${body}(?!${word})` : body;
  const regexp = new RegExp(source, options.ignoreCase ? "iu" : "u");
  return (line) => line.search(regexp);
}

export function compilePattern(options: GrepOptions): CompiledPattern {
  const { pattern } = options;
  if (pattern.length === 0) throw new DocindexError("USAGE", "grep: the pattern is empty");
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new DocindexError(
      "USAGE",
      `grep: the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH}`,
    );
  if (pattern.includes("\n"))
    throw new DocindexError(
      "USAGE",
      "grep: the pattern contains a line break; grep matches within one line (as ripgrep does)",
    );
  let source = options.fixedStrings ? RE2JS.quote(pattern) : rustToRe2(pattern);
  // rg -w: no word character just before or after. RE2 has no look-around, so the neighbours
  // are matched too, and the match itself is group 1.
  if (options.wordRegexp) source = `(?:^|[^${WORD_CHARS}])(${source})(?:$|[^${WORD_CHARS}])`;
  const group = options.wordRegexp ? 1 : 0;
  const flags = options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0;
  let line: RE2JS;
  let scan: RE2JS;
  try {
    line = RE2JS.compile(source, flags);
    scan = RE2JS.compile(source, flags | RE2JS.MULTILINE);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, "");
    throw new DocindexError(
      "USAGE",
      `grep: invalid regular expression ${JSON.stringify(pattern)}: ${reason}`,
    );
  }
  const prefilter: TextQuery = options.fixedStrings
    ? { literal: pattern }
    : requiredLiterals(pattern);
  const alternatives = requiredAlternatives(prefilter);
  const foldCase = options.ignoreCase === true || (!options.fixedStrings && setsIgnoreCase(pattern));
  const compiled: CompiledPattern = {
    prefilter,
    scan,
    firstMatch(text) {
      const m = line.matcher(text);
      return m.find() ? m.start(group) : -1;
    },
  };
  const finder = alternatives && candidateFinder(alternatives, foldCase);
  if (finder !== undefined) compiled.nextCandidate = finder;
  if (options.fixedStrings) compiled.firstMatch = literalMatcher(options);
  return compiled;
}
