/**
 * HTML to visible text with heading sections. Also used for DOCX, whose text comes through
 * mammoth as HTML. The tree comes from the HTML5 parsing rules (html-tree.ts; XHTML's
 * self-closed tags first made HTML, html-xhtml.ts), what is left out from html-visibility.ts,
 * the layout from html-layout.ts. Besides the text: the
 * document title (`<title>`, else the first h1), `<meta>` author, description and keywords,
 * and the language of `<html lang>`.
 */
import type { ParsedDocument } from "../types.js";
import { collapseWhitespace, HtmlLayout } from "./html-layout.js";
import { LeanText, parseHtmlTree, type LeanElement } from "./html-tree.js";
import { attribute } from "./html-visibility.js";
import { walkHtml } from "./html-walk.js";
import { expandSelfClosedTags, looksLikeXhtml } from "./html-xhtml.js";
import { buildSections } from "./sections.js";

export interface HtmlParseResult {
  doc: ParsedDocument;
  /** Text of the first h1, which DOCX uses as a fallback title. */
  firstH1?: string;
}

export function parseHtml(html: string): ParsedDocument {
  return parseHtmlDetailed(html).doc;
}

export function parseHtmlDetailed(html: string): HtmlParseResult {
  const layout = new HtmlLayout();
  const head = new HeadReader();
  const source = looksLikeXhtml(html) ? expandSelfClosedTags(html) : html;
  walkHtml(parseHtmlTree(source), {
    enter: (element) => {
      head.see(element);
      return layout.enter(element);
    },
    leave: (element) => layout.leave(element),
    text: (value) => layout.text(value),
  });

  const text = layout.toString();
  const { author, ...metadata } = head.meta;
  const doc: ParsedDocument = {
    text,
    sections: buildSections(text, layout.starts),
    linesMatchSource: false,
    metadata,
  };
  const title = head.title ?? layout.firstH1;
  if (title !== undefined) doc.title = title;
  if (author !== undefined) doc.author = author;
  if (head.language !== undefined) doc.language = head.language;
  const firstH1 = layout.firstH1;
  return firstH1 === undefined ? { doc } : { doc, firstH1 };
}

/** `<meta name>`s worth searching: who wrote the page, what it says it is about. */
const META_NAMES = new Set(["author", "description", "keywords"]);

/** The document's own description of itself; the first of each kind wins, as in browsers. */
class HeadReader {
  title: string | undefined;
  language: string | undefined;
  readonly meta: Record<string, string> = {};

  see(element: LeanElement): void {
    const name = element.tagName;
    if (name === "html") this.language ??= attribute(element, "lang")?.trim() || undefined;
    else if (name === "title") this.title ??= collapseWhitespace(textContent(element)) || undefined;
    else if (name === "meta") this.readMeta(element);
  }

  private readMeta(element: LeanElement): void {
    const name = attribute(element, "name")?.toLowerCase();
    const content = collapseWhitespace(attribute(element, "content") ?? "");
    if (name !== undefined && META_NAMES.has(name) && content !== "")
      this.meta[name] ??= content.slice(0, 1000);
  }
}

/** `<title>` holds text only (the parser reads it as RCDATA). */
function textContent(element: LeanElement): string {
  let text = "";
  for (let child = element.first; child !== null; child = child.next)
    if (child instanceof LeanText) text += child.value;
  return text;
}
