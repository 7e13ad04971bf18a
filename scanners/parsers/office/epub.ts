/**
 * EPUB 2 and 3: the chapters in spine order, each read by the HTML parser (XHTML is HTML
 * here, with the same layout rules and without any entity expansion), under the heading path
 * the book's table of contents gives that chapter (the EPUB 3 navigation document, else the
 * EPUB 2 NCX); title, author and language come from the package metadata. The chapters'
 * own headings nest under that path, less a first heading that only repeats it.
 */
import type { ParsedDocument } from "../../types.js";
import { parseHtml } from "../html.js";
import { OutlineBuilder } from "./outline.js";
import type { OfficePackage } from "./package.js";
import { resolvePartPath } from "./package.js";
import { applyCoreProperties, dublinCore } from "./parts.js";
import {
  childrenNamed,
  descendants,
  localName,
  parseXml,
  squash,
  textContent,
  walkElements,
  type XmlElement,
} from "./xml.js";

interface ManifestItem {
  href: string;
  mediaType: string;
  properties: string;
}

const CHAPTER_TYPES = new Set(["application/xhtml+xml", "text/html", "application/x-dtbook+xml"]);

export function parseEpub(pkg: OfficePackage): ParsedDocument | undefined {
  const container = pkg.text("META-INF/container.xml");
  const opfPath =
    container === undefined
      ? pkg.names().find((n) => n.endsWith(".opf"))
      : (descendants(parseXml(container), "rootfile")[0]?.attrs["full-path"] ??
        pkg.names().find((n) => n.endsWith(".opf")));
  const opfXml = opfPath === undefined ? undefined : pkg.text(opfPath);
  if (opfPath === undefined || opfXml === undefined) return undefined;
  const opf = parseXml(opfXml);
  const manifest = new Map<string, ManifestItem>();
  walkElements(opf, (el) => {
    if (localName(el.name) !== "item") return;
    const id = el.attrs["id"];
    const href = el.attrs["href"];
    if (id === undefined || href === undefined) return;
    manifest.set(id, {
      href: resolvePartPath(opfPath, decodeHref(href)),
      mediaType: el.attrs["media-type"] ?? "",
      properties: el.attrs["properties"] ?? "",
    });
  });
  const spineEl = descendants(opf, "spine")[0] ?? descendants(opf, "opf:spine")[0];
  const spine = (spineEl === undefined ? [] : spineEl.children)
    .filter((c): c is XmlElement => typeof c !== "string" && localName(c.name) === "itemref")
    .map((ref) => manifest.get(ref.attrs["idref"] ?? ""))
    .filter(
      (item): item is ManifestItem => item !== undefined && CHAPTER_TYPES.has(item.mediaType),
    );

  let toc: Map<string, string[]>;
  try {
    toc = readToc(pkg, manifest, spineEl?.attrs["toc"]);
  } catch {
    // A navigation document that does not parse costs the heading paths, not the book.
    toc = new Map();
  }
  const out = new OutlineBuilder();
  let chapters = 0;
  for (const item of spine) {
    const html = pkg.text(item.href);
    if (html === undefined) continue;
    const chapter = parseHtml(html);
    if (chapter.text.trim() === "") continue;
    chapters++;
    const base = toc.get(item.href) ?? [];
    if (chapter.sections.length === 0) {
      out.add(base, chapter.text, undefined, base.length);
      continue;
    }
    for (const section of chapter.sections) {
      const own = section.headingPath;
      const path =
        own[0] !== undefined && own[0] === base[base.length - 1]
          ? [...base, ...own.slice(1)]
          : [...base, ...own];
      out.add(path, chapter.text.slice(section.start, section.end), undefined, path.length);
    }
  }
  const doc = out.build({ chapters });
  const metadata = descendants(opf, "metadata")[0] ?? descendants(opf, "opf:metadata")[0];
  if (metadata !== undefined) applyCoreProperties(doc, dublinCore(metadata));
  return doc;
}

/** Chapter file → the labels of its first table-of-contents entry and the entries above it. */
function readToc(
  pkg: OfficePackage,
  manifest: Map<string, ManifestItem>,
  ncxId: string | undefined,
): Map<string, string[]> {
  const toc = new Map<string, string[]>();
  const note = (fromPart: string, href: string | undefined, path: string[]): void => {
    if (href === undefined || path.length === 0) return;
    const file = resolvePartPath(fromPart, decodeHref(href.split("#")[0] ?? ""));
    if (!toc.has(file)) toc.set(file, path);
  };
  const nav = [...manifest.values()].find((m) => m.properties.split(/\s+/).includes("nav"));
  const navXml = nav === undefined ? undefined : pkg.text(nav.href);
  if (nav !== undefined && navXml !== undefined) {
    const tocNav =
      descendants(parseXml(navXml), "nav").find((n) =>
        (n.attrs["epub:type"] ?? "").includes("toc"),
      ) ?? descendants(parseXml(navXml), "nav")[0];
    const visitList = (ol: XmlElement, above: string[]): void => {
      for (const li of childrenNamed(ol, "li")) {
        const link = childrenNamed(li, "a")[0] ?? childrenNamed(li, "span")[0];
        const label = link === undefined ? "" : squash(textContent(link));
        const path = label === "" ? above : [...above, label];
        note(nav.href, link?.attrs["href"], path);
        for (const sub of childrenNamed(li, "ol")) visitList(sub, path);
      }
    };
    if (tocNav !== undefined) for (const ol of childrenNamed(tocNav, "ol")) visitList(ol, []);
    if (toc.size > 0) return toc;
  }
  const ncx =
    (ncxId === undefined ? undefined : manifest.get(ncxId)) ??
    [...manifest.values()].find((m) => m.mediaType === "application/x-dtbncx+xml");
  const ncxXml = ncx === undefined ? undefined : pkg.text(ncx.href);
  if (ncx === undefined || ncxXml === undefined) return toc;
  const visitPoints = (parent: XmlElement, above: string[]): void => {
    for (const point of parent.children) {
      if (typeof point === "string" || localName(point.name) !== "navPoint") continue;
      const labelEl = point.children.find(
        (c): c is XmlElement => typeof c !== "string" && localName(c.name) === "navLabel",
      );
      const label = labelEl === undefined ? "" : squash(textContent(labelEl));
      const path = label === "" ? above : [...above, label];
      const content = point.children.find(
        (c): c is XmlElement => typeof c !== "string" && localName(c.name) === "content",
      );
      note(ncx.href, content?.attrs["src"], path);
      visitPoints(point, path);
    }
  };
  const navMap =
    descendants(parseXml(ncxXml), "navMap")[0] ?? descendants(parseXml(ncxXml), "ncx:navMap")[0];
  if (navMap !== undefined) visitPoints(navMap, []);
  return toc;
}

function decodeHref(href: string): string {
  try {
    return decodeURIComponent(href);
  } catch {
    return href;
  }
}
