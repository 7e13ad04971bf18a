/**
 * How search results and their filters read to people: citations, the text listing, and the
 * "modified since" argument.
 */
import { describe, expect, it } from "vitest";
import { DocindexError } from "../../../src/errors.js";
import {
  citation,
  formatResultsText,
  type PublicSearchResult,
} from "../../../src/search/format.js";
import { parseSince } from "../../../src/search/since.js";

const hit = (extra: Partial<PublicSearchResult>): PublicSearchResult => ({
  path: "docs/a.md",
  root: "/r",
  score: 1.23456,
  snippet: "a  snippet\nover lines",
  kind: "markdown",
  headingPath: [],
  chunkId: "c1",
  ...extra,
});

describe("citations and the text listing", () => {
  it("cites lines, else a page, else the file", () => {
    expect(citation(hit({ lines: { start: 3, end: 9 } }))).toBe("docs/a.md:3-9");
    expect(citation(hit({ path: "p.pdf", page: 4 }))).toBe("p.pdf (page 4)");
    expect(citation(hit({ path: "notes.txt" }))).toBe("notes.txt");
  });

  it("numbers the hits with score, heading path and a one-line snippet", () => {
    const text = formatResultsText(
      [hit({ lines: { start: 1, end: 2 }, headingPath: ["Guide", "Setup"] }), hit({ page: 2 })],
      "q",
    );
    expect(text).toBe(
      "1. docs/a.md:1-2  (score 1.23)  Guide > Setup\n   a snippet over lines\n" +
        "2. docs/a.md (page 2)  (score 1.23)\n   a snippet over lines",
    );
    expect(formatResultsText([], "nothing here")).toBe('No results for "nothing here".');
  });
});

describe("parseSince", () => {
  const now = Date.UTC(2026, 0, 31, 12, 0, 0);

  it("reads ages in seconds to weeks, in either case, with or without a space", () => {
    expect(parseSince("45s", "--since", now)).toBe(now - 45_000);
    expect(parseSince("30 m", "--since", now)).toBe(now - 30 * 60_000);
    expect(parseSince("12H", "--since", now)).toBe(now - 12 * 3_600_000);
    expect(parseSince(" 7d ", "--since", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("2w", "--since", now)).toBe(now - 14 * 86_400_000);
  });

  it("reads dates and date-times", () => {
    expect(parseSince("2026-01-15", "--since", now)).toBe(Date.UTC(2026, 0, 15));
    expect(parseSince("2026-01-15T08:30:00Z", "--since", now)).toBe(Date.UTC(2026, 0, 15, 8, 30));
  });

  it("refuses anything else, naming the argument", () => {
    expect(() => parseSince("7 days", "modifiedSince", now)).toThrow(
      new DocindexError(
        "USAGE",
        "modifiedSince must be a date (2026-01-31) or an age (7d, 12h), got '7 days'",
      ),
    );
  });
});
