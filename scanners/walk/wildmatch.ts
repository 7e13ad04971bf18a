/**
 * A port of git's wildmatch.c (WM_PATHNAME, case-sensitive), so that patterns match exactly as
 * git matches them, quirks included. Strings are "byte strings" (one char per UTF-8 byte, see
 * byte-string.ts) because git compares bytes: `?` and `[...]` consume one byte, not one character.
 * Ranges are passed as offsets so callers can match a suffix of a path without slicing it.
 */

export const WM_MATCH = 0;
const WM_NOMATCH = 1;
const WM_ABORT_ALL = -1;
const WM_ABORT_TO_STARSTAR = -2;

const STAR = 0x2a;
const QUESTION = 0x3f;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BANG = 0x21;
const CARET = 0x5e;
const DASH = 0x2d;
const COLON = 0x3a;

/** git's is_glob_special: the characters that stop a literal prefix. */
export function isGlobSpecial(c: number): boolean {
  return c === STAR || c === QUESTION || c === LBRACKET || c === BACKSLASH;
}

// git replaces the libc ctype macros with its own ASCII-only table (ctype.c); these follow it.
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isAlpha = (c: number): boolean => isUpper(c) || isLower(c);
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isPrint = (c: number): boolean => c >= 0x20 && c <= 0x7e;

function classMatches(name: string, c: number): boolean | undefined {
  switch (name) {
    case "alnum":
      return isAlpha(c) || isDigit(c);
    case "alpha":
      return isAlpha(c);
    case "blank":
      return c === 0x20 || c === 0x09;
    case "cntrl":
      return c < 0x20 || c === 0x7f;
    case "digit":
      return isDigit(c);
    case "graph":
      return isPrint(c) && !isSpace(c);
    case "lower":
      return isLower(c);
    case "print":
      return isPrint(c);
    case "punct":
      return isPrint(c) && !isSpace(c) && !isAlpha(c) && !isDigit(c);
    case "space":
      return isSpace(c);
    case "upper":
      return isUpper(c);
    case "xdigit":
      return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
    default:
      return undefined;
  }
}

/**
 * Match p[pStart, pEnd) against t[tStart, tEnd). `pStart` is also what git calls the start of
 * the pattern, which decides whether a leading `**` is special: callers that cut a literal
 * prefix first (match_pathname) must pass the cut position, as git does.
 */
export function wildmatch(
  p: string,
  pStart: number,
  pEnd: number,
  t: string,
  tStart: number,
  tEnd: number,
): boolean {
  return dowild(p, pStart, pEnd, t, tStart, tEnd) === WM_MATCH;
}

/** The byte at `i`, or 0 past the end: C's terminating NUL, which the algorithm relies on. */
function at(s: string, i: number, end: number): number {
  return i < end ? s.charCodeAt(i) : 0;
}

function dowild(p: string, pi: number, pEnd: number, t: string, ti: number, tEnd: number): number {
  const pattern = pi;

  for (; pi < pEnd; ti++, pi++) {
    let pCh = p.charCodeAt(pi);
    let tCh = at(t, ti, tEnd);
    if (tCh === 0 && pCh !== STAR) return WM_ABORT_ALL;
    switch (pCh) {
      case BACKSLASH:
        pCh = at(p, ++pi, pEnd);
        if (tCh !== pCh) return WM_NOMATCH;
        continue;
      case QUESTION:
        if (tCh === SLASH) return WM_NOMATCH;
        continue;
      case STAR: {
        let matchSlash: boolean;
        if (at(p, ++pi, pEnd) === STAR) {
          const prevP = pi - 2;
          while (at(p, ++pi, pEnd) === STAR) {
            /* skip the run of stars */
          }
          const next = at(p, pi, pEnd);
          if (
            (prevP < pattern || p.charCodeAt(prevP) === SLASH) &&
            (next === 0 || next === SLASH || (next === BACKSLASH && at(p, pi + 1, pEnd) === SLASH))
          ) {
            if (next === SLASH && dowild(p, pi + 1, pEnd, t, ti, tEnd) === WM_MATCH) {
              return WM_MATCH;
            }
            matchSlash = true;
          } else {
            matchSlash = false;
          }
        } else {
          matchSlash = false;
        }
        if (pi >= pEnd) {
          if (!matchSlash && slashAt(t, ti, tEnd) >= 0) return WM_NOMATCH;
          return WM_MATCH;
        } else if (!matchSlash && p.charCodeAt(pi) === SLASH) {
          const slash = slashAt(t, ti, tEnd);
          if (slash < 0) return WM_NOMATCH;
          ti = slash;
          break;
        }
        for (;;) {
          if (tCh === 0) break;
          const literal = p.charCodeAt(pi);
          if (!isGlobSpecial(literal)) {
            while ((tCh = at(t, ti, tEnd)) !== 0 && (matchSlash || tCh !== SLASH)) {
              if (tCh === literal) break;
              ti++;
            }
            if (tCh !== literal) return WM_NOMATCH;
          }
          const matched = dowild(p, pi, pEnd, t, ti, tEnd);
          if (matched !== WM_NOMATCH) {
            if (!matchSlash || matched !== WM_ABORT_TO_STARSTAR) return matched;
          } else if (!matchSlash && tCh === SLASH) {
            return WM_ABORT_TO_STARSTAR;
          }
          tCh = at(t, ++ti, tEnd);
        }
        return WM_ABORT_ALL;
      }
      case LBRACKET: {
        pCh = at(p, ++pi, pEnd);
        if (pCh === CARET) pCh = BANG;
        const negated = pCh === BANG;
        if (negated) pCh = at(p, ++pi, pEnd);
        let prevCh = 0;
        let matched = false;
        do {
          if (pCh === 0) return WM_ABORT_ALL;
          if (pCh === BACKSLASH) {
            pCh = at(p, ++pi, pEnd);
            if (pCh === 0) return WM_ABORT_ALL;
            if (tCh === pCh) matched = true;
          } else if (
            pCh === DASH &&
            prevCh !== 0 &&
            at(p, pi + 1, pEnd) !== 0 &&
            at(p, pi + 1, pEnd) !== RBRACKET
          ) {
            pCh = at(p, ++pi, pEnd);
            if (pCh === BACKSLASH) {
              pCh = at(p, ++pi, pEnd);
              if (pCh === 0) return WM_ABORT_ALL;
            }
            if (tCh <= pCh && tCh >= prevCh) matched = true;
            pCh = 0;
          } else if (pCh === LBRACKET && at(p, pi + 1, pEnd) === COLON) {
            pi += 2;
            const s = pi;
            while ((pCh = at(p, pi, pEnd)) !== 0 && pCh !== RBRACKET) pi++;
            if (pCh === 0) return WM_ABORT_ALL;
            const len = pi - s - 1;
            if (len < 0 || at(p, pi - 1, pEnd) !== COLON) {
              // Not a [:class:]: the '[' is an ordinary member of the set.
              pi = s - 2;
              pCh = LBRACKET;
              if (tCh === pCh) matched = true;
              continue;
            }
            const inClass = classMatches(p.slice(s, s + len), tCh);
            if (inClass === undefined) return WM_ABORT_ALL;
            if (inClass) matched = true;
            pCh = 0;
          } else if (tCh === pCh) {
            matched = true;
          }
        } while (((prevCh = pCh), (pCh = at(p, ++pi, pEnd)) !== RBRACKET));
        if (matched === negated || tCh === SLASH) return WM_NOMATCH;
        continue;
      }
      default:
        if (tCh !== pCh) return WM_NOMATCH;
        continue;
    }
  }
  return ti < tEnd ? WM_NOMATCH : WM_MATCH;
}

function slashAt(t: string, from: number, end: number): number {
  const i = t.indexOf("/", from);
  return i >= 0 && i < end ? i : -1;
}
