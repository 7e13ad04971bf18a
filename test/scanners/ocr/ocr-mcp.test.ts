/**
 * OCR as an agent meets it: a scanned PDF and a photographed page indexed by `docindex reindex`
 * and read through the real `docindex serve` over stdio (the SDK's own client). The OCR runs in
 * nested threads of the parser workers, whose output must not reach stdout, the JSON-RPC channel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OCR_DATASET } from "../../../bench/ocr-dataset.js";
import { runCli } from "../../helpers/cli.js";
import { datasetAvailable, datasetPath } from "../../helpers/datasets.js";
import { callTool, connectStdio, textOf, type StdioSession } from "../../helpers/mcp.js";
import { copyInto, makeTempDir, removeDir } from "../../helpers/tree.js";

const HAVE_OCR = datasetAvailable(OCR_DATASET);

describe.skipIf(!HAVE_OCR)("OCR text through the MCP tools", () => {
  let root: string;
  let session: StdioSession;

  beforeAll(async () => {
    root = makeTempDir();
    copyInto(root, "scans/letter.pdf", datasetPath(OCR_DATASET, "docling__ocr__ocr_test.pdf"));
    copyInto(
      root,
      "scans/page.png",
      datasetPath(OCR_DATASET, "tesstest__phototest-rotated-180.png"),
    );
    const reindex = runCli(["reindex", root, "--parse-timeout", "300"]);
    expect(reindex.code, reindex.stderr).toBe(0);
    session = await connectStdio(["--root", root, "--no-watch"]);
  }, 600_000);

  afterAll(async () => {
    await session?.close();
    if (root !== undefined) removeDir(root);
  });

  it("finds the scanned PDF and the image by their words, each hit marked as OCR text", async () => {
    for (const [query, path] of [
      ["Docling bundles PDF document conversion", "scans/letter.pdf"],
      ["quick brown dog jumped over the lazy fox", "scans/page.png"],
    ] as const) {
      const result = await callTool(session.client, "search", { query, limit: 5 });
      expect(result.isError, textOf(result)).toBeFalsy();
      const hits = (
        result.structuredContent as { results: { path: string; headingPath: string[] }[] }
      ).results;
      const hit = hits.find((h) => h.path === path);
      expect(hit, JSON.stringify(hits)).toBeDefined();
      expect(hit!.headingPath[0]).toMatch(/^OCR text, confidence \d+%$/);
    }
  });

  it("read_document gives the OCR text with its confidence", async () => {
    const result = await callTool(session.client, "read_document", { path: "scans/letter.pdf" });
    expect(result.isError, textOf(result)).toBeFalsy();
    const doc = result.structuredContent as { text: string; ocr?: { confidence: number } };
    expect(doc.text).toMatch(/Docling bundles PDF document conversion/);
    expect(doc.ocr?.confidence).toBeGreaterThan(60);
    expect(doc.ocr).not.toHaveProperty("lowConfidencePages");
  });

  it("inventory marks the OCR documents, with their mean confidence", async () => {
    const result = await callTool(session.client, "inventory", { pathPrefix: "scans/" });
    expect(result.isError, textOf(result)).toBeFalsy();
    const { files } = result.structuredContent as {
      files: { path: string; ocr?: { confidence: number } }[];
    };
    expect(files.map((f) => f.path).sort()).toEqual(["scans/letter.pdf", "scans/page.png"]);
    for (const file of files) expect(file.ocr?.confidence, file.path).toBeGreaterThan(60);
    expect(textOf(result)).toMatch(
      /scans\/letter\.pdf \[pdf, indexed, OCR text, confidence \d+%\]/,
    );
  });
});
