/**
 * YAML (---) and TOML (+++) front matter at the top of Markdown files. Only the top-level
 * scalar fields and simple lists are read: that is what titles, tags and descriptions use, and
 * it spares a YAML dependency. Nested maps are skipped.
 */
import type { TextLine } from "./lines.js";

export interface FrontMatter {
  /** Number of lines the block takes, fences included. */
  lineCount: number;
  fields: Record<string, string>;
}

export function readFrontMatter(lines: readonly TextLine[]): FrontMatter | undefined {
  const fence = lines[0]?.text.trimEnd();
  if (fence !== "---" && fence !== "+++") return undefined;
  const toml = fence === "+++";
  let close = -1;
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i]?.text.trimEnd();
    if (t === fence || (!toml && t === "...")) {
      close = i;
      break;
    }
  }
  if (close === -1) return undefined;
  const body = lines.slice(1, close).map((l) => l.text);
  return { lineCount: close + 1, fields: toml ? tomlFields(body) : yamlFields(body) };
}

function yamlFields(body: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < body.length; i++) {
    const match = /^([A-Za-z_][\w.-]*)\s*:(?:\s+(.*))?$/.exec(body[i] ?? "");
    if (!match?.[1]) continue;
    const key = match[1];
    const value = stripComment((match[2] ?? "").trim());
    const nested: string[] = [];
    while (i + 1 < body.length && /^(\s+\S|-\s)/.test(body[i + 1] ?? ""))
      nested.push((body[++i] ?? "").trim());
    if (value === "|" || value === "|-" || value === ">" || value === ">-") {
      fields[key] = nested.join(value.startsWith("|") ? "\n" : " ");
    } else if (value === "") {
      const items = nested.filter((l) => l.startsWith("- ")).map((l) => unquote(l.slice(2).trim()));
      if (items.length > 0) fields[key] = items.join(", ");
    } else {
      fields[key] = scalar(value);
    }
  }
  return fields;
}

function tomlFields(body: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of body) {
    if (/^\s*\[/.test(line)) break; // a [table] starts: top-level keys are over
    const match = /^([A-Za-z_][\w.-]*)\s*=\s*(.+)$/.exec(line);
    if (match?.[1] && match[2]) fields[match[1]] = scalar(stripComment(match[2].trim()));
  }
  return fields;
}

function scalar(value: string): string {
  if (value.startsWith("[") && value.endsWith("]")) {
    return value
      .slice(1, -1)
      .split(",")
      .map((v) => unquote(v.trim()))
      .filter((v) => v !== "")
      .join(", ");
  }
  return unquote(value);
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value
      .slice(1, -1)
      .replace(/\\(["\\nt])/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'"))
    return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

/** A trailing " # comment" outside quotes, also after a quoted value: `"Title" # note`. */
function stripComment(value: string): string {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const close = closingQuote(value, quote);
    if (close === -1 || !/^\s*(#.*)?$/.test(value.slice(close + 1))) return value;
    return value.slice(0, close + 1);
  }
  const hash = value.search(/\s#/);
  return hash === -1 ? value : value.slice(0, hash).trimEnd();
}

/** Where a quoted value ends: past \" escapes in double quotes, past '' in single ones. */
function closingQuote(value: string, quote: string): number {
  for (let i = 1; i < value.length; i++) {
    if (quote === '"' && value[i] === "\\") {
      i++;
    } else if (value[i] === quote) {
      if (quote === "'" && value[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
