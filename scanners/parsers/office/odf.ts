/**
 * OpenDocument (content.xml and meta.xml of the package), read like their Office counterparts:
 * ODT as text under its outline headings (`text:h` levels), tables as `a | b | c` rows; ODP one
 * section per page (draw:page) with its title shape as heading and its notes under "Notes";
 * ODS one section per sheet through the same row blocks as XLSX (sheet-blocks.ts).
 * ODT page headers and footers (styles.xml) follow the body under "Headers and footers".
 * Repeated rows and columns (`number-rows-repeated`, a common way to claim a million empty
 * rows) expand only when they hold text, and then only up to a bound.
 */
import type { ParsedDocument } from "../../types.js";
import { HeadingStack } from "../sections.js";
import { OutlineBuilder, tableLines } from "./outline.js";
import type { OfficePackage } from "./package.js";
import { applyCoreProperties, dublinCore } from "./parts.js";
import { addSheet, MAX_COLUMNS, type SheetRow } from "./sheet-blocks.js";
import { childrenNamed, descendants, parseXml, type XmlElement, type XmlNode } from "./xml.js";

/** Copies of one repeated row with text that are kept; real sheets repeat a few at most. */
const MAX_ROW_REPEAT = 100;

export function parseOpenDocument(
  pkg: OfficePackage,
  kind: "odt" | "odp" | "ods",
  budgetTokens?: number,
): ParsedDocument | undefined {
  const xml = pkg.text("content.xml");
  if (xml === undefined) return undefined;
  const body = descendants(parseXml(xml), "office:body")[0];
  if (body === undefined) return undefined;
  const out = new OutlineBuilder();
  const part = body.children.find((c): c is XmlElement => typeof c !== "string");
  let pages: number | undefined;
  if (part?.name === "office:presentation") pages = readPresentation(part, out);
  else if (part?.name === "office:spreadsheet") readSpreadsheet(part, out, budgetTokens);
  else if (part !== undefined) {
    readText(part, out);
    readHeadersAndFooters(pkg, out);
  }
  const doc = out.build();
  if (pages !== undefined) doc.pageCount = pages;
  doc.metadata["format"] = kind;
  const meta = pkg.text("meta.xml");
  const metaRoot = meta === undefined ? undefined : descendants(parseXml(meta), "office:meta")[0];
  if (metaRoot !== undefined)
    applyCoreProperties(
      doc,
      dublinCore(metaRoot, { created: "meta:creation-date", modified: "dc:date" }),
    );
  return doc;
}

/** Text of a paragraph-like element: spans flattened, `text:s`, tabs and line breaks honoured. */
function inlineText(el: XmlElement): string {
  let text = "";
  const visit = (nodes: readonly XmlNode[]): void => {
    for (const node of nodes) {
      if (typeof node === "string") {
        text += node.replace(/\s+/g, " ");
        continue;
      }
      switch (node.name) {
        case "text:s":
          text += " ".repeat(Math.min(Number(node.attrs["text:c"] ?? 1) || 1, 100));
          break;
        case "text:tab":
          text += "\t";
          break;
        case "text:line-break":
          text += "\n";
          break;
        case "text:note-citation":
        case "office:annotation":
          break;
        case "text:note":
          // The footnote's own paragraphs, inline where it is cited.
          text += ` (${descendants(node.children, "text:p").map(inlineText).join(" ")})`;
          break;
        default:
          visit(node.children);
      }
    }
  };
  visit(el.children);
  return text.trim();
}

function readText(part: XmlElement, out: OutlineBuilder): void {
  const headings = new HeadingStack();
  let path: string[] = [];
  let lines: string[] = [];
  const flush = (): void => {
    out.add(path, lines.join("\n"), undefined, path.length);
    lines = [];
  };
  const visit = (el: XmlElement): void => {
    for (const child of el.children) {
      if (typeof child === "string") continue;
      switch (child.name) {
        case "text:h": {
          flush();
          const level = Math.min(
            Math.max(Number(child.attrs["text:outline-level"] ?? 1) || 1, 1),
            10,
          );
          const title = inlineText(child);
          path = title === "" ? path : headings.enter(level, title);
          if (title !== "") lines.push(title);
          break;
        }
        case "text:p":
          lines.push(inlineText(child));
          break;
        case "table:table":
          lines.push(...tableLines(tableRows(child).map((r) => r.cells)));
          break;
        case "text:tracked-changes":
        case "office:forms":
        case "text:sequence-decls":
        case "text:variable-decls":
        case "text:user-field-decls":
          break;
        default:
          visit(child);
      }
    }
  };
  visit(part);
  flush();
}

/**
 * A text document's page headers and footers (master pages in styles.xml): authored text a
 * reader sees on every page, each distinct line once. Spreadsheets' and presentations' print
 * headers are left out: they are page furniture (sheet-name and page-number fields).
 */
function readHeadersAndFooters(pkg: OfficePackage, out: OutlineBuilder): void {
  const xml = pkg.text("styles.xml");
  if (xml === undefined) return;
  const lines = new Set<string>();
  for (const page of descendants(parseXml(xml), "style:master-page")) {
    for (const part of page.children) {
      if (typeof part === "string" || !/^style:(header|footer)(-left|-first)?$/.test(part.name))
        continue;
      for (const p of descendants(part.children, "text:p")) {
        const line = inlineText(p);
        if (line !== "") lines.add(line);
      }
    }
  }
  out.add([HEADERS_AND_FOOTERS], [...lines].join("\n"), undefined, 1);
}

const HEADERS_AND_FOOTERS = "Headers and footers";

function readPresentation(part: XmlElement, out: OutlineBuilder): number {
  const pages = childrenNamed(part, "draw:page");
  pages.forEach((page, index) => {
    const number = index + 1;
    const notes = childrenNamed(page, "presentation:notes");
    const shapes = page.children.filter(
      (c): c is XmlElement => typeof c !== "string" && c.name !== "presentation:notes",
    );
    const titleShapes = shapes.filter((s) => s.attrs["presentation:class"] === "title");
    const title = titleShapes
      .flatMap((s) => descendants(s.children, "text:p").map(inlineText))
      .join(" ")
      .trim();
    const body = shapes
      .filter((s) => !titleShapes.includes(s))
      .flatMap((s) => [
        ...descendants([s], "text:p").map(inlineText),
        ...descendants([s], "table:table").flatMap((t) =>
          tableLines(tableRows(t).map((r) => r.cells)),
        ),
      ]);
    const heading = title === "" ? `Slide ${number}` : `Slide ${number}: ${title}`;
    out.add([heading], [title, ...body].join("\n"), number);
    const noteLines = notes.flatMap((n) =>
      descendants(n.children, "draw:frame")
        .filter((f) => f.attrs["presentation:class"] !== "page")
        .flatMap((f) => descendants(f.children, "text:p").map(inlineText)),
    );
    out.add([heading, "Notes"], noteLines.join("\n"), number, 2);
  });
  return pages.length;
}

function readSpreadsheet(part: XmlElement, out: OutlineBuilder, budgetTokens?: number): void {
  for (const table of descendants(part.children, "table:table")) {
    addSheet(out, table.attrs["table:name"] ?? "", tableRows(table), 0, budgetTokens);
  }
}

/** Rows of a table with their 1-based numbers, repeats expanded within bounds. */
function tableRows(table: XmlElement): SheetRow[] {
  const rows: SheetRow[] = [];
  let number = 1;
  const visit = (el: XmlElement): void => {
    for (const child of el.children) {
      if (typeof child === "string") continue;
      if (child.name === "table:table-row") {
        const repeat = Math.max(1, Number(child.attrs["table:number-rows-repeated"] ?? 1) || 1);
        const cells = rowCells(child);
        if (cells.some((c) => c !== ""))
          for (let i = 0; i < Math.min(repeat, MAX_ROW_REPEAT); i++)
            rows.push({ row: number + i, cells });
        number += repeat;
      } else if (child.name !== "table:table") {
        // Row groups and header rows hold rows; a nested table is its own table.
        visit(child);
      }
    }
  };
  visit(table);
  return rows;
}

function rowCells(row: XmlElement): string[] {
  const cells: string[] = [];
  for (const cell of row.children) {
    if (typeof cell === "string") continue;
    if (cell.name !== "table:table-cell" && cell.name !== "table:covered-table-cell") continue;
    const repeat = Math.max(1, Number(cell.attrs["table:number-columns-repeated"] ?? 1) || 1);
    const text = childrenNamed(cell, "text:p").map(inlineText).join(" ").trim();
    const copies = text === "" ? repeat : Math.min(repeat, MAX_COLUMNS);
    for (let i = 0; i < copies && cells.length < MAX_COLUMNS; i++) cells.push(text);
    if (cells.length >= MAX_COLUMNS) break;
  }
  while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
  return cells;
}
