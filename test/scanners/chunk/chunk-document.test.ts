import { describe, expect, it } from "vitest";
import {
  chunkDocument,
  DEFAULT_MAX_TOKENS,
  estimateTokens,
} from "../../../scanners/chunk/index.js";
import type { Chunk, ParsedDocument } from "../../../scanners/types.js";
import { claimedLines, codeFile, expectExactLines, markdown, plain } from "./helpers.js";

function expectWellFormed(chunks: Chunk[], doc: ParsedDocument, maxTokens: number): void {
  chunks.forEach((c, i) => {
    expect(c.ordinal).toBe(i);
    expect(c.text.trim()).not.toBe("");
    expect(c.tokens).toBe(estimateTokens(c.text));
    expect(c.tokens).toBeLessThanOrEqual(maxTokens);
    expect(c.id).toMatch(/^[0-9a-f]{32}$/);
    expect(c.contentHash).toMatch(/^[0-9a-f]{64}$/);
    if (doc.linesMatchSource) expectExactLines(doc.text, c);
    else expect(c.lineStart).toBeUndefined();
  });
  expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
}

describe("chunkDocument: code and text by line ranges", () => {
  it("cuts whole lines whose ranges match the source exactly", () => {
    const text = codeFile(30, 12);
    const doc = plain(text);
    const chunks = chunkDocument("src/handlers.ts", doc, { maxTokens: 200 });
    expect(chunks.length).toBeGreaterThan(5);
    expectWellFormed(chunks, doc, 200);
    for (const c of chunks) expect(claimedLines(text, c).trimEnd()).toBe(c.text);
  });

  it("covers every non-blank line exactly once, without overlap by default", () => {
    const text = codeFile(20, 9);
    const chunks = chunkDocument("a.ts", plain(text), { maxTokens: 150 });
    const covered = new Map<number, number>();
    for (const c of chunks)
      for (let l = c.lineStart!; l <= c.lineEnd!; l++) covered.set(l, (covered.get(l) ?? 0) + 1);
    text.split("\n").forEach((line, i) => {
      if (line.trim() !== "") expect(covered.get(i + 1), `line ${i + 1}`).toBe(1);
    });
  });

  it("prefers to break before top-level declarations", () => {
    const chunks = chunkDocument("a.ts", plain(codeFile(40, 6)), { maxTokens: 250 });
    const starts = chunks.slice(1).map((c) => c.text.split("\n")[0] ?? "");
    expect(starts.every((l) => l.startsWith("export function"))).toBe(true);
  });

  it("uses level-0 sections from a parser as break points and heading paths", () => {
    const text = codeFile(10, 10);
    const starts = [...text.matchAll(/^export function (handler\d+)/gm)];
    const sections = starts.map((m, i) => ({
      headingPath: [m[1] ?? ""],
      level: 0,
      start: m.index ?? 0,
      end: (starts[i + 1]?.index ?? text.length) - 1,
    }));
    const chunks = chunkDocument("a.ts", plain(text, sections), { maxTokens: 250 });
    const single = chunks.filter((c) => (c.text.match(/export function/g) ?? []).length === 1);
    expect(single.length).toBeGreaterThan(5);
    for (const c of single) expect(c.headingPath).toEqual([/handler\d+/.exec(c.text)?.[0]]);
  });

  it("keeps indentation and handles CRLF line endings", () => {
    const text = ["def a():", "    return 1", "", "", "def b():", "    return 2", ""].join("\r\n");
    const chunks = chunkDocument("a.py", plain(text), { maxTokens: 8 });
    expect(chunks.map((c) => [c.lineStart, c.lineEnd])).toEqual([
      [1, 2],
      [5, 6],
    ]);
    expect(chunks[0]?.text).toBe("def a():\r\n    return 1");
  });

  it("cuts a single line only when it alone exceeds the budget", () => {
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
    const text = `first line\n\n${long}\nlast line\n`;
    const doc = plain(text);
    const chunks = chunkDocument("min.js", doc, { maxTokens: 100 });
    expectWellFormed(chunks, doc, 100);
    const middle = chunks.filter((c) => c.lineStart === 3);
    expect(middle.length).toBeGreaterThan(3);
    expect(middle.every((c) => c.lineEnd === 3)).toBe(true);
    expect(middle.map((c) => c.text).join(" ")).toBe(long);
  });

  it("hard-splits a single huge token", () => {
    const blob = "A".repeat(20_000);
    const doc = plain(`x = "${blob}"\n`);
    const chunks = chunkDocument("blob.py", doc, { maxTokens: 64 });
    expectWellFormed(chunks, doc, 64);
    expect(chunks.map((c) => c.text).join("")).toContain(blob);
  });

  it("hard-splits a long minified line into full pieces that tile it", () => {
    // Density varies along the line (identifiers, then runs of marks), as in a bundle: each cut
    // estimates a window ahead of it, and must still fill its piece.
    let line = "";
    for (let i = 0; line.length < 200_000; i++)
      line += i % 7 === 0 ? "=".repeat(90) : `fn${i}(aLongIdentifierName${i},b[${i}]);`;
    const doc = plain(`${line}\n`);
    const chunks = chunkDocument("bundle.min.js", doc, { maxTokens: 64 });
    expectWellFormed(chunks, doc, 64);
    expect(chunks.map((c) => c.text).join("")).toBe(line);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.tokens).toBeGreaterThan(32);
  });

  it("repeats trailing lines when overlap is asked for", () => {
    const text = Array.from({ length: 60 }, (_, i) => `line number ${i} has a few words`).join(
      "\n",
    );
    const chunks = chunkDocument("a.txt", plain(text), { maxTokens: 60, overlapTokens: 15 });
    for (let i = 1; i < chunks.length; i++)
      expect(chunks[i]!.lineStart!).toBeLessThanOrEqual(chunks[i - 1]!.lineEnd!);
    expectWellFormed(chunks, plain(text), 60);
  });
});

describe("chunkDocument: headings", () => {
  const guide = [
    "Preamble before any heading.",
    "",
    "# Guide",
    "",
    "Welcome to the guide.",
    "",
    "## Install",
    "",
    ...Array.from(
      { length: 30 },
      (_, i) => `Paragraph ${i} of the install section explains one more step in some detail.\n`,
    ),
    "## Options",
    "",
    "### --fast",
    "",
    "Go fast.",
    "",
    "### --slow",
    "",
    "Go slow.",
    "",
    "# Appendix",
    "",
    "The end.",
    "",
  ].join("\n");

  it("keeps heading paths, merges small sibling sections under their parent, splits long ones", () => {
    const doc = markdown(guide);
    const chunks = chunkDocument("guide.md", doc, { maxTokens: 120 });
    expectWellFormed(chunks, doc, 120);
    expect(chunks[0]?.headingPath).toEqual([]);
    expect(chunks[0]?.text).toBe("Preamble before any heading.");
    const install = chunks.filter((c) => c.headingPath.join("/") === "Guide/Install");
    expect(install.length).toBeGreaterThan(2);
    expect(install[0]?.text.startsWith("## Install")).toBe(true);
    // Long sections are cut at paragraph boundaries.
    for (const c of install) expect(c.text).toMatch(/(^## Install|^Paragraph \d+)[\s\S]*detail\.$/);
    const options = chunks.find((c) => c.text.includes("--fast"));
    expect(options?.headingPath).toEqual(["Guide", "Options"]);
    expect(options?.text).toContain("Go slow.");
    const appendix = chunks.find((c) => c.text.includes("The end."));
    expect(appendix?.headingPath).toEqual(["Appendix"]);
    expect(appendix?.text).not.toContain("Go slow");
  });

  it("merges a small section into the following ones under their common parent", () => {
    const text =
      "# Tool\n\nIntro.\n\n## Flags\n\n### -a\n\nAll.\n\n### -b\n\nBrief.\n\n# Other\n\nElse.\n";
    const chunks = chunkDocument("tool.md", markdown(text));
    expect(chunks.map((c) => [c.headingPath, c.lineStart, c.lineEnd])).toEqual([
      [["Tool"], 1, 13],
      [["Other"], 15, 17],
    ]);
    const options = chunkDocument("guide.md", markdown(guide), { maxTokens: 400 }).find((c) =>
      c.text.includes("--fast"),
    );
    expect(options?.headingPath).toEqual(["Guide", "Options"]);
  });

  it("gives the same ids on a second run, and after an edit keeps the ids of untouched sections", () => {
    const first = chunkDocument("guide.md", markdown(guide), { maxTokens: 120 });
    expect(chunkDocument("guide.md", markdown(guide), { maxTokens: 120 })).toEqual(first);
    const edited = guide.replace("Go slow.", "Go slowly, carefully.");
    const second = chunkDocument("guide.md", markdown(edited), { maxTokens: 120 });
    const before = new Set(first.map((c) => c.id));
    const changed = second.filter((c) => !before.has(c.id));
    expect(changed).toHaveLength(1);
    expect(changed[0]?.text).toContain("carefully");
    // A path change changes every id: ids are per file.
    const moved = chunkDocument("other.md", markdown(guide), { maxTokens: 120 });
    expect(moved.some((c) => before.has(c.id))).toBe(false);
  });

  it("keeps code ids stable after an edit inside one function", () => {
    const text = codeFile(30, 8);
    const first = chunkDocument("a.ts", plain(text), { maxTokens: 200 });
    const edited = text.replace("step 3 of handler 17", "stage 3 of handler 17");
    const second = chunkDocument("a.ts", plain(edited), { maxTokens: 200 });
    const before = new Set(first.map((c) => c.id));
    expect(second.filter((c) => !before.has(c.id))).toHaveLength(1);
  });

  it("gives identical chunks distinct ids", () => {
    const text = "same text here\n\nsomething else\n\nsame text here\n";
    const chunks = chunkDocument("dup.txt", plain(text), { maxTokens: 3 });
    expect(chunks.map((c) => c.text)).toEqual([
      "same text here",
      "something else",
      "same text here",
    ]);
    expect(chunks[0]?.contentHash).toBe(chunks[2]?.contentHash);
    expect(chunks[0]?.id).not.toBe(chunks[2]?.id);
  });

  it("splits an unbroken paragraph at sentences", () => {
    const para = Array.from({ length: 40 }, (_, i) => `Sentence ${i} is about chunking.`).join(" ");
    const text = `# Title\n\n${para}\n`;
    const doc = markdown(text);
    const chunks = chunkDocument("p.md", doc, { maxTokens: 60 });
    expectWellFormed(chunks, doc, 60);
    expect(chunks[0]?.text).toMatch(/^# Title\n\nSentence 0 /);
    for (const c of chunks.slice(1)) expect(c.text).toMatch(/^Sentence \d+ .*chunking\.$/);
    // Balanced: no scrap at the end.
    const sizes = chunks.map((c) => c.tokens);
    expect(Math.min(...sizes)).toBeGreaterThan(Math.max(...sizes) / 2);
  });

  it("indexes DOCX/HTML-like text without line numbers", () => {
    const text = "Heading\nSome paragraph text.\nOther heading\nMore text.";
    const doc: ParsedDocument = {
      text,
      linesMatchSource: false,
      metadata: {},
      sections: [
        { headingPath: ["Heading"], level: 1, start: 0, end: 29 },
        { headingPath: ["Other heading"], level: 1, start: 29, end: text.length },
      ],
    };
    const chunks = chunkDocument("a.docx", doc);
    expectWellFormed(chunks, doc, DEFAULT_MAX_TOKENS);
    expect(chunks.map((c) => c.headingPath)).toEqual([["Heading"], ["Other heading"]]);
  });
});

describe("chunkDocument: PDF pages", () => {
  const pages = [
    "Page one is short.",
    Array.from({ length: 200 }, (_, i) => `Long page words ${i}.`).join(" "),
    "",
    "Page four.",
  ];
  const text = pages.join("\f");
  let offset = 0;
  const sections = pages.map((p, i) => {
    const s = { headingPath: [], level: 0, start: offset, end: offset + p.length, page: i + 1 };
    offset += p.length + 1;
    return s;
  });
  const doc: ParsedDocument = {
    text,
    sections,
    linesMatchSource: false,
    pageCount: 4,
    metadata: {},
  };

  it("chunks by page, never merges pages, splits a long page keeping its number", () => {
    const chunks = chunkDocument("a.pdf", doc, { maxTokens: 100 });
    expectWellFormed(chunks, doc, 100);
    expect(chunks[0]).toMatchObject({ page: 1, text: "Page one is short." });
    const second = chunks.filter((c) => c.page === 2);
    expect(second.length).toBeGreaterThan(3);
    expect(second.map((c) => c.text).join(" ")).toBe(pages[1]);
    expect(chunks.filter((c) => c.page === 3)).toEqual([]);
    expect(chunks[chunks.length - 1]).toMatchObject({ page: 4, text: "Page four." });
    expect(chunks.every((c) => c.lineStart === undefined)).toBe(true);
  });
});

describe("chunkDocument: edge cases", () => {
  it("returns no chunks for empty and blank documents", () => {
    expect(chunkDocument("e.txt", plain(""))).toEqual([]);
    expect(chunkDocument("b.txt", plain("  \n\n\t\n"))).toEqual([]);
    expect(chunkDocument("b.md", markdown("# \n\n   \n"))).toHaveLength(1);
    const blankSections = plain("   \n\n  ", [{ headingPath: ["X"], level: 1, start: 0, end: 7 }]);
    expect(chunkDocument("s.md", blankSections)).toEqual([]);
  });

  it("handles unicode text and line numbers after astral characters", () => {
    const text = "😀 emoji line\n東京都に住んでいます\n\nمرحبا بالعالم\n";
    const doc = plain(text);
    const chunks = chunkDocument("u.txt", doc, { maxTokens: 6 });
    expectWellFormed(chunks, doc, 6);
    expect(chunks.find((c) => c.text.includes("مرحبا"))?.lineStart).toBe(4);
  });

  it("rejects a budget below one token", () => {
    expect(() => chunkDocument("a.txt", plain("x"), { maxTokens: 0 })).toThrow(RangeError);
  });

  it("chunks a large file into bounded pieces (speed is measured by npm run bench, not here)", () => {
    const text = codeFile(3000, 10);
    const chunks = chunkDocument("big.ts", plain(text));
    expect(chunks.length).toBeGreaterThan(500);
    expect(Math.max(...chunks.map((c) => c.tokens))).toBeLessThanOrEqual(400);
  });

  it("cuts a minified line with no whitespace into pieces that tile it, each within budget", () => {
    // A bundle's single line: every level above hardSplit sees one unit, so hardSplit does it all.
    const unit = "(function(a,b){a.x+=b.y})(c,d);x=[1,2,3].map(fn);";
    const line = unit.repeat(4000);
    const chunks = chunkDocument("bundle.min.js", plain(line), { maxTokens: 200 });
    expect(chunks.map((c) => c.text).join("")).toBe(line);
    for (const c of chunks) {
      expect(c.lineStart).toBe(1);
      expect(c.tokens).toBeLessThanOrEqual(200);
    }
    // Pieces are nearly full: no more than a tenth above the fewest the budget allows.
    const fewest = Math.ceil(estimateTokens(line) / 200);
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil(fewest * 1.1));
  });
});
