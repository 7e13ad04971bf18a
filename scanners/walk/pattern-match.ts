/**
 * git's match_basename / match_pathname / last_matching_pattern_from_list (dir.c), including
 * the literal-prefix shortcut, which is not only an optimisation: cutting the prefix changes
 * where a `**` counts as leading (git matches `a**\/b` against `ax/y/b`).
 */
import type { GitPattern } from "./gitignore-parse.js";
import { wildmatch } from "./wildmatch.js";

export const SETTINGS_SOURCE = "excludes setting";

/** Patterns of one source (a .gitignore, info/exclude, ...), all relative to one directory. */
export interface PatternList {
  patterns: GitPattern[];
  /** Length of the directory prefix (with its trailing '/') that paths matched here start with. */
  baseLength: number;
  /** Which path the list is matched against: repository-relative, or walk-root-relative. */
  coordinate: "repo" | "walk";
  /**
   * Where the patterns came from, for `docindex explain`: the absolute path of the file, or
   * SETTINGS_SOURCE for the `excludes` setting.
   */
  source: string;
}

/**
 * The last pattern in `list` that matches (git's last_matching_pattern_from_list): it decides,
 * ignoring unless it is a `!` pattern. undefined when none matches. `path` is a byte string;
 * the entry's basename is its last `basenameLength` bytes.
 */
export function lastMatchingPattern(
  list: PatternList,
  path: string,
  basenameLength: number,
  isDir: boolean,
): GitPattern | undefined {
  const patterns = list.patterns;
  for (let i = patterns.length - 1; i >= 0; i--) {
    const pattern = patterns[i] as GitPattern;
    if (pattern.mustBeDir && !isDir) continue;
    const hit = pattern.noDir
      ? matchBasename(pattern, path, path.length - basenameLength)
      : matchPathname(pattern, path, list.baseLength);
    if (hit) return pattern;
  }
  return undefined;
}

function matchBasename(pattern: GitPattern, path: string, start: number): boolean {
  const text = pattern.text;
  const length = path.length - start;
  if (pattern.literalPrefix === text.length) {
    return length === text.length && path.startsWith(text, start);
  }
  if (pattern.endsWith) {
    return text.length - 1 <= length && path.endsWith(pattern.suffix);
  }
  if (pattern.required !== "" && path.indexOf(pattern.required, start) < 0) return false;
  return wildmatch(text, 0, text.length, path, start, path.length);
}

function matchPathname(pattern: GitPattern, path: string, start: number): boolean {
  const text = pattern.text;
  let pi = pattern.pathStart;
  const prefix = pattern.pathLiteral.length;
  let ni = start;
  if (prefix > 0) {
    if (prefix > path.length - ni) return false;
    if (!path.startsWith(pattern.pathLiteral, ni)) return false;
    pi += prefix;
    ni += prefix;
    if (pi === text.length && ni === path.length) return true;
  }
  if (pattern.required !== "" && path.indexOf(pattern.required, start) < 0) return false;
  return wildmatch(text, pi, text.length, path, ni, path.length);
}
