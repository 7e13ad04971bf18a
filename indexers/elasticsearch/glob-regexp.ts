/**
 * Path globs (picomatch syntax, as the SQLite store applies them) as Lucene regular expressions
 * on the `path` keyword, so a glob filter runs inside the query and `limit` counts only hits that
 * pass it. The translation is exact for the common syntax (`*`, `**`, `?`, `[...]`, `{a,b}`,
 * escapes, a leading `!`) and deliberately wider for the rest (extglobs, `{1..3}` ranges, POSIX
 * classes, `[!...]`): the store checks every hit with picomatch itself, so wider is safe,
 * narrower is not.
 */

export interface GlobRegexp {
  /** Lucene regexp syntax with optional operators off (flags "NONE"); anchored by Lucene. */
  regexp: string;
  /** A leading "!" negates the glob, as in picomatch. */
  negated: boolean;
  /** False when the regexp only approximates the glob (from above). */
  exact: boolean;
}

const EXTGLOB = /[!@+*?]\(/;
const BRACE_RANGE = /\{[^{}]*\.\.[^{}]*\}/;

/** Escapes one literal character; Lucene takes a backslash before any character as a literal. */
function literal(char: string): string {
  return char === "/" || /[\p{L}\p{N}]/u.test(char) ? char : `\\${char}`;
}

/** Index of the `]` closing a bracket expression that opens at `start`, or -1. */
function closingBracket(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === "!" || glob[i] === "^") i++;
  if (glob[i] === "]") i++;
  for (; i < glob.length; i++) {
    if (glob[i] === "\\") i++;
    else if (glob[i] === "]") return i;
  }
  return -1;
}

function bracket(body: string): string {
  // As in picomatch, a negated class never matches a slash.
  const negated = body[0] === "^";
  const first = negated ? 1 : 0;
  let out = negated ? "[^/" : "[";
  for (let i = first; i < body.length; i++) {
    const c = body[i] ?? "";
    if (c === "\\" && i + 1 < body.length) out += literal(body[++i] ?? "");
    else if (c === "-" && i > first && i < body.length - 1) out += "-";
    else out += literal(c);
  }
  return `${out}]`;
}

export function globToRegexp(input: string): GlobRegexp {
  let glob = input;
  let negated = false;
  while (glob.startsWith("!") && !glob.startsWith("!(")) {
    negated = !negated;
    glob = glob.slice(1);
  }
  while (glob.startsWith("./")) glob = glob.slice(2);
  // picomatch reads `[!a]` as "the text [!a], or one of ! and a", not as a negation.
  if (EXTGLOB.test(glob) || BRACE_RANGE.test(glob) || glob.includes("[[:") || glob.includes("[!")) {
    return { regexp: ".*", negated: false, exact: false };
  }

  let out = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    const atSegmentStart = i === 0 || glob[i - 1] === "/";
    if (c === "\\") {
      out += i + 1 < glob.length ? literal(glob[++i] ?? "") : "\\\\";
    } else if (c === "*") {
      let j = i;
      while (glob[j + 1] === "*") j++;
      const segmentEnd = j + 1 === glob.length || glob[j + 1] === "/";
      if (j > i && atSegmentStart && segmentEnd) {
        // A globstar segment: any number of whole directories, including none.
        if (j + 1 === glob.length) out = i === 0 ? ".*" : `${out.replace(/\/$/, "")}(/.*)?`;
        else {
          out += "([^/]*/)*";
          j++; // the slash is part of the repetition
        }
      } else {
        out += "[^/]*";
      }
      i = j;
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const end = closingBracket(glob, i);
      if (end === -1) out += literal(c);
      else {
        out += bracket(glob.slice(i + 1, end));
        i = end;
      }
    } else if (c === "{") {
      depth++;
      out += "(";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) {
      out += "|";
    } else {
      out += literal(c);
    }
  }
  // An unclosed brace is a literal in picomatch; a wider match keeps the result correct.
  if (depth > 0 || !compiles(out)) return { regexp: ".*", negated: false, exact: false };
  return { regexp: out, negated, exact: true };
}

/**
 * The regexps made here use only syntax that JavaScript reads the same way, so one that
 * JavaScript rejects (a reversed range, `[z-a]`) would make Elasticsearch fail the search.
 */
function compiles(regexp: string): boolean {
  try {
    new RegExp(`^(?:${regexp})$`);
    return true;
  } catch {
    return false;
  }
}
