/**
 * CommonMark headings, line by line: ATX (`# x`) and setext (`x` over `===` / `---`). Fenced
 * code blocks and HTML comments are skipped, so `# comment` in a shell snippet is not a
 * heading. Not a full CommonMark parser: list items and block quotes only end paragraphs (a
 * heading inside a list or quote is not seen), and link reference definitions are ordinary text.
 */
import { cleanHeadingText, type HeadingMark } from "./heading-marks.js";
import type { TextLine } from "./lines.js";

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
/** Lines that start a block of their own and so cannot continue a paragraph into a setext heading. */
const BLOCK_START = /^ {0,3}(?:[-+*][ \t]|\d{1,9}[.)][ \t]|>|<|([-*_])[ \t]*\1[ \t]*\1[-*_ \t]*$)/;

export function markdownHeadings(lines: readonly TextLine[], firstLine: number): HeadingMark[] {
  const marks: HeadingMark[] = [];
  let fence: { char: string; length: number } | undefined;
  let inComment = false;
  let paragraph: TextLine[] = [];
  for (let i = firstLine; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined) continue;
    const text = line.text;
    if (fence !== undefined) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length)
        fence = undefined;
      continue;
    }
    if (inComment) {
      if (text.includes("-->")) inComment = false;
      continue;
    }
    if (text.trim() === "") {
      paragraph = [];
      continue;
    }
    const open = FENCE_OPEN.exec(text);
    if (open?.[1] && !(open[1][0] === "`" && (open[2] ?? "").includes("`"))) {
      fence = { char: open[1][0] ?? "`", length: open[1].length };
      paragraph = [];
      continue;
    }
    if (/^ {0,3}<!--/.test(text) && !text.includes("-->")) {
      inComment = true;
      paragraph = [];
      continue;
    }
    const atx = ATX.exec(text);
    if (atx?.[1]) {
      const title = cleanHeadingText((atx[2] ?? "").replace(/(^|[ \t]+)#+$/, ""));
      if (title !== "") marks.push({ start: line.start, level: atx[1].length, title });
      paragraph = [];
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(text);
    const first = paragraph[0];
    if (underline?.[1] && first !== undefined) {
      const title = cleanHeadingText(paragraph.map((l) => l.text).join(" "));
      if (title !== "")
        marks.push({ start: first.start, level: underline[1][0] === "=" ? 1 : 2, title });
      paragraph = [];
      continue;
    }
    if (BLOCK_START.test(text)) {
      paragraph = [];
      continue;
    }
    // Indented code, unless it continues a paragraph (a "lazy" continuation line).
    if (paragraph.length === 0 && /^(?: {4}|\t)/.test(text)) continue;
    paragraph.push(line);
  }
  return marks;
}
