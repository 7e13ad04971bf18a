import { describe, expect, it } from "vitest";
import { readFrontMatter } from "../../../scanners/parsers/front-matter.js";
import { splitLines } from "../../../scanners/parsers/lines.js";

const read = (text: string) => readFrontMatter(splitLines(text));

describe("readFrontMatter: YAML", () => {
  it("reads scalars, quoted strings with their escapes, and drops trailing comments", () => {
    const front = read(
      [
        "---",
        "title: Plain title # a comment",
        'quoted: "She said \\"hi\\"\\tand left\\n"',
        "single: 'it''s # not a comment'",
        'after: "a quoted title" # and a comment',
        'unclosed: "no end # kept',
        "empty:",
        "weird key: ignored",
        "---",
        "# Body",
      ].join("\n"),
    );
    expect(front).toEqual({
      lineCount: 9,
      fields: {
        title: "Plain title",
        quoted: 'She said "hi"\tand left\n',
        single: "it's # not a comment",
        after: "a quoted title",
        unclosed: '"no end # kept',
      },
    });
  });

  it("joins block scalars (| keeps lines, > folds them) and lists, and skips nested maps", () => {
    const front = read(
      [
        "---",
        "literal: |",
        "  first line",
        "  second line",
        "folded: >-",
        "  one",
        "  sentence",
        "tags:",
        "  - search",
        '  - "parsing"',
        "- loose",
        "inline: [a, 'b', \"\"]",
        "author:",
        "  name: Somebody",
        "...",
      ].join("\n"),
    );
    expect(front?.lineCount).toBe(15);
    expect(front?.fields).toEqual({
      literal: "first line\nsecond line",
      folded: "one sentence",
      tags: "search, parsing, loose",
      inline: "a, b",
    });
  });

  it("is none without a closing fence, or when the file does not start with one", () => {
    expect(read("---\ntitle: never closed\n# Heading\n")).toBeUndefined();
    expect(read("\n---\ntitle: x\n---\n")).toBeUndefined();
    expect(read("")).toBeUndefined();
  });
});

describe("readFrontMatter: TOML", () => {
  it("reads top-level keys until the first table; '...' does not close it", () => {
    const front = read(
      [
        "+++",
        'title = "Hugo page" # comment',
        "draft = false",
        'tags = ["go", "static sites"]',
        "...",
        "[params]",
        'title = "not top level"',
        "+++",
        "Body",
      ].join("\n"),
    );
    expect(front).toEqual({
      lineCount: 8,
      fields: { title: "Hugo page", draft: "false", tags: "go, static sites" },
    });
  });
});
