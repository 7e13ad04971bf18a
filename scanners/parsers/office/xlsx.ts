/**
 * XLSX (and XLSM, XLTX): one section per sheet, in workbook order, its rows as `a | b | c`
 * lines in blocks that repeat the header row (sheet-blocks.ts). Values are what Excel shows
 * without running anything: shared and inline strings, the cached result of a formula,
 * booleans, errors, and numbers, with numbers in a date format written as ISO dates (1900 and
 * 1904 date systems). Rows come from the sheet's data, never from its declared dimension.
 * Elements are matched by local name, so Strict OOXML (another namespace) reads the same way.
 */
import type { ParsedDocument } from "../../types.js";
import { OutlineBuilder } from "./outline.js";
import type { OfficePackage } from "./package.js";
import {
  applyCoreProperties,
  readCoreProperties,
  readRelationships,
  relationshipOfType,
} from "./parts.js";
import { addSheet, columnIndex, MAX_COLUMNS, type SheetRow } from "./sheet-blocks.js";
import { localName, parseXml, textContent, walkElements, type XmlElement } from "./xml.js";

/** undefined when the package holds no workbook part. */
export function parseXlsx(pkg: OfficePackage, budgetTokens?: number): ParsedDocument | undefined {
  const workbookPart =
    relationshipOfType(readRelationships(pkg, ""), "officeDocument")?.part ?? "xl/workbook.xml";
  const xml = pkg.text(workbookPart);
  if (xml === undefined) return undefined;
  const workbook = parseXml(xml);
  const rels = readRelationships(pkg, workbookPart);
  const part = (type: string): string | undefined => relationshipOfType(rels, type)?.part;
  const shared = readSharedStrings(pkg, part("sharedStrings"));
  const dateStyles = readDateStyles(pkg, part("styles"));
  let date1904 = false;
  const sheets: { name: string; part: string }[] = [];
  walkElements(workbook, (el) => {
    const name = localName(el.name);
    if (name === "workbookPr") date1904 = truthy(el.attrs["date1904"]);
    if (name === "sheet") {
      const target = rels.get(el.attrs["r:id"] ?? attrEndingWith(el, ":id") ?? "")?.part;
      if (target !== undefined && pkg.has(target))
        sheets.push({ name: el.attrs["name"] ?? "", part: target });
    }
  });

  const out = new OutlineBuilder();
  for (const sheet of sheets) {
    const sheetXml = pkg.text(sheet.part);
    if (sheetXml === undefined) continue;
    const { rows, firstColumn } = readRows(parseXml(sheetXml), { shared, dateStyles, date1904 });
    addSheet(out, sheet.name, rows, firstColumn, budgetTokens);
  }
  const doc = out.build({ sheets: sheets.length });
  applyCoreProperties(doc, readCoreProperties(pkg));
  return doc;
}

interface CellContext {
  shared: string[];
  /** Style indexes (the `s` attribute) whose number format is a date or time. */
  dateStyles: Set<number>;
  date1904: boolean;
}

function readRows(tree: XmlElement[], ctx: CellContext): { rows: SheetRow[]; firstColumn: number } {
  const cells: { row: number; column: number; text: string }[] = [];
  let nextRow = 1;
  walkElements(tree, (el) => {
    if (localName(el.name) !== "row") return;
    const row = Number(el.attrs["r"]) || nextRow;
    nextRow = row + 1;
    let nextColumn = 0;
    for (const c of el.children) {
      if (typeof c === "string" || localName(c.name) !== "c") continue;
      const column = columnIndex(c.attrs["r"] ?? "") ?? nextColumn;
      nextColumn = column + 1;
      const text = cellText(c, ctx);
      if (text !== "") cells.push({ row, column, text });
    }
    return false;
  });
  if (cells.length === 0) return { rows: [], firstColumn: 0 };
  const firstColumn = Math.min(...cells.map((c) => c.column));
  const byRow = new Map<number, string[]>();
  for (const cell of cells) {
    const offset = cell.column - firstColumn;
    if (offset >= MAX_COLUMNS) continue;
    const line = byRow.get(cell.row) ?? [];
    while (line.length < offset) line.push("");
    line[offset] = cell.text;
    byRow.set(cell.row, line);
  }
  const rows = [...byRow].sort((a, b) => a[0] - b[0]).map(([row, line]) => ({ row, cells: line }));
  return { rows, firstColumn };
}

function cellText(c: XmlElement, ctx: CellContext): string {
  const type = c.attrs["t"] ?? "n";
  const child = (name: string): XmlElement | undefined =>
    c.children.find((n): n is XmlElement => typeof n !== "string" && localName(n.name) === name);
  if (type === "inlineStr") {
    const is = child("is");
    return is === undefined ? "" : stringItemText(is);
  }
  const v = child("v");
  const raw = v === undefined ? "" : textContent(v);
  if (raw === "") return "";
  switch (type) {
    case "s":
      return ctx.shared[Number(raw)] ?? "";
    case "b":
      return raw === "1" ? "TRUE" : "FALSE";
    case "str":
    case "e":
    case "d":
      return raw;
    default: {
      const value = Number(raw);
      if (!Number.isFinite(value)) return raw;
      if (ctx.dateStyles.has(Number(c.attrs["s"] ?? -1))) return excelDate(value, ctx.date1904);
      return String(Number(value.toPrecision(15)));
    }
  }
}

/** A serial date as ISO 8601: the date alone when it has no time of day. */
export function excelDate(serial: number, date1904: boolean): string {
  // Day 0 is 1899-12-30 in the 1900 system (which counts Excel's phantom 1900-02-29), 1904-01-01 in 1904's.
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const ms = Math.round(serial * 86_400_000);
  const date = new Date(epoch + ms);
  if (Number.isNaN(date.getTime())) return String(serial);
  const iso = date.toISOString();
  if (serial < 1 && serial >= 0) return iso.slice(11, 19);
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
}

function readSharedStrings(pkg: OfficePackage, part: string | undefined): string[] {
  const xml = part === undefined ? undefined : pkg.text(part);
  if (xml === undefined) return [];
  const strings: string[] = [];
  walkElements(parseXml(xml), (el) => {
    if (localName(el.name) !== "si") return;
    strings.push(stringItemText(el));
    return false;
  });
  return strings;
}

/** The text of a string item: its `t` runs, without phonetic guides (`rPh`). */
function stringItemText(el: XmlElement): string {
  let text = "";
  walkElements(el.children, (child) => {
    const name = localName(child.name);
    if (name === "rPh") return false;
    if (name === "t") {
      text += textContent(child);
      return false;
    }
    return undefined;
  });
  return text.replace(/_x000D_/g, "");
}

/** Built-in number formats that are dates or times (ECMA-376 18.8.30). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

function readDateStyles(pkg: OfficePackage, part: string | undefined): Set<number> {
  const dates = new Set<number>();
  const xml = part === undefined ? undefined : pkg.text(part);
  if (xml === undefined) return dates;
  const tree = parseXml(xml);
  const custom = new Map<number, string>();
  let xfIndex = 0;
  walkElements(tree, (el) => {
    const name = localName(el.name);
    if (name === "numFmt") custom.set(Number(el.attrs["numFmtId"]), el.attrs["formatCode"] ?? "");
    if (name === "cellXfs") {
      for (const xf of el.children) {
        if (typeof xf === "string" || localName(xf.name) !== "xf") continue;
        const id = Number(xf.attrs["numFmtId"] ?? 0);
        const code = custom.get(id);
        if (BUILTIN_DATE_FORMATS.has(id) || (code !== undefined && isDateCode(code)))
          dates.add(xfIndex);
        xfIndex++;
      }
      return false;
    }
    return undefined;
  });
  return dates;
}

/** A format code that shows a date or time: d, m, y, h or s outside quotes, brackets and escapes. */
function isDateCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\\.|\[[^\]]*\]|_.|\*./g, "");
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

function truthy(value: string | undefined): boolean {
  return value === "1" || value === "true";
}

function attrEndingWith(el: XmlElement, suffix: string): string | undefined {
  for (const [k, v] of Object.entries(el.attrs)) if (k.endsWith(suffix)) return v;
  return undefined;
}
