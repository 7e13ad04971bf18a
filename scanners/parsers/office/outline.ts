/**
 * Builds a ParsedDocument from sections in reading order: slides, sheets, chapters. Each
 * section's body is appended to the text (blank line between) and recorded as a Section with
 * its heading path and, where the format has them, its page (slide number) so chunks cite it.
 */
import type { ParsedDocument, Section } from "../../types.js";

export class OutlineBuilder {
  private text = "";
  private readonly sections: Section[] = [];

  /** Appends a section; a body that is only whitespace adds nothing. */
  add(headingPath: string[], body: string, page?: number, level = 1): void {
    const trimmed = body.replace(/^\s+|\s+$/g, "");
    if (trimmed === "") return;
    if (this.text !== "") this.text += "\n\n";
    const start = this.text.length;
    this.text += trimmed;
    const section: Section = { headingPath, level, start, end: this.text.length };
    if (page !== undefined) section.page = page;
    this.sections.push(section);
  }

  isEmpty(): boolean {
    return this.text === "";
  }

  build(metadata: ParsedDocument["metadata"] = {}): ParsedDocument {
    return { text: this.text, sections: this.sections, linesMatchSource: false, metadata };
  }
}

/** Rows of cells as `a | b | c` lines; cells lose their own line breaks and pipes stay readable. */
export function tableLines(rows: readonly (readonly string[])[]): string[] {
  return rows
    .map((cells) => cells.map((c) => c.replace(/\s+/g, " ").trim()))
    .filter((cells) => cells.some((c) => c !== ""))
    .map((cells) => cells.join(" | "));
}
