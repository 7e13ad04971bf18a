/**
 * Lays out the visible text of an HTML tree the way a reader sees it, well enough for search:
 * block elements start a new line or paragraph, so words of adjacent blocks never merge;
 * inline elements (and unknown ones, which browsers show inline) join their text to the
 * surrounding words; lists get markers, table rows become lines with cells separated by " | ",
 * preformatted text keeps its whitespace. Headings are recorded as section starts.
 */
import type { LeanElement } from "./html-tree.js";
import { HtmlTextBuilder } from "./html-text-builder.js";
import { attribute, isLeftOut } from "./html-visibility.js";
import type { HtmlVisitor } from "./html-walk.js";
import { HeadingStack, type SectionStart } from "./sections.js";

const names = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/).filter(Boolean));

/** Blocks that browsers set off by a margin: a blank line before and after. */
const PARAGRAPH_BLOCKS = names(`
  p pre listing xmp plaintext blockquote table ul ol menu dir dl figure hr address fieldset
  details dialog form header footer section article aside nav main search hgroup
  h1 h2 h3 h4 h5 h6`);
/** Other blocks: a line of their own. */
const LINE_BLOCKS = names(`
  div li tr dt dd caption figcaption summary legend option optgroup thead tbody tfoot center
  body html textarea select frameset marquee`);
const PREFORMATTED = names("pre listing xmp plaintext");
const LISTS = names("ul ol menu dir");
/** Replaced elements that take room on the line, so the words around them stay apart. */
const SPACERS = names("img input embed");

/**
 * Nested lists indent two spaces a level up to here: the marker is written for every item, and a
 * list nested thousands deep must not cost the square of its depth in text.
 */
const MAX_LIST_INDENT = 8;

interface TableContext {
  cellsInRow: number;
  inCell: boolean;
}

interface ListContext {
  ordered: boolean;
  next: number;
}

interface OpenHeading {
  element: LeanElement;
  level: number;
  text: string;
  start: number | undefined;
}

export class HtmlLayout implements HtmlVisitor {
  private readonly out = new HtmlTextBuilder();
  private readonly headings = new HeadingStack();
  private readonly tables: TableContext[] = [];
  private readonly lists: ListContext[] = [];
  private preDepth = 0;
  private heading: OpenHeading | undefined;
  readonly starts: SectionStart[] = [];
  /** Text of the first h1, the title of last resort. */
  firstH1: string | undefined;

  enter(element: LeanElement): boolean {
    if (isLeftOut(element)) return false;
    const name = element.tagName;
    if (name === "br") {
      if (this.inCell()) this.out.requestSpace();
      else this.out.addLineBreak();
      this.separateHeadingWords();
      return false;
    }
    // A list nested in a list item continues the list: one line break, not a paragraph.
    if (LISTS.has(name) && this.lists.length > 0) this.blockBreak(1);
    else if (PARAGRAPH_BLOCKS.has(name)) this.blockBreak(2);
    else if (LINE_BLOCKS.has(name)) this.blockBreak(1);
    if (SPACERS.has(name)) {
      this.out.requestSpace();
      this.separateHeadingWords();
    }
    if (PREFORMATTED.has(name)) this.preDepth++;
    else if (/^h[1-6]$/.test(name)) this.openHeading(element, Number(name[1]));
    else if (name === "table") this.tables.push({ cellsInRow: 0, inCell: false });
    else if (name === "tr") this.enterRow();
    else if (name === "td" || name === "th") this.enterCell();
    else if (LISTS.has(name))
      this.lists.push({ ordered: name === "ol", next: Number(attribute(element, "start")) || 1 });
    else if (name === "li") {
      const list = this.lists[this.lists.length - 1];
      const indent = "  ".repeat(Math.min(Math.max(this.lists.length - 1, 0), MAX_LIST_INDENT));
      this.out.setMarker(`${indent}${list?.ordered ? `${list.next++}.` : "-"} `);
    }
    return true;
  }

  leave(element: LeanElement): void {
    const name = element.tagName;
    if (LISTS.has(name) && this.lists.length > 1) this.blockBreak(1);
    else if (PARAGRAPH_BLOCKS.has(name)) this.blockBreak(2);
    else if (LINE_BLOCKS.has(name)) this.blockBreak(1);
    if (PREFORMATTED.has(name)) this.preDepth = Math.max(this.preDepth - 1, 0);
    else if (this.heading?.element === element) this.closeHeading(this.heading);
    else if (name === "table") this.tables.pop();
    else if (name === "td" || name === "th") {
      const table = this.tables[this.tables.length - 1];
      if (table !== undefined) table.inCell = false;
    } else if (LISTS.has(name)) this.lists.pop();
    else if (name === "li") this.out.setMarker(undefined);
  }

  text(value: string): void {
    if (this.heading !== undefined) this.heading.text += value;
    if (this.preDepth > 0) this.out.addPreformatted(value);
    else this.out.addFlowText(value);
  }

  toString(): string {
    return this.out.toString();
  }

  private inCell(): boolean {
    return this.tables[this.tables.length - 1]?.inCell === true;
  }

  /** Inside a table cell a block only separates words: the row must stay one line. */
  private blockBreak(lines: 1 | 2): void {
    if (this.inCell()) this.out.requestSpace();
    else this.out.requestBreak(lines);
    this.separateHeadingWords();
  }

  /** What breaks the text apart also separates the words of a heading's title. */
  private separateHeadingWords(): void {
    if (this.heading !== undefined) this.heading.text += " ";
  }

  private enterRow(): void {
    const table = this.tables[this.tables.length - 1];
    if (table === undefined) return;
    table.inCell = false;
    table.cellsInRow = 0;
    this.out.setMarker(undefined);
    this.blockBreak(1);
  }

  private enterCell(): void {
    const table = this.tables[this.tables.length - 1];
    if (table === undefined) return;
    this.out.setMarker(table.cellsInRow > 0 ? " | " : undefined);
    table.cellsInRow++;
    table.inCell = true;
  }

  /** A heading inside a heading (`<h1><span><h2>` nests in the tree) is text of the outer one. */
  private openHeading(element: LeanElement, level: number): void {
    if (this.heading !== undefined) return;
    const heading: OpenHeading = { element, level, text: "", start: undefined };
    this.heading = heading;
    this.out.atNextText((offset) => (heading.start = offset));
  }

  private closeHeading(heading: OpenHeading): void {
    this.heading = undefined;
    this.out.requestBreak(2);
    const title = collapseWhitespace(heading.text);
    if (title === "" || heading.start === undefined) return;
    this.starts.push({
      start: heading.start,
      level: heading.level,
      headingPath: this.headings.enter(heading.level, title),
    });
    if (heading.level === 1) this.firstH1 ??= title;
  }
}

export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, " ").trim();
}
