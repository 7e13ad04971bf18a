/**
 * Accumulates visible text the way a browser lays it out, well enough for search: runs of
 * whitespace collapse to one space, block boundaries become line breaks (at most one blank
 * line), and nothing is emitted at the start or end. Breaks and spaces are kept pending until
 * the next visible character, so offsets recorded "at the next text" are final: no
 * post-processing ever shifts them.
 */
export class HtmlTextBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private lastChar = "";
  private pendingBreak = 0;
  private pendingSpace = false;
  private pendingMarker: string | undefined;
  /** Callbacks waiting for the offset of the next visible character. */
  private waiters: ((offset: number) => void)[] = [];

  /** A line break (1) or a paragraph break (2) before the next text. */
  requestBreak(lines: 1 | 2): void {
    this.pendingBreak = Math.max(this.pendingBreak, lines);
  }

  /** `<br>`: breaks add up, so two of them leave a blank line. */
  addLineBreak(): void {
    this.pendingBreak = Math.min(this.pendingBreak + 1, 2);
  }

  requestSpace(): void {
    this.pendingSpace = true;
  }

  /** Calls `callback` with the offset at which the next visible character lands. */
  atNextText(callback: (offset: number) => void): void {
    this.waiters.push(callback);
  }

  /** Text whose whitespace collapses (normal flow). */
  addFlowText(text: string): void {
    const collapsed = text.replace(/[ \t\n\r\f\u00a0]+/g, " ");
    if (collapsed === " " || collapsed === "") {
      if (collapsed === " ") this.pendingSpace = true;
      return;
    }
    if (collapsed.startsWith(" ")) this.pendingSpace = true;
    const trimmed = collapsed.trim();
    this.append(trimmed);
    if (collapsed.endsWith(" ")) this.pendingSpace = true;
  }

  /** Text whose whitespace is kept (`<pre>`). */
  addPreformatted(text: string): void {
    const normalized = text.replace(/\r\n?/g, "\n").replace(/\u00a0/g, " ");
    if (normalized.trim() === "") {
      if (this.length > 0 && normalized.length > 0) this.append(normalized, true);
      return;
    }
    this.append(normalized, true);
  }

  /**
   * Literal text such as a list marker or a cell separator, written just before the next
   * visible text (after any pending break), so an empty list item or a row's last cell leaves
   * no dangling marker. Undefined cancels it.
   */
  setMarker(text: string | undefined): void {
    this.pendingMarker = text;
  }

  get offset(): number {
    return this.length;
  }

  toString(): string {
    return this.parts.join("").trimEnd();
  }

  private append(text: string, raw = false): void {
    if (this.length > 0) {
      if (this.pendingBreak > 0) {
        const have = this.lastChar === "\n" ? 1 : 0;
        this.push("\n".repeat(Math.max(this.pendingBreak - have, 0)));
      } else if (
        this.pendingSpace &&
        !raw &&
        this.pendingMarker === undefined &&
        this.lastChar !== " " &&
        this.lastChar !== "\n"
      ) {
        this.push(" ");
      }
    }
    this.pendingBreak = 0;
    this.pendingSpace = false;
    if (this.pendingMarker !== undefined) {
      this.push(this.pendingMarker);
      this.pendingMarker = undefined;
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter(this.length);
    this.push(text);
  }

  private push(text: string): void {
    if (text === "") return;
    this.parts.push(text);
    this.length += text.length;
    this.lastChar = text[text.length - 1] ?? "";
  }
}
