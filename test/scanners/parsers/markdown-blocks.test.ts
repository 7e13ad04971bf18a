/**
 * Markdown headings next to the blocks that hide them: HTML comments, fences that only a
 * matching fence closes, and inline code that merely looks like a fence.
 */
import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../../../scanners/parsers/markdown.js";
import { expectValidSections } from "./helpers.js";

const headings = (md: string) => {
  const doc = parseMarkdown(md);
  expectValidSections(doc);
  return doc.sections.filter((s) => s.level > 0).map((s) => s.headingPath.join(" > "));
};

describe("Markdown headings and the blocks around them", () => {
  it("ignores headings inside a multi-line HTML comment, and finds those after it", () => {
    const md = "# Kept\n\n<!--\n# commented out\nSetext too\n===\n-->\n\n## After\n";
    expect(headings(md)).toEqual(["Kept", "Kept > After"]);
    // A one-line comment hides nothing that follows it.
    expect(headings("<!-- note -->\n# Visible\n")).toEqual(["Visible"]);
  });

  it("closes a fence only with the same character, at least as long", () => {
    const md = [
      "# Top",
      "````md",
      "```",
      "# inside: a shorter fence does not close",
      "~~~~",
      "# inside: another character does not either",
      "`````",
      "## Out",
    ].join("\n");
    expect(headings(md)).toEqual(["Top", "Top > Out"]);
  });

  it("does not open a fence on a backtick line whose info string has a backtick", () => {
    const md = "``` not `a fence` here\n# Heading\n";
    expect(headings(md)).toEqual(["Heading"]);
  });

  it("ends a setext paragraph at a blank line", () => {
    expect(headings("first paragraph\n\nSecond\n---\n")).toEqual(["Second"]);
  });
});
