import { describe, expect, it } from "vitest";
import { parseHtml } from "../../../scanners/parsers/html.js";
import { expectValidSections, sectionText } from "./helpers.js";

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="author" content="Ada &amp; Co">
  <title>The  &quot;Page&quot; Title</title>
  <style>h1 { color: red; } .secret::after { content: "STYLE TEXT" }</style>
  <script>var x = "<h1>SCRIPT TEXT</h1>"; if (a < b && c > d) {}</script>
</head>
<body>
  <!-- a comment with <h1>COMMENT TEXT</h1> -->
  <noscript>NOSCRIPT TEXT</noscript>
  <template><p>TEMPLATE TEXT</p></template>
  <svg viewBox="0 0 10 10"><text>SVG TEXT</text><svg><text>INNER</text></svg></svg>
  <div hidden>HIDDEN TEXT</div>
  <p style="display: none">INVISIBLE TEXT</p>
  <p>Intro   with
     collapsed    whitespace &amp; entities: &lt;tag&gt; &copy; &#169; &#xA9; &euro; &#150; &nbsp;x &bogus; AT&T</p>
  <h1>Main <em>heading</em></h1>
  <p>First paragraph.<br>Second line.</p>
  <h2 title="a > b">Details</h2>
  <ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
  <ol start="3"><li>three</li><li>four</li></ol>
  <table>
    <tr><th>Name</th><th>Value</th></tr>
    <tr><td><p>alpha</p></td><td>1</td></tr>
    <tr><td>beta<td>2
  </table>
  <pre>  keep   this
    indented</pre>
  <h3>Deeper</h3><p>inline<span>joined</span> text</p>
  <h1>Second top</h1>
  <p>end</p>
</body>
</html>`;

describe("parseHtml", () => {
  const doc = parseHtml(PAGE);

  it("drops script, style, noscript, template, svg, comments and hidden elements", () => {
    for (const hidden of [
      "SCRIPT",
      "STYLE",
      "COMMENT",
      "NOSCRIPT",
      "TEMPLATE",
      "SVG",
      "INNER",
      "HIDDEN",
      "INVISIBLE",
      "color",
    ]) {
      expect(doc.text).not.toContain(hidden);
    }
  });

  it("decodes named and numeric entities, leaving unknown ones as written", () => {
    expect(doc.text).toContain(
      "Intro with collapsed whitespace & entities: <tag> © © © € – x &bogus; AT&T",
    );
  });

  it("takes the title from <title>, the author from meta, the language from <html lang>", () => {
    expect(doc.title).toBe('The "Page" Title');
    expect(doc.author).toBe("Ada & Co");
    expect(doc.language).toBe("en");
    expect(doc.linesMatchSource).toBe(false);
  });

  it("turns headings into sections with heading paths", () => {
    expectValidSections(doc);
    expect(doc.sections.map((s) => [s.headingPath, s.level])).toEqual([
      [[], 0],
      [["Main heading"], 1],
      [["Main heading", "Details"], 2],
      [["Main heading", "Details", "Deeper"], 3],
      [["Second top"], 1],
    ]);
    expect(sectionText(doc, 1)).toBe("Main heading\n\nFirst paragraph.\nSecond line.");
    expect(sectionText(doc, 4)).toBe("Second top\n\nend");
  });

  it("lays out lists, tables and preformatted text as lines", () => {
    expect(doc.text).toContain("- one\n- two\n  - nested");
    expect(doc.text).toContain("3. three\n4. four");
    expect(doc.text).toContain("Name | Value\nalpha | 1\nbeta | 2");
    expect(doc.text).toContain("  keep   this\n    indented");
    expect(doc.text).toContain("inlinejoined text");
  });

  it("falls back to the first h1 for the title", () => {
    expect(parseHtml("<h2>Sub</h2><h1>Top &amp; more</h1>").title).toBe("Top & more");
    expect(parseHtml("<p>no headings</p>").title).toBeUndefined();
  });

  it("survives malformed markup", () => {
    const messy = parseHtml(
      '<p>a < b and 1<2 </p><p title="x>y">quoted gt</p><div><p>unclosed<p>second</div></em></b> tail <a href="x',
    );
    expect(messy.text).toBe("a < b and 1<2\n\nquoted gt\n\nunclosed\n\nsecond\n\ntail");
    expect(parseHtml("").text).toBe("");
    expect(parseHtml("<script>never closed").text).toBe("");
  });
});
