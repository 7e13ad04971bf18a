/** A heading found in a line-based markup format, before heading paths are worked out. */
export interface HeadingMark {
  /** Offset of the first line of the heading (setext and RST headings start at their text). */
  start: number;
  level: number;
  title: string;
}

/** Longer "headings" are runaway lines; capping them keeps the regexes below cheap. */
const MAX_HEADING_SOURCE = 500;

/**
 * Heading text as a person reads it: inline Markdown, HTML tags and `{#anchor}` attributes
 * removed, so heading paths in citations look like the rendered document.
 */
export function cleanHeadingText(raw: string): string {
  return raw
    .slice(0, MAX_HEADING_SOURCE)
    .replace(/\s*\{#[^}]*\}\s*$/, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/`+([^`]*)`+/g, "$1")
    .replace(/(\*\*|__)(\S(?:.*?\S)?)\1/g, "$2")
    .replace(/(^|[\s(])[*_](\S(?:.*?\S)?)[*_](?=[\s).,:;!?]|$)/g, "$1$2")
    .replace(/\s+/g, " ")
    .trim();
}
