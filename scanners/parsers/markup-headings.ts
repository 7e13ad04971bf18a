/**
 * Headings of the other light markup formats that share the "markdown" kind: reStructuredText,
 * AsciiDoc and Org. Each is a line scan like Markdown's; none resolves includes or directives.
 */
import { cleanHeadingText, type HeadingMark } from "./heading-marks.js";
import type { TextLine } from "./lines.js";

export interface MarkupHeadings {
  marks: HeadingMark[];
  /** A title declared by the format itself (Org's #+TITLE), if any. */
  title?: string;
}

/** RST adornment: one punctuation character repeated, e.g. `=====` or `-----`. */
const RST_ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}\s*$/;

/**
 * RST has no fixed heading levels: the first adornment style seen is level 1, the next new
 * one level 2, and so on. An overlined title is a different style from an underlined one.
 */
export function rstHeadings(lines: readonly TextLine[], firstLine: number): MarkupHeadings {
  const styles: string[] = [];
  const marks: HeadingMark[] = [];
  for (let i = firstLine; i + 1 < lines.length; i++) {
    const line = lines[i];
    const under = lines[i + 1];
    if (line === undefined || under === undefined) continue;
    const title = line.text.trimEnd();
    if (title === "" || /^\s/.test(title) || RST_ADORNMENT.test(title)) continue;
    const adornment = RST_ADORNMENT.exec(under.text);
    if (!adornment?.[1] || under.text.trimEnd().length < Math.min(title.length, 3)) continue;
    const over = lines[i - 1];
    const overlined =
      over !== undefined && i - 1 >= firstLine && over.text.trimEnd() === under.text.trimEnd();
    const style = `${overlined ? "o" : "u"}${adornment[1]}`;
    if (!styles.includes(style)) styles.push(style);
    marks.push({
      start: overlined ? over.start : line.start,
      level: Math.min(styles.indexOf(style) + 1, 6),
      title: cleanHeadingText(title.trim()),
    });
    i++;
  }
  return { marks };
}

const ADOC_DELIMITER = /^(-{4,}|\.{4,}|\+{4,}|\/{4,}|`{3,})\s*$/;

/** `= Title`, `== Section` (and Markdown-style `#`), outside listing, literal and comment blocks. */
export function asciidocHeadings(lines: readonly TextLine[], firstLine: number): MarkupHeadings {
  const marks: HeadingMark[] = [];
  let block: string | undefined;
  for (let i = firstLine; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined) continue;
    const delimiter = ADOC_DELIMITER.exec(line.text)?.[1];
    if (delimiter !== undefined) {
      if (block === undefined) block = delimiter;
      else if (block === delimiter) block = undefined;
      continue;
    }
    if (block !== undefined) continue;
    const heading = /^(={1,6}|#{1,6})[ \t]+(\S.*)$/.exec(line.text);
    if (heading?.[1] && heading[2]) {
      marks.push({
        start: line.start,
        level: heading[1].length,
        title: cleanHeadingText(heading[2]),
      });
    }
  }
  return { marks };
}

/** `* Heading`, `** Sub`, with TODO keywords, priorities and tags removed; #+TITLE is the title. */
export function orgHeadings(lines: readonly TextLine[], firstLine: number): MarkupHeadings {
  const marks: HeadingMark[] = [];
  let title: string | undefined;
  let inBlock = false;
  for (let i = firstLine; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined) continue;
    if (/^\s*#\+begin_/i.test(line.text)) inBlock = true;
    else if (/^\s*#\+end_/i.test(line.text)) inBlock = false;
    if (inBlock) continue;
    const declared = /^#\+title:\s*(.*)$/i.exec(line.text);
    if (declared?.[1] && title === undefined) title = declared[1].trim();
    const heading = /^(\*+)[ \t]+(.*)$/.exec(line.text);
    if (!heading?.[1]) continue;
    const text = (heading[2] ?? "")
      .replace(/^(?:TODO|DONE)\s+/, "")
      .replace(/^\[#[A-Z]\]\s+/, "")
      .replace(/\s+:[\w@#%:]+:\s*$/, "");
    const clean = cleanHeadingText(text);
    if (clean !== "")
      marks.push({ start: line.start, level: Math.min(heading[1].length, 6), title: clean });
  }
  return title === undefined || title === "" ? { marks } : { marks, title };
}
