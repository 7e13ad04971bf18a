/**
 * Just enough of git's config reader to find `core.excludesFile` the way git does: the same
 * files in the same order (last one wins), the same value syntax (quotes, escapes, comments,
 * continuation lines) and `[include] path`. Conditional includes and `-c` are not supported.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigLocation {
  env: Env;
  /** Home directory for `~` and the global config; undefined when HOME is unset. */
  home: string | undefined;
}

const MAX_INCLUDE_DEPTH = 10;

/** The config files git reads, in order, before the repository's own config. */
export function globalConfigFiles({ env, home }: ConfigLocation): string[] {
  const files: string[] = [];
  if (!isTruthy(env.GIT_CONFIG_NOSYSTEM)) files.push(env.GIT_CONFIG_SYSTEM || "/etc/gitconfig");
  if (env.GIT_CONFIG_GLOBAL !== undefined) {
    if (env.GIT_CONFIG_GLOBAL !== "") files.push(env.GIT_CONFIG_GLOBAL);
  } else {
    const xdg = xdgConfigPath({ env, home }, "config");
    if (xdg !== undefined) files.push(xdg);
    if (home !== undefined) files.push(join(home, ".gitconfig"));
  }
  return files;
}

/** git's xdg_config_home(): $XDG_CONFIG_HOME/git/<name>, else ~/.config/git/<name>. */
export function xdgConfigPath({ env, home }: ConfigLocation, name: string): string | undefined {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg) return join(xdg, "git", name);
  if (home !== undefined) return join(home, ".config", "git", name);
  return undefined;
}

/**
 * The value of core.excludesFile as git resolves it (tilde-expanded, relative paths against
 * `relativeTo`, git's working directory), git's default when unset, or undefined when neither exists.
 */
export function resolveExcludesFile(
  loc: ConfigLocation,
  configFiles: readonly string[],
  relativeTo: string,
): string | undefined {
  let value: string | undefined;
  for (const file of configFiles) {
    const found = readConfigValue(file, "core", "excludesfile", loc, 0);
    if (found !== undefined) value = found;
  }
  if (value === undefined) return xdgConfigPath(loc, "ignore");
  if (value === "") return undefined;
  const expanded = expandUserPath(value, loc.home);
  if (expanded === undefined) return undefined;
  return isAbsolute(expanded) ? expanded : resolve(relativeTo, expanded);
}

/** git's expand_user_path for `~/`; `~user/` is not resolved (no passwd lookup without a process). */
function expandUserPath(value: string, home: string | undefined): string | undefined {
  if (value === "~") return home;
  if (value.startsWith("~/")) return home === undefined ? undefined : join(home, value.slice(2));
  if (value.startsWith("~")) return undefined;
  return value;
}

function readConfigValue(
  file: string,
  section: string,
  key: string,
  loc: ConfigLocation,
  depth: number,
): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  let value: string | undefined;
  for (const entry of parseConfig(text)) {
    if (entry.section === section && entry.subsection === undefined && entry.key === key) {
      value = entry.value ?? "";
    } else if (
      entry.section === "include" &&
      entry.subsection === undefined &&
      entry.key === "path" &&
      entry.value &&
      depth < MAX_INCLUDE_DEPTH
    ) {
      const target = expandUserPath(entry.value, loc.home);
      if (target === undefined) continue;
      const included = readConfigValue(
        isAbsolute(target) ? target : resolve(dirname(file), target),
        section,
        key,
        loc,
        depth + 1,
      );
      if (included !== undefined) value = included;
    }
  }
  return value;
}

export interface ConfigEntry {
  /** Lower-cased. */
  section: string;
  /** Case-sensitive, as in git. */
  subsection: string | undefined;
  /** Lower-cased. */
  key: string;
  /** undefined for a bare `key` (boolean true). */
  value: string | undefined;
}

/** Entries in file order. A syntax error ends parsing there, as git stops reading (and errors). */
export function parseConfig(text: string): ConfigEntry[] {
  const src = text.replace(/\r\n/g, "\n");
  const entries: ConfigEntry[] = [];
  let i = src.startsWith("\ufeff") ? 1 : 0;
  let section: string | undefined;
  let subsection: string | undefined;
  const n = src.length;
  while (i < n) {
    const c = src[i] as string;
    if (c === "\n" || c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "#" || c === ";") {
      i = skipLine(src, i);
      continue;
    }
    if (c === "[") {
      const header = parseSectionHeader(src, i + 1);
      if (header === undefined) return entries;
      ({ section, subsection } = header);
      i = header.next;
      continue;
    }
    if (!isAlpha(c) || section === undefined) return entries;
    let j = i;
    while (j < n && (isAlnum(src[j] as string) || src[j] === "-")) j++;
    const key = src.slice(i, j).toLowerCase();
    while (j < n && (src[j] === " " || src[j] === "\t")) j++;
    if (j >= n || src[j] === "\n") {
      entries.push({ section, subsection, key, value: undefined });
      i = j + 1;
      continue;
    }
    if (src[j] !== "=") return entries;
    const parsed = parseValue(src, j + 1);
    if (parsed === undefined) return entries;
    entries.push({ section, subsection, key, value: parsed.value });
    i = parsed.next;
  }
  return entries;
}

function parseSectionHeader(
  src: string,
  start: number,
): { section: string; subsection: string | undefined; next: number } | undefined {
  let i = start;
  let name = "";
  while (i < src.length && src[i] !== "]" && src[i] !== " " && src[i] !== "\t") {
    const ch = src[i] as string;
    if (!isAlnum(ch) && ch !== "-" && ch !== ".") return undefined;
    name += ch;
    i++;
  }
  let subsection: string | undefined;
  if (src[i] === " " || src[i] === "\t") {
    while (src[i] === " " || src[i] === "\t") i++;
    if (src[i] !== '"') return undefined;
    i++;
    subsection = "";
    while (i < src.length && src[i] !== '"') {
      if (src[i] === "\n") return undefined;
      if (src[i] === "\\") i++;
      subsection += src[i] ?? "";
      i++;
    }
    i++;
    if (src[i] !== "]") return undefined;
  }
  if (src[i] !== "]") return undefined;
  let section = name.toLowerCase();
  // The deprecated [section.subsection] form.
  const dot = section.indexOf(".");
  if (subsection === undefined && dot >= 0) {
    subsection = name.slice(dot + 1).toLowerCase();
    section = section.slice(0, dot);
  }
  return { section, subsection, next: i + 1 };
}

/** git's parse_value: whitespace runs outside quotes become one space, trailing ones vanish. */
function parseValue(src: string, start: number): { value: string; next: number } | undefined {
  let value = "";
  let quote = false;
  let comment = false;
  let space = 0;
  let i = start;
  for (;;) {
    const c = i < src.length ? (src[i] as string) : "\n";
    i++;
    if (c === "\n") {
      if (quote) return undefined;
      return { value, next: i };
    }
    if (comment) continue;
    if (isSpace(c) && !quote) {
      if (value.length > 0) space++;
      continue;
    }
    if (!quote && (c === ";" || c === "#")) {
      comment = true;
      continue;
    }
    for (; space > 0; space--) value += " ";
    if (c === "\\") {
      const e = i < src.length ? (src[i] as string) : "\n";
      i++;
      if (e === "\n") continue;
      if (e === "t") value += "\t";
      else if (e === "b") value += "\b";
      else if (e === "n") value += "\n";
      else if (e === "\\" || e === '"') value += e;
      else return undefined;
      continue;
    }
    if (c === '"') {
      quote = !quote;
      continue;
    }
    value += c;
  }
}

function skipLine(src: string, i: number): number {
  const nl = src.indexOf("\n", i);
  return nl < 0 ? src.length : nl + 1;
}

function isTruthy(v: string | undefined): boolean {
  if (v === undefined) return false;
  const s = v.toLowerCase();
  return s === "1" || s === "true" || s === "yes" || s === "on";
}

const isAlpha = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isAlnum = (c: string): boolean => isAlpha(c) || (c >= "0" && c <= "9");
const isSpace = (c: string): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
