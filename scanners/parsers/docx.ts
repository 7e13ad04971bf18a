/**
 * DOCX through mammoth: the document becomes HTML (Heading 1-6 styles become h1-h6, tables
 * stay tables) and the HTML parser makes the text and the heading sections, so DOCX and HTML
 * share one set of layout rules. SmartArt and chart text, which mammoth skips, is appended in
 * a last section headed "Diagrams and charts".
 */
import mammoth from "mammoth";
import type { ParseOutcome } from "../types.js";
import { readCoreProperties, readDrawingText } from "./docx-package.js";
import { parseHtmlDetailed } from "./html.js";
import { corrupt, failed, indexed, REASONS, skipped } from "./outcome.js";
import { isOle, openOle } from "./office/ole.js";
import { ZipArchive } from "./zip.js";

const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"];
const DRAWINGS_HEADING = "Diagrams and charts";

export async function parseDocx(bytes: Buffer, passwords: string[] = []): Promise<ParseOutcome> {
  if (isOle(bytes)) {
    const opened = openOle(bytes, passwords);
    if (!Buffer.isBuffer(opened)) return skipped(opened.reason);
    bytes = opened;
  }
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return failed("corrupt: not a zip archive");
  let zip: ZipArchive;
  try {
    zip = ZipArchive.open(bytes);
  } catch (error) {
    return corrupt(error);
  }
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: bytes },
      // Images are dropped: the default converter would inline every image as base64.
      {
        styleMap: STYLE_MAP,
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "" })),
      },
    );
    html = result.value;
  } catch (error) {
    return corrupt(error);
  }

  const { doc, firstH1 } = parseHtmlDetailed(html);
  const drawings = readDrawingText(zip);
  if (drawings !== "") {
    // Once the document has a section, the body needs one too: sections cover the text that matters.
    if (doc.sections.length === 0 && doc.text !== "")
      doc.sections.push({ headingPath: [], level: 0, start: 0, end: doc.text.length });
    const start = doc.text === "" ? 0 : doc.text.length + 2;
    doc.text = doc.text === "" ? drawings : `${doc.text}\n\n${drawings}`;
    doc.sections.push({ headingPath: [DRAWINGS_HEADING], level: 0, start, end: doc.text.length });
  }
  if (doc.text.trim() === "") return skipped(REASONS.noText);

  const core = readCoreProperties(zip);
  delete doc.title;
  const title = core.title ?? firstH1;
  if (title !== undefined) doc.title = title;
  if (core.creator !== undefined) doc.author = core.creator;
  if (core.created !== undefined) doc.metadata["created"] = core.created;
  if (core.modified !== undefined) doc.metadata["modified"] = core.modified;
  return indexed(doc);
}
