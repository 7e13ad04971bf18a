/**
 * XML parts of office packages as an ordered tree, through fast-xml-parser (a maintained,
 * dependency-light parser; document order kept with `preserveOrder`). OOXML, OpenDocument and
 * EPUB package parts never need a DOCTYPE, so a part that declares entities is refused before
 * parsing: that is the whole defence against entity-expansion bombs and external entities
 * (XXE), and it costs nothing on real files. Only the five predefined entities and character
 * references are decoded.
 */
import { decodeXML } from "entities";
import { XMLParser } from "fast-xml-parser";
import { PackageRefused } from "./package.js";

/** One element: its qualified name, attributes and children in document order. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Decoded here instead (decodeXML): the parser leaves character references as they are.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type RawNode = Record<string, unknown>;

/** The document's element children (usually one root). Throws PackageRefused on a DOCTYPE with entities. */
export function parseXml(xml: string): XmlElement[] {
  const doctype = /<!DOCTYPE[\s\S]*?(?:\[[\s\S]*?\]\s*)?>/i.exec(xml);
  if (doctype !== null && /<!ENTITY/i.test(doctype[0]))
    throw new PackageRefused("refused: XML entity declarations (entity expansion or XXE)");
  const raw = parser.parse(xml) as RawNode[];
  return convert(raw).filter((n): n is XmlElement => typeof n !== "string");
}

function convert(raw: RawNode[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const node of raw) {
    for (const key of Object.keys(node)) {
      if (key === ":@") continue;
      if (key === "#text") {
        out.push(decodeXML(String(node[key])));
        continue;
      }
      if (key === "#comment" || key.startsWith("?") || key.startsWith("!")) continue;
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries((node[":@"] ?? {}) as Record<string, string>))
        attrs[k] = decodeXML(String(v));
      out.push({ name: key, attrs, children: convert((node[key] ?? []) as RawNode[]) });
    }
  }
  return out;
}

/** The local part of a qualified name: `a:t` → `t`. */
export function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Child elements with this qualified name. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string" && c.name === name);
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  return childrenNamed(el, name)[0];
}

/** Depth-first, document order; `visit` returns false to skip an element's subtree. */
export function walkElements(
  nodes: readonly XmlNode[],
  visit: (el: XmlElement) => boolean | void,
): void {
  for (const node of nodes) {
    if (typeof node === "string") continue;
    if (visit(node) === false) continue;
    walkElements(node.children, visit);
  }
}

/** Every element with this qualified name, in document order, at any depth. */
export function descendants(nodes: readonly XmlNode[], name: string): XmlElement[] {
  const found: XmlElement[] = [];
  walkElements(nodes, (el) => {
    if (el.name === name) found.push(el);
  });
  return found;
}

/** All text under the element, concatenated. */
export function textContent(el: XmlElement): string {
  let text = "";
  for (const child of el.children) text += typeof child === "string" ? child : textContent(child);
  return text;
}

/** Collapses runs of whitespace to one space and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
