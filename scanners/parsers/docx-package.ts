/**
 * Parts of a DOCX package that mammoth does not read: core properties (title, author, dates)
 * and the text of SmartArt diagrams and charts, which live outside word/document.xml.
 */
import { decodeXML } from "entities";
import type { ZipArchive } from "./zip.js";

export interface CoreProperties {
  title?: string;
  creator?: string;
  created?: string;
  modified?: string;
}

export function readCoreProperties(zip: ZipArchive): CoreProperties {
  const xml = zip.read("docProps/core.xml")?.toString("utf8");
  if (xml === undefined) return {};
  const props: CoreProperties = {};
  const title = xmlElementText(xml, "dc:title");
  const creator = xmlElementText(xml, "dc:creator");
  const created = xmlElementText(xml, "dcterms:created");
  const modified = xmlElementText(xml, "dcterms:modified");
  if (title) props.title = title;
  if (creator) props.creator = creator;
  if (created) props.created = created;
  if (modified) props.modified = modified;
  return props;
}

function xmlElementText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  const text = match?.[1] === undefined ? "" : decodeXML(match[1]).replace(/\s+/g, " ").trim();
  return text === "" ? undefined : text;
}

/**
 * Words in SmartArt (`<a:t>` in word/diagrams/data*.xml) and charts (titles, series names and
 * category labels; numbers are left out), one line per distinct string, in document order.
 */
export function readDrawingText(zip: ZipArchive): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (raw: string): void => {
    const text = decodeXML(raw).replace(/\s+/g, " ").trim();
    if (text === "" || seen.has(text) || /^[-+\d.,eE%\s]+$/.test(text)) return;
    seen.add(text);
    lines.push(text);
  };
  const parts = zip
    .names()
    .filter((n) => /^word\/(diagrams\/data|charts\/chart)\d*\.xml$/.test(n))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  for (const part of parts) {
    const xml = zip.read(part)?.toString("utf8") ?? "";
    for (const match of xml.matchAll(/<(a:t|c:v)>([^<]*)<\/\1>/g)) add(match[2] ?? "");
  }
  return lines.join("\n");
}
