/**
 * Which elements a reader never sees, so their subtrees stay out of the index. CSS is not
 * applied: besides the elements that never render, only markup says "hidden" (the `hidden`
 * attribute, `aria-hidden="true"`, an inline `display:none`).
 */
import type { LeanElement } from "./html-tree.js";

const names = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/).filter(Boolean));

/**
 * Elements whose content is never shown as text: code and styles, templates (inert until a
 * script clones them), fallback content for when scripting, plugins or frames are off
 * (noscript, noembed, noframes, object, canvas, iframe, video, audio), and drawings (svg,
 * whose text is labels and glyphs rather than prose).
 */
const NEVER_RENDERED = names(
  "script style template noscript noembed noframes iframe object canvas video audio svg",
);

/**
 * Of those, the ones parsed as raw text: their text is dropped while the tree is built, so a
 * page with megabytes of inline script does not hold them in memory.
 */
export const RAW_TEXT_NEVER_RENDERED = names("script style noscript noembed noframes iframe");

export function isLeftOut(element: LeanElement): boolean {
  if (NEVER_RENDERED.has(element.tagName)) return true;
  // `<title>` is the document's title, not part of its body text (html.ts reads it).
  if (element.tagName === "title") return true;
  const hidden = attribute(element, "hidden");
  // "until-found" content is collapsed, but the page wants it found by find-in-page: keep it.
  if (hidden !== undefined && hidden.trim().toLowerCase() !== "until-found") return true;
  if (attribute(element, "aria-hidden")?.trim().toLowerCase() === "true") return true;
  return /(?:^|;)\s*display\s*:\s*none\b/i.test(attribute(element, "style") ?? "");
}

export function attribute(element: LeanElement, name: string): string | undefined {
  for (const attr of element.attrs) if (attr.name === name) return attr.value;
  return undefined;
}
