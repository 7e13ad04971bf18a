import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../../../scanners/parsers/markdown.js";
import { expectValidSections, sectionText } from "./helpers.js";

const DOC = `---
title: "Front: matter title"
tags:
  - search
  - parsing
description: Used for tests # a comment
---

Intro paragraph before any heading.

Install
=======

Text under the setext H1.

From source
-----------

\`\`\`sh
# not a heading: a shell comment in a fence
make install
\`\`\`

~~~
## also not a heading
~~~

### Deep *emphasis* and \`code\` ###

    # indented code, not a heading

## [Linked](https://example.com) second

Final words.
`;

describe("parseMarkdown", () => {
  const doc = parseMarkdown(DOC);

  it("keeps the source as the text, so lines match", () => {
    expect(doc.text).toBe(DOC);
    expect(doc.linesMatchSource).toBe(true);
    expectValidSections(doc);
  });

  it("takes the title from the front matter and copies its fields to metadata", () => {
    expect(doc.title).toBe("Front: matter title");
    expect(doc.metadata["frontMatter.tags"]).toBe("search, parsing");
    expect(doc.metadata["frontMatter.description"]).toBe("Used for tests");
  });

  it("finds setext and ATX headings but none inside fences or indented code", () => {
    expect(doc.sections.map((s) => [s.headingPath, s.level])).toEqual([
      [[], 0],
      [["Install"], 1],
      [["Install", "From source"], 2],
      [["Install", "From source", "Deep emphasis and code"], 3],
      [["Install", "Linked second"], 2],
    ]);
  });

  it("covers the front matter with the untitled first section and gives 1-based line ranges", () => {
    expect(doc.sections[0]).toMatchObject({ start: 0, lineStart: 1, lineEnd: 9 });
    expect(sectionText(doc, 0)).toContain("Intro paragraph");
    expect(doc.sections[1]).toMatchObject({ lineStart: 11, lineEnd: 14 });
    expect(sectionText(doc, 1).startsWith("Install\n=======")).toBe(true);
    expect(sectionText(doc, 2)).toContain("make install");
    expect(doc.sections[4]?.lineEnd).toBe(DOC.trimEnd().split("\n").length);
  });

  it("falls back to the first H1 for the title, and has none without one", () => {
    expect(parseMarkdown("## Two\n\n# One\n\ntext\n").title).toBe("One");
    expect(parseMarkdown("just text\n").title).toBeUndefined();
    expect(parseMarkdown("just text\n").sections).toEqual([]);
  });

  it("does not turn a list item or a thematic break into a setext heading", () => {
    const md = "- item\n---\n\ntext\n\n***\n";
    expect(parseMarkdown(md).sections).toEqual([]);
  });

  it("treats an unclosed fence as running to the end", () => {
    const md = "# Real\n\n```\n# fake\n";
    expect(parseMarkdown(md).sections.map((s) => s.headingPath)).toEqual([["Real"]]);
  });

  it("reads TOML front matter", () => {
    const md = '+++\ntitle = "Toml title"\n+++\n\n# Heading\n';
    expect(parseMarkdown(md).title).toBe("Toml title");
  });
});

describe("other light markup formats", () => {
  it("reads reStructuredText headings with levels in order of appearance", () => {
    const rst = "=====\nTitle\n=====\n\nIntro.\n\nSection\n-------\n\nBody.\n\nSub\n~~~\n\nMore.\n";
    const doc = parseMarkdown(rst, "rst");
    expectValidSections(doc);
    expect(doc.sections.map((s) => s.headingPath)).toEqual([
      ["Title"],
      ["Title", "Section"],
      ["Title", "Section", "Sub"],
    ]);
    expect(doc.title).toBe("Title");
  });

  it("reads AsciiDoc headings outside listing blocks", () => {
    const adoc = "= Doc Title\n\n== First\n\n----\n== not a heading\n----\n\n=== Nested\n";
    const doc = parseMarkdown(adoc, "asciidoc");
    expect(doc.sections.map((s) => s.headingPath)).toEqual([
      ["Doc Title"],
      ["Doc Title", "First"],
      ["Doc Title", "First", "Nested"],
    ]);
  });

  it("reads Org headings, dropping TODO keywords and tags", () => {
    const org =
      "#+TITLE: Org title\n\n* TODO Plan :work:\n** Step one\n#+BEGIN_SRC sh\n* not a heading\n#+END_SRC\n";
    const doc = parseMarkdown(org, "org");
    expect(doc.title).toBe("Org title");
    expect(doc.sections.map((s) => s.headingPath)).toEqual([[], ["Plan"], ["Plan", "Step one"]]);
  });
});
