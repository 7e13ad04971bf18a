/**
 * HTML to visible text with heading sections. Also used for DOCX, whose text comes through
 * mammoth as HTML. Limits of the tokenizer are listed in html-tokenizer.ts; layout rules in
 * html-text-builder.ts. CSS is not applied: only the `hidden` attribute and an inline
 * `display:none` hide an element.
 */
import type { ParsedDocument } from "../types.js";
import { decodeEntities } from "./html-entities.js";
import { HtmlTextBuilder } from "./html-text-builder.js";
import { tokenizeHtml } from "./html-tokenizer.js";
import { buildSections, HeadingStack, type SectionStart } from "./sections.js";

const words = (list: string): Set<string> => new Set(list.split(/\s+/).filter(Boolean));

/** Elements whose content is never rendered as text. */
const INVISIBLE = words("script style noscript template svg iframe noembed noframes object canvas");
const VOID = words("area base br col embed hr img input link meta param source track wbr");
const PARAGRAPH_BLOCKS = words(`
  p pre blockquote table ul ol dl figure hr address fieldset details form header footer section
  article aside nav main h1 h2 h3 h4 h5 h6`);
const LINE_BLOCKS = words(`
  div li tr dt dd caption figcaption summary legend option thead tbody tfoot center body html
  textarea select menu frameset title`);

interface TableContext {
  cellsInRow: number;
  inCell: boolean;
}

interface ListContext {
  ordered: boolean;
  next: number;
}

export interface HtmlParseResult {
  doc: ParsedDocument;
  /** Text of the first h1, which DOCX uses as a fallback title. */
  firstH1?: string;
}

export function parseHtml(html: string): ParsedDocument {
  return parseHtmlDetailed(html).doc;
}

export function parseHtmlDetailed(html: string): HtmlParseResult {
  const out = new HtmlTextBuilder();
  const headings = new HeadingStack();
  const starts: SectionStart[] = [];
  const tables: TableContext[] = [];
  const lists: ListContext[] = [];
  let skip: { name: string; depth: number } | undefined;
  let preDepth = 0;
  let heading: { level: number; text: string; start: number | undefined } | undefined;
  let documentTitle: string | undefined;
  let firstH1: string | undefined;
  let language: string | undefined;
  const meta: Record<string, string> = {};

  const inCell = (): boolean => tables[tables.length - 1]?.inCell === true;
  const blockBreak = (lines: 1 | 2): void =>
    inCell() ? out.requestSpace() : out.requestBreak(lines);
  const addText = (text: string): void => {
    if (heading !== undefined) heading.text += text;
    if (preDepth > 0) out.addPreformatted(text);
    else out.addFlowText(text);
  };

  for (const token of tokenizeHtml(html)) {
    if (skip !== undefined) {
      if (token.type === "start" && token.name === skip.name && !token.selfClosing) skip.depth++;
      else if (token.type === "end" && token.name === skip.name && --skip.depth === 0)
        skip = undefined;
      continue;
    }
    if (token.type === "text") {
      addText(decodeEntities(token.text));
    } else if (token.type === "raw") {
      if (token.name === "title") {
        documentTitle ??= collapse(decodeEntities(token.text)) || undefined;
      } else if (token.name === "textarea") {
        addText(decodeEntities(token.text));
      } else if (token.name === "xmp" || token.name === "plaintext") {
        preDepth++;
        addText(token.text);
        preDepth--;
      }
    } else if (token.type === "start") {
      const name = token.name;
      if (name === "html" && token.attrs.get("lang"))
        language = token.attrs.get("lang")?.trim() || undefined;
      if (name === "meta") readMeta(token.attrs, meta);
      if (isHidden(name, token.attrs, token.selfClosing)) {
        skip = { name, depth: 1 };
        continue;
      }
      if (name === "br") {
        if (inCell()) out.requestSpace();
        else out.addLineBreak();
        continue;
      }
      // A list nested in a list item continues the list: one line break, not a paragraph.
      if ((name === "ul" || name === "ol") && lists.length > 0) blockBreak(1);
      else if (PARAGRAPH_BLOCKS.has(name)) blockBreak(2);
      else if (LINE_BLOCKS.has(name)) blockBreak(1);
      if (name === "pre") preDepth++;
      else if (/^h[1-6]$/.test(name)) {
        const current = {
          level: Number(name[1]),
          text: "",
          start: undefined as number | undefined,
        };
        heading = current;
        out.atNextText((offset) => (current.start = offset));
      } else if (name === "table") tables.push({ cellsInRow: 0, inCell: false });
      else if (name === "tr") {
        const table = tables[tables.length - 1];
        if (table !== undefined) {
          table.inCell = false;
          table.cellsInRow = 0;
          out.setMarker(undefined);
          blockBreak(1);
        }
      } else if (name === "td" || name === "th") {
        const table = tables[tables.length - 1];
        if (table !== undefined) {
          out.setMarker(table.cellsInRow > 0 ? " | " : undefined);
          table.cellsInRow++;
          table.inCell = true;
        }
      } else if (name === "ul" || name === "ol")
        lists.push({ ordered: name === "ol", next: Number(token.attrs.get("start")) || 1 });
      else if (name === "li") {
        const list = lists[lists.length - 1];
        const indent = "  ".repeat(Math.max(lists.length - 1, 0));
        out.setMarker(`${indent}${list?.ordered ? `${list.next++}.` : "-"} `);
      }
      if (VOID.has(name) && name !== "br" && name !== "hr" && name !== "wbr") out.requestSpace();
    } else {
      const name = token.name;
      if ((name === "ul" || name === "ol") && lists.length > 1) blockBreak(1);
      else if (PARAGRAPH_BLOCKS.has(name)) blockBreak(2);
      else if (LINE_BLOCKS.has(name)) blockBreak(1);
      if (name === "pre") preDepth = Math.max(preDepth - 1, 0);
      else if (/^h[1-6]$/.test(name) && heading !== undefined) {
        const title = collapse(heading.text);
        if (title !== "" && heading.start !== undefined) {
          starts.push({
            start: heading.start,
            level: heading.level,
            headingPath: headings.enter(heading.level, title),
          });
          if (heading.level === 1) firstH1 ??= title;
        }
        heading = undefined;
        out.requestBreak(2);
      } else if (name === "table") tables.pop();
      else if (name === "td" || name === "th") {
        const table = tables[tables.length - 1];
        if (table !== undefined) table.inCell = false;
      } else if (name === "ul" || name === "ol") lists.pop();
      else if (name === "li") out.setMarker(undefined);
    }
  }

  const text = out.toString();
  const { author, ...metadata } = meta;
  const doc: ParsedDocument = {
    text,
    sections: buildSections(text, starts),
    linesMatchSource: false,
    metadata,
  };
  const title = documentTitle ?? firstH1;
  if (title !== undefined) doc.title = title;
  if (author !== undefined) doc.author = author;
  if (language !== undefined) doc.language = language;
  return firstH1 === undefined ? { doc } : { doc, firstH1 };
}

/** `<meta name="author|description|keywords" content="...">`, which search benefits from. */
function readMeta(attrs: Map<string, string>, into: Record<string, string>): void {
  const name = attrs.get("name")?.toLowerCase();
  const content = collapse(decodeEntities(attrs.get("content") ?? ""));
  if ((name === "author" || name === "description" || name === "keywords") && content !== "")
    into[name] ??= content.slice(0, 1000);
}

function isHidden(name: string, attrs: Map<string, string>, selfClosing: boolean): boolean {
  if (VOID.has(name) || selfClosing) return false;
  if (INVISIBLE.has(name)) return true;
  return attrs.has("hidden") || /display\s*:\s*none/i.test(attrs.get("style") ?? "");
}

function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, " ").trim();
}
