/**
 * What every match of a regular expression must contain, as literals combined with and/or
 * (store.ts `TextQuery`), for the n-gram prefilter. Russ Cox's trigram-index analysis in small:
 * each node is either a small set of exact strings it can match, or a query any of its matches
 * satisfies. Concatenation crosses exact sets (up to MAX_EXACT strings), alternation unites
 * them, and whatever is unknown (`.`, classes, `\w`, `*`) is `{ all: true }`. The answer may be
 * weaker than the pattern (the text is verified afterwards), never stronger.
 *
 * The pattern has already compiled (re2js), so its syntax is valid; anything this small parser
 * does not follow gives `{ all: true }` (a scan) rather than a wrong prefilter.
 */
import type { TextQuery } from "../../indexers/store.js";

const MAX_EXACT = 64;
const ALL: TextQuery = { all: true };

interface Info {
  /** Every string the node can match, when there are few; null when unknown. */
  exact: Set<string> | null;
  /** What every match satisfies (beyond `exact`, when that is known). */
  query: TextQuery;
}

const anything = (): Info => ({ exact: null, query: ALL });
const empty = (): Info => ({ exact: new Set([""]), query: ALL });
const char = (c: string): Info => ({ exact: new Set([c]), query: ALL });

function and(...parts: TextQuery[]): TextQuery {
  const kept = parts.filter((p) => !("all" in p));
  return kept.length === 0 ? ALL : kept.length === 1 ? kept[0]! : { and: kept };
}

function or(...parts: TextQuery[]): TextQuery {
  if (parts.some((p) => "all" in p)) return ALL;
  return parts.length === 1 ? parts[0]! : { or: parts };
}

/** The node as a query alone: its exact strings as an `or` (an empty string matches anything). */
function asQuery(info: Info): TextQuery {
  if (info.exact === null) return info.query;
  const strings = [...info.exact];
  if (strings.some((s) => s === "")) return info.query;
  return and(info.query, or(...strings.map((literal) => ({ literal }))));
}

function concat(a: Info, b: Info): Info {
  if (a.exact !== null && b.exact !== null && a.exact.size * b.exact.size <= MAX_EXACT) {
    const exact = new Set<string>();
    for (const x of a.exact) for (const y of b.exact) exact.add(x + y);
    return { exact, query: and(a.query, b.query) };
  }
  return { exact: null, query: and(asQuery(a), asQuery(b)) };
}

function alternate(a: Info, b: Info): Info {
  if (a.exact !== null && b.exact !== null && a.exact.size + b.exact.size <= MAX_EXACT)
    return { exact: new Set([...a.exact, ...b.exact]), query: or(a.query, b.query) };
  return { exact: null, query: or(asQuery(a), asQuery(b)) };
}

/** Thrown on syntax this parser does not follow; the caller answers `{ all: true }`. */
class Unfollowed extends Error {}

/** Escapes that stand for one known character. */
const CHAR_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", a: "\x07" };
/** Escapes that match no character (assertions). */
const EMPTY_ESCAPES = new Set(["b", "B", "A", "z", "Z", "<", ">"]);

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Info {
    const info = this.alternation();
    if (this.i < this.src.length) throw new Unfollowed("unbalanced )");
    return info;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): Info {
    let info = this.sequence();
    while (this.peek() === "|") {
      this.i++;
      info = alternate(info, this.sequence());
    }
    return info;
  }

  private sequence(): Info {
    let info = empty();
    while (this.i < this.src.length && this.peek() !== "|" && this.peek() !== ")")
      info = concat(info, this.repeated());
    return info;
  }

  private repeated(): Info {
    let info = this.atom();
    for (;;) {
      const c = this.peek();
      if (c === "*") {
        this.i++;
        info = anything();
      } else if (c === "?") {
        this.i++;
        info =
          info.exact === null ? anything() : { exact: new Set([...info.exact, ""]), query: ALL };
      } else if (c === "+") {
        this.i++;
        info = { exact: null, query: asQuery(info) };
      } else if (c === "{" && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
        const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.i))!;
        this.i += m[0].length;
        info = Number(m[1]) === 0 ? anything() : { exact: null, query: asQuery(info) };
      } else break;
      // A lazy or possessive suffix changes which match is found, not what matches must hold.
      if (this.peek() === "?" || this.peek() === "+") this.i++;
    }
    return info;
  }

  private atom(): Info {
    const c = this.src[this.i++]!;
    if (c === "(") return this.group();
    if (c === "[") return this.charClass();
    if (c === "\\") return this.escape();
    if (c === "." ) return anything();
    if (c === "^" || c === "$") return empty();
    return char(c);
  }

  private group(): Info {
    if (this.peek() === "?") {
      const rest = this.src.slice(this.i);
      const named = /^\?P?<[A-Za-z_][A-Za-z0-9_.[\]]*>/.exec(rest);
      const flags = /^\?[A-Za-z-]*(:|\))/.exec(rest);
      if (named) this.i += named[0].length;
      else if (flags) {
        this.i += flags[0].length;
        // `(?i)` sets flags for the rest of the group and matches nothing itself. Case does
        // not matter to the prefilter (the index folds case).
        if (flags[1] === ")") return empty();
      } else throw new Unfollowed("group syntax");
    }
    const info = this.alternation();
    if (this.src[this.i++] !== ")") throw new Unfollowed("missing )");
    return info;
  }

  /** Classes are skipped (nested classes and POSIX names included) and match one unknown character. */
  private charClass(): Info {
    let depth = 1;
    if (this.peek() === "^") this.i++;
    if (this.peek() === "]") this.i++;
    while (this.i < this.src.length && depth > 0) {
      const c = this.src[this.i++];
      if (c === "\\") this.i++;
      else if (c === "[") {
        if (this.peek() === ":") {
          const end = this.src.indexOf(":]", this.i);
          if (end >= 0) this.i = end + 2;
        } else depth++;
      } else if (c === "]") depth--;
    }
    if (depth > 0) throw new Unfollowed("class");
    return anything();
  }

  private escape(): Info {
    const c = this.src[this.i++];
    if (c === undefined) throw new Unfollowed("trailing backslash");
    if (c in CHAR_ESCAPES) return char(CHAR_ESCAPES[c]!);
    if (EMPTY_ESCAPES.has(c)) {
      if ((c === "b" || c === "B") && this.peek() === "{") this.skipBraces();
      return empty();
    }
    if (c === "p" || c === "P") {
      if (this.peek() === "{") this.skipBraces();
      else this.i++;
      return anything();
    }
    if (c === "x" || c === "u" || c === "U") {
      if (this.peek() === "{") {
        const end = this.src.indexOf("}", this.i);
        if (end < 0) throw new Unfollowed("hex");
        const code = parseInt(this.src.slice(this.i + 1, end), 16);
        this.i = end + 1;
        return Number.isFinite(code) ? char(String.fromCodePoint(code)) : anything();
      }
      const digits = c === "x" ? 2 : c === "u" ? 4 : 8;
      const code = parseInt(this.src.slice(this.i, this.i + digits), 16);
      this.i += digits;
      return Number.isFinite(code) ? char(String.fromCodePoint(code)) : anything();
    }
    if (c === "Q") {
      const end = this.src.indexOf("\\E", this.i);
      const text = this.src.slice(this.i, end < 0 ? undefined : end);
      this.i = end < 0 ? this.src.length : end + 2;
      return { exact: new Set([text]), query: ALL };
    }
    if (/[A-Za-z0-9]/.test(c)) return anything(); // \d \w \s \D \W \S \C, octal: any character
    return char(c); // escaped punctuation is the character itself
  }

  private skipBraces(): void {
    const end = this.src.indexOf("}", this.i);
    if (end < 0) throw new Unfollowed("braces");
    this.i = end + 1;
  }
}

/** What every match of `pattern` (valid regex syntax) must contain; `{ all: true }` when unknown. */
export function requiredLiterals(pattern: string): TextQuery {
  try {
    return asQuery(new Parser(pattern).parse());
  } catch (error) {
    if (error instanceof Unfollowed) return ALL;
    throw error;
  }
}
