/**
 * What every OOXML package shares: relationships between parts and the core properties.
 */
import type { OfficePackage } from "./package.js";
import { resolvePartPath } from "./package.js";
import { descendants, firstChild, parseXml, squash, textContent, type XmlElement } from "./xml.js";

export interface Relationship {
  type: string;
  /** The part's path inside the package, resolved; undefined for external targets. */
  part?: string;
}

/** The relationships of `part` (`ppt/slides/slide1.xml` → `ppt/slides/_rels/slide1.xml.rels`) by id. */
export function readRelationships(pkg: OfficePackage, part: string): Map<string, Relationship> {
  const slash = part.lastIndexOf("/");
  const relsPath = `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
  const rels = new Map<string, Relationship>();
  const xml = pkg.text(relsPath);
  if (xml === undefined) return rels;
  for (const rel of descendants(parseXml(xml), "Relationship")) {
    const id = rel.attrs["Id"];
    const target = rel.attrs["Target"];
    if (id === undefined || target === undefined) continue;
    const external = rel.attrs["TargetMode"] === "External";
    const entry: Relationship = { type: rel.attrs["Type"] ?? "" };
    if (!external) entry.part = resolvePartPath(part, target);
    rels.set(id, entry);
  }
  return rels;
}

/** The first relationship of a type (by its last path segment: `notesSlide`, `officeDocument`). */
export function relationshipOfType(
  rels: Map<string, Relationship>,
  type: string,
): Relationship | undefined {
  for (const rel of rels.values()) if (rel.type.endsWith(`/${type}`)) return rel;
  return undefined;
}

export interface CoreProperties {
  title?: string;
  author?: string;
  language?: string;
  created?: string;
  modified?: string;
}

/** docProps/core.xml (Dublin Core); absent or unreadable properties are left out. */
export function readCoreProperties(pkg: OfficePackage): CoreProperties {
  const xml = pkg.text("docProps/core.xml");
  if (xml === undefined) return {};
  const root = parseXml(xml)[0];
  if (root === undefined) return {};
  return dublinCore(root, { created: "dcterms:created", modified: "dcterms:modified" });
}

/** dc:title, dc:creator, dc:language and the given date elements under `root`. */
export function dublinCore(
  root: XmlElement,
  dates: { created?: string; modified?: string } = {},
): CoreProperties {
  const value = (name: string | undefined): string | undefined => {
    if (name === undefined) return undefined;
    const el = firstChild(root, name) ?? descendants(root.children, name)[0];
    const text = el === undefined ? "" : squash(textContent(el));
    return text === "" ? undefined : text;
  };
  const props: CoreProperties = {};
  const title = value("dc:title");
  const author = value("dc:creator");
  const language = value("dc:language");
  const created = value(dates.created);
  const modified = value(dates.modified);
  if (title !== undefined) props.title = title;
  if (author !== undefined) props.author = author;
  if (language !== undefined) props.language = language;
  if (created !== undefined) props.created = created;
  if (modified !== undefined) props.modified = modified;
  return props;
}

/** Copies core properties onto a parsed document's fields and metadata. */
export function applyCoreProperties(
  doc: {
    title?: string;
    author?: string;
    language?: string;
    metadata: Record<string, string | number | boolean>;
  },
  props: CoreProperties,
  fallbackTitle?: string,
): void {
  const title = props.title ?? fallbackTitle;
  if (title !== undefined) doc.title = title;
  if (props.author !== undefined) doc.author = props.author;
  if (props.language !== undefined) doc.language = props.language;
  if (props.created !== undefined) doc.metadata["created"] = props.created;
  if (props.modified !== undefined) doc.metadata["modified"] = props.modified;
}
