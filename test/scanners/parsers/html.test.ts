import { describe, expect, it } from "vitest";
import { parseHtml } from "../../../scanners/parsers/html.js";
import { expectValidSections, sectionText } from "./helpers.js";
import { namedReferences } from "./html-entity-names.js";

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

describe("parseHtml follows the HTML5 parsing rules", () => {
  it("ends a hidden paragraph where the next one starts (the walrus bug)", () => {
    const doc = parseHtml("<p hidden>secret<p>The visible walrus paragraph.");
    expect(doc.text).toBe("The visible walrus paragraph.");
  });

  it("implies the end tags of list items, paragraphs, cells and definitions", () => {
    const doc = parseHtml(
      "<ul><li>one<li>two</ul><p>first<p>second" +
        "<table><tr><td>a<td>b<tr><td>c<td>d</table><dl><dt>term<dd>meaning</dl>",
    );
    expect(doc.text).toBe("- one\n- two\n\nfirst\n\nsecond\n\na | b\nc | d\n\nterm\nmeaning");
  });

  it("ends a hidden element at its implied end tag, not at the end of the page", () => {
    const doc = parseHtml(
      "<ul><li hidden>gone<li>one<li>two</ul>" +
        "<table><tr><td aria-hidden=true>gone<td>cell<tr><td>next</table>" +
        '<p style="display:none">gone<p>para<dl><dt hidden>gone<dd>meaning</dl>',
    );
    expect(doc.text).toBe("- one\n- two\n\ncell\nnext\n\npara\n\nmeaning");
  });

  it("keeps text the tree construction moves: misnested tags, table text fostered before the table", () => {
    expect(parseHtml("<p><b>bold<i>both</b>italic</i> plain</p>").text).toBe(
      "boldbothitalic plain",
    );
    expect(parseHtml("<table>fostered<tr><td>cell</table>").text).toBe("fostered\n\ncell");
  });

  it("reads attributes as browsers do: quoted '>', unquoted values, the first of duplicates", () => {
    const doc = parseHtml(
      `<html LANG=fr><meta name=description content="first &amp; best" content="second">` +
        `<a HREF='x>y' data-n=3 checked href="ignored">link</a> <p style="color:red" style="display:none">shown</p>`,
    );
    expect(doc.text).toBe("link\n\nshown");
    expect(doc.language).toBe("fr");
    expect(doc.metadata["description"]).toBe("first & best");
  });
});

describe("parseHtml reads XHTML", () => {
  it("takes a self-closed title or script in an XML document as empty, not as the rest of the page", () => {
    const doc = parseHtml(
      '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>' +
        '<title/><script src="a.js"/></head><body><p>Visible <a id="x"/>text</p><div/><p>more</p>' +
        '<svg><path d="M0 0"/></svg><p>after<br/>break</p></body></html>',
    );
    expect(doc.text).toBe("Visible text\n\nmore\n\nafter\nbreak");
    expect(doc.title).toBeUndefined();
  });
});

describe("parseHtml decodes character references", () => {
  it("decodes names outside the HTML 4 set, in text and in attributes", () => {
    const doc = parseHtml(
      '<meta name="keywords" content="&bigstar;&ThickSpace;stars"><p>a&ThickSpace;b &bigstar; c</p>',
    );
    expect(doc.text).toBe("a\u205f\u200ab \u2605 c");
    // Metadata is one line: any run of white space in it, these two included, is one space.
    expect(doc.metadata["keywords"]).toBe("\u2605 stars");
  });

  it("decodes numeric and legacy references the HTML5 way", () => {
    // &#128; is windows-1252's euro sign; "&ampx;" is "&amp" (no semicolon needed) then "x;".
    expect(parseHtml("<p>&#128; &#0; &#x1F600; &amp &ampx; &AElig; &notin; &noti;</p>").text).toBe(
      "\u20ac \ufffd \u{1F600} & &x; \u00c6 \u2209 \u00aci;",
    );
  });

  it("decodes every named reference of the HTML standard", () => {
    const references = namedReferences();
    // The standard's table has 2231 entries (106 of them also valid without the semicolon).
    expect(references).toHaveLength(2231);
    expect(references.filter((r) => !r.reference.endsWith(";"))).toHaveLength(106);
    // One paragraph per reference; « and » keep the whitespace ones (&Tab;, &nbsp;) from being trimmed.
    const doc = parseHtml(references.map((r) => `<p>\u00ab&${r.reference}\u00bb</p>`).join(""));
    const decoded = doc.text.split("\n\n");
    // Flow text collapses HTML whitespace and no-break spaces, as a browser shows them.
    const expected = references.map(
      (r) => `\u00ab${r.value.replace(/[\t\n\f\r \u00a0]+/g, " ")}\u00bb`,
    );
    expect(decoded).toEqual(expected);
  });
});

describe("parseHtml leaves out what a reader never sees", () => {
  it("drops hidden, aria-hidden, template and noscript subtrees, and keeps their neighbours", () => {
    const doc = parseHtml(`
      <div hidden><p>gone one</p></div>
      <section aria-hidden="true"><h2>Gone heading</h2><p>gone two</p></section>
      <template><h2>Template heading</h2><p>gone three</p></template>
      <noscript><p>gone four</p></noscript>
      <p aria-hidden="false">kept one</p>
      <details><p hidden="until-found">kept two</p></details>
      <p>kept <span aria-hidden=TRUE>gone five</span>three</p>
      <video><p>gone six: your browser cannot play this</p></video>`);
    expect(doc.text).toBe("kept one\n\nkept two\n\nkept three");
    expect(doc.sections).toEqual([]);
  });

  it("keeps the title out of the text, and an svg's title out of the document title", () => {
    const doc = parseHtml(
      "<svg><title>Icon</title></svg><title>Real &amp; only</title><p>body</p><title>Later</title>",
    );
    expect(doc.title).toBe("Real & only");
    expect(doc.text).toBe("body");
  });

  it("separates the words of blocks, keeps inline elements joined, and titles headings with spaces", () => {
    const doc = parseHtml(
      "<div>one</div><div>two</div><section>three</section><article><p>four</p></article>" +
        "<p>in<b>line</b><a href=#>link</a><img alt=x>after</p><h2>Head<br>line <small>small</small></h2>",
    );
    expect(doc.text).toBe("one\ntwo\n\nthree\n\nfour\n\ninlinelink after\n\nHead\nline small");
    expect(doc.sections.map((s) => s.headingPath)).toEqual([[], ["Head line small"]]);
  });
});
