/**
 * PPTX (and PPTM, PPSX, POTX): one section per slide in presentation order, the slide's title
 * as its heading and its number as the page a chunk cites; body text in shape order, tables
 * as `a | b | c` rows, and the speaker notes under a "Notes" sub-heading.
 */
import type { ParsedDocument } from "../../types.js";
import { OutlineBuilder, tableLines } from "./outline.js";
import type { OfficePackage } from "./package.js";
import {
  applyCoreProperties,
  readCoreProperties,
  readRelationships,
  relationshipOfType,
} from "./parts.js";
import {
  childrenNamed,
  descendants,
  firstChild,
  localName,
  parseXml,
  type XmlElement,
} from "./xml.js";

const TITLE_PLACEHOLDERS = new Set(["title", "ctrTitle"]);
/** Placeholders that repeat the master's furniture, not the slide's content. */
const FURNITURE_PLACEHOLDERS = new Set(["sldNum", "dt", "ftr", "hdr", "sldImg"]);

/** undefined when the package holds no presentation part. */
export function parsePptx(pkg: OfficePackage): ParsedDocument | undefined {
  const presentationPart =
    relationshipOfType(readRelationships(pkg, ""), "officeDocument")?.part ??
    "ppt/presentation.xml";
  const xml = pkg.text(presentationPart);
  if (xml === undefined) return undefined;
  const rels = readRelationships(pkg, presentationPart);
  const slideParts = descendants(parseXml(xml), "p:sldId")
    .map((s) => rels.get(s.attrs["r:id"] ?? "")?.part)
    .filter((p): p is string => p !== undefined && pkg.has(p));

  const out = new OutlineBuilder();
  let firstTitle: string | undefined;
  slideParts.forEach((part, index) => {
    const number = index + 1;
    const slide = readSlide(pkg, part);
    firstTitle ??= slide.title;
    const heading =
      slide.title === undefined ? `Slide ${number}` : `Slide ${number}: ${slide.title}`;
    const body = [slide.title ?? "", ...slide.lines].join("\n");
    out.add([heading], body, number);
    const notesPart = relationshipOfType(readRelationships(pkg, part), "notesSlide")?.part;
    const notes = notesPart === undefined ? undefined : pkg.text(notesPart);
    if (notes !== undefined) {
      const lines = shapeLines(parseXml(notes), (type) => type === "body" || type === undefined);
      out.add([heading, "Notes"], lines.join("\n"), number, 2);
    }
  });
  const doc = out.build({ slides: slideParts.length });
  doc.pageCount = slideParts.length;
  applyCoreProperties(doc, readCoreProperties(pkg), firstTitle);
  return doc;
}

function readSlide(pkg: OfficePackage, part: string): { title?: string; lines: string[] } {
  const xml = pkg.text(part);
  if (xml === undefined) return { lines: [] };
  const tree = parseXml(xml);
  const titles: string[] = [];
  const lines: string[] = [];
  for (const shape of shapesInOrder(tree)) {
    const type = placeholderType(shape);
    if (type !== undefined && FURNITURE_PLACEHOLDERS.has(type)) continue;
    if (shape.name === "p:graphicFrame") {
      for (const table of descendants(shape.children, "a:tbl")) lines.push(...tableRows(table));
      continue;
    }
    const text = paragraphs(shape);
    if (type !== undefined && TITLE_PLACEHOLDERS.has(type)) titles.push(text.join(" "));
    else lines.push(...text);
  }
  const title = titles.join(" ").replace(/\s+/g, " ").trim();
  return title === "" ? { lines } : { title, lines };
}

/** Shapes and graphic frames in z-order, through groups. */
function shapesInOrder(tree: XmlElement[]): XmlElement[] {
  const spTree = descendants(tree, "p:spTree")[0];
  if (spTree === undefined) return [];
  const shapes: XmlElement[] = [];
  const visit = (group: XmlElement): void => {
    for (const child of group.children) {
      if (typeof child === "string") continue;
      if (child.name === "p:grpSp") visit(child);
      else if (child.name === "p:sp" || child.name === "p:graphicFrame") shapes.push(child);
    }
  };
  visit(spTree);
  return shapes;
}

function placeholderType(shape: XmlElement): string | undefined {
  const ph = descendants(shape.children, "p:ph")[0];
  if (ph === undefined) return undefined;
  return ph.attrs["type"] ?? "body";
}

/** The text lines of the shapes whose placeholder type `keep` accepts (notes pages). */
function shapeLines(tree: XmlElement[], keep: (type: string | undefined) => boolean): string[] {
  const lines: string[] = [];
  for (const shape of shapesInOrder(tree)) {
    if (shape.name === "p:sp" && keep(placeholderType(shape))) lines.push(...paragraphs(shape));
  }
  return lines;
}

/** One line per `a:p` of the shape's text body: runs, fields and line breaks. */
function paragraphs(shape: XmlElement): string[] {
  const body = firstChild(shape, "p:txBody");
  if (body === undefined) return [];
  return childrenNamed(body, "a:p")
    .map(paragraphText)
    .filter((line) => line.trim() !== "");
}

function paragraphText(p: XmlElement): string {
  let text = "";
  const visit = (el: XmlElement): void => {
    for (const child of el.children) {
      if (typeof child === "string") continue;
      const name = localName(child.name);
      if (child.name === "a:t")
        text += child.children.filter((c) => typeof c === "string").join("");
      else if (name === "br") text += "\n";
      else visit(child);
    }
  };
  visit(p);
  return text;
}

function tableRows(table: XmlElement): string[] {
  const rows = childrenNamed(table, "a:tr").map((tr) =>
    childrenNamed(tr, "a:tc").map((tc) => {
      const body = firstChild(tc, "a:txBody");
      return body === undefined ? "" : childrenNamed(body, "a:p").map(paragraphText).join(" ");
    }),
  );
  return tableLines(rows);
}
