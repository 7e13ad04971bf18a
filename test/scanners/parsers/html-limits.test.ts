/**
 * Hostile HTML through the real parser worker (scanners/pool, compiled in dist/): pages nested
 * far deeper than any call stack, and a page far bigger than parse5's own tree fits in a
 * worker's heap. Each must come back indexed, not as a crashed or out-of-memory worker.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ParserPool } from "../../../scanners/pool/parser-pool.js";
import { expectIndexed, tempDir } from "./helpers.js";

const dir = tempDir("docindex-html-limits-");
afterAll(() => dir.remove());

describe("HTML parsing within the worker's limits", () => {
  it("indexes elements nested 100 000 deep: blocks, lists, inline formatting and tables", async () => {
    const depth = 100_000;
    const page =
      "<div>".repeat(depth) +
      "deepest wombat" +
      "<ul><li>".repeat(depth / 10) +
      "nested numbat" +
      "<b>".repeat(depth) +
      "bold quokka" +
      "<table><tr><td>".repeat(depth / 20) +
      "cell koala";
    const pool = new ParserPool({ size: 1 });
    try {
      const doc = expectIndexed(await pool.parse(dir.write("deep.html", page), "html"));
      expect(doc.text).toMatch(/^deepest wombat\n\n/);
      // List indentation stops growing past a few levels instead of costing depth² characters.
      expect(doc.text).toContain("\n                - nested numbatbold quokka\n");
      expect(doc.text).toMatch(/cell koala$/);
    } finally {
      await pool.close();
    }
  });

  it("indexes a 20 MB page in a worker with half the default heap (256 MB)", async () => {
    const block = (n: number): string =>
      `<section class="post post-${n}" data-id="${n}"><h2 id="s${n}">Section ${n}</h2>` +
      `<p class="lede">Paragraph ${n} with <a href="/articles/${n}?ref=home">a link</a>, <b>bold</b> ` +
      `and <em>emphasis</em> &amp; an entity&hellip;</p><script>window.dataLayer.push({id:${n}});</script>` +
      `<ul><li>first item<li>second item</ul><table><tr><td>cell a<td>cell b</table><!-- ${n} --></section>\n`;
    const blocks: string[] = [];
    let size = 0;
    while (size < 20 * 1024 * 1024) {
      blocks.push(block(blocks.length));
      size += blocks[blocks.length - 1]?.length ?? 0;
    }
    const page = `<!doctype html><title>Big</title><body>${blocks.join("")}<p>the very end</p>`;
    // The time limit is generous: memory is what this test is about, and the machine may be busy.
    const pool = new ParserPool({ size: 1, maxMemoryMb: 256, timeoutMs: 150_000 });
    try {
      const doc = expectIndexed(await pool.parse(dir.write("big.html", page), "html"));
      expect(doc.title).toBe("Big");
      expect(doc.sections).toHaveLength(blocks.length);
      const last = blocks.length - 1;
      expect(doc.sections[last]?.headingPath).toEqual([`Section ${last}`]);
      expect(doc.text).toContain(
        `Section ${last}\n\nParagraph ${last} with a link, bold and emphasis & an entity…\n\n` +
          "- first item\n- second item\n\ncell a | cell b\n\nthe very end",
      );
      expect(doc.text).not.toContain("dataLayer");
    } finally {
      await pool.close();
    }
  }, 180_000);
});
