/**
 * ripgrep's regex syntax (Rust's `regex` crate) as re2js reads it. Both descend from RE2 and
 * agree on almost everything; where they differ in meaning, Rust's is written out in RE2 terms:
 * `\d`, `\w`, `\s` (and their negations) are Unicode classes in Rust and ASCII in RE2; `\u`/`\U`
 * hex escapes exist only in Rust; and since ripgrep matches one line at a time, `\A` and `\z`
 * are the line's start and end, which in a multi-line search of the whole text are `^` and `$`.
 * What cannot be written out is listed in src/README.md (grep).
 */

/** Rust's `\w`: Alphabetic, marks, decimal digits, connector punctuation, joiners. */
export const WORD_CHARS = "\\p{L}\\p{Nl}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}";
/** Rust's `\s`: Unicode White_Space. */
const SPACE_CHARS = "\\t-\\r\\x{85}\\p{Z}";

/** Inside a class only the positive forms can be spliced in; negations stay ASCII there. */
const IN_CLASS: Record<string, string> = { d: "\\p{Nd}", w: WORD_CHARS, s: SPACE_CHARS };
const OUTSIDE: Record<string, string> = {
  d: "\\p{Nd}",
  D: "\\P{Nd}",
  w: `[${WORD_CHARS}]`,
  W: `[^${WORD_CHARS}]`,
  s: `[${SPACE_CHARS}]`,
  S: `[^${SPACE_CHARS}]`,
  A: "^",
  z: "$",
};

export function rustToRe2(pattern: string): string {
  let out = "";
  let classDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) return out + c; // re2js reports the trailing backslash
      const table = classDepth > 0 ? IN_CLASS : OUTSIDE;
      if (next in table) {
        out += table[next];
        i++;
        continue;
      }
      if (next === "u" || next === "U") {
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(i + 2));
        const digits = next === "u" ? 4 : 8;
        const bare = new RegExp(`^[0-9A-Fa-f]{${digits}}`).exec(pattern.slice(i + 2));
        const hex = braced?.[1] ?? bare?.[0];
        if (hex !== undefined) {
          out += `\\x{${hex}}`;
          i += 1 + (braced ? braced[0].length : hex.length);
          continue;
        }
      }
      if (next === "Q") {
        // \Q...\E is literal text: copied as is, escapes included.
        const end = pattern.indexOf("\\E", i + 2);
        const stop = end < 0 ? pattern.length : end + 2;
        out += pattern.slice(i, stop);
        i = stop - 1;
        continue;
      }
      out += c + next;
      i++;
      continue;
    }
    if (c === "[") {
      if (classDepth > 0 && pattern[i + 1] === ":") {
        const end = pattern.indexOf(":]", i);
        if (end >= 0) {
          out += pattern.slice(i, end + 2);
          i = end + 1;
          continue;
        }
      }
      classDepth++;
      out += c;
      // A `]` first in a class (or after `^`) is a literal.
      if (pattern[i + 1] === "^") out += pattern[++i];
      if (pattern[i + 1] === "]") out += pattern[++i];
      continue;
    }
    if (c === "]" && classDepth > 0) classDepth--;
    out += c;
  }
  return out;
}
