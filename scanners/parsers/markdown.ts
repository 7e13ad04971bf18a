/**
 * Markdown (and the other light markup formats of the "markdown" kind) to a ParsedDocument.
 * The text is the source itself, so lines match; headings become sections with heading paths.
 *
 * Front matter stays in the text, covered by the untitled first section: its descriptions and
 * tags are worth finding by search, and dropping it would shift every line number. It never
 * yields headings, and its top-level fields are copied to metadata as `frontMatter.<key>`.
 */
import type { ParsedDocument } from "../types.js";
import { readFrontMatter } from "./front-matter.js";
import type { HeadingMark } from "./heading-marks.js";
import { LineIndex } from "../line-index.js";
import { splitLines } from "./lines.js";
import { markdownHeadings } from "./markdown-headings.js";
import { asciidocHeadings, orgHeadings, rstHeadings } from "./markup-headings.js";
import { buildSections, HeadingStack } from "./sections.js";

export type MarkupFlavor = "markdown" | "rst" | "asciidoc" | "org";

const MAX_FRONT_MATTER_FIELDS = 50;
const MAX_FIELD_LENGTH = 1000;

export function markupFlavorForPath(path: string): MarkupFlavor {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  if (ext === "rst") return "rst";
  if (ext === "adoc" || ext === "asciidoc") return "asciidoc";
  if (ext === "org") return "org";
  return "markdown";
}

/** `text` must already have LF line endings (see normalizeNewlines). */
export function parseMarkdown(text: string, flavor: MarkupFlavor = "markdown"): ParsedDocument {
  const lines = splitLines(text);
  const frontMatter = readFrontMatter(lines);
  const firstLine = frontMatter?.lineCount ?? 0;
  let marks: HeadingMark[];
  let declaredTitle: string | undefined;
  if (flavor === "rst") marks = rstHeadings(lines, firstLine).marks;
  else if (flavor === "asciidoc") marks = asciidocHeadings(lines, firstLine).marks;
  else if (flavor === "org") ({ marks, title: declaredTitle } = orgHeadings(lines, firstLine));
  else marks = markdownHeadings(lines, firstLine);

  const stack = new HeadingStack();
  const starts = marks.map((m) => ({
    start: m.start,
    level: m.level,
    headingPath: stack.enter(m.level, m.title),
  }));
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(frontMatter?.fields ?? {}).slice(
    0,
    MAX_FRONT_MATTER_FIELDS,
  )) {
    metadata[`frontMatter.${key}`] = value.slice(0, MAX_FIELD_LENGTH);
  }
  const doc: ParsedDocument = {
    text,
    sections: buildSections(text, starts, new LineIndex(text)),
    linesMatchSource: true,
    metadata,
  };
  const frontTitle = frontMatter?.fields["title"]?.trim();
  const title = frontTitle || declaredTitle || marks.find((m) => m.level === 1)?.title;
  if (title) doc.title = title;
  return doc;
}
