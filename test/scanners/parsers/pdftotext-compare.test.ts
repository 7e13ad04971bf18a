/**
 * Our PDF text against poppler's pdftotext on the real dataset: wherever pdftotext extracts
 * non-trivial text, we must too, with most of its words, on both engines (the pdftotext engine
 * and the pdf-parse fallback). Needs poppler-utils (CI installs it); without pdftotext the
 * suite is skipped with a message.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseFile, type PdfEngine } from "../../../scanners/parsers/index.js";
import { datasetPath, HAVE_DOCS, manifest, userPassword } from "./datasets.js";

const hasPdftotext = spawnSync("pdftotext", ["-v"], { stdio: "ignore" }).error === undefined;
if (!hasPdftotext)
  console.warn(
    "pdftotext not found: skipping the pdftotext comparison (apt-get install -y poppler-utils)",
  );

/** Distinct words of at least four letters, compared after NFKC (ligatures ﬁ → fi) and case folding. */
function words(text: string): Set<string> {
  return new Set(
    (
      text
        .normalize("NFKC")
        .toLowerCase()
        .match(/\p{L}{4,}/gu) ?? []
    ).map((w) => w),
  );
}

function pdftotext(path: string, password: string | undefined): string {
  const args = ["-q", "-enc", "UTF-8", ...(password ? ["-upw", password] : []), path, "-"];
  try {
    return execFileSync("pdftotext", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return "";
  }
}

/** "Non-trivial": pdftotext finds at least one word of four letters or more. */
const MIN_WORDS = 1;
const MIN_OVERLAP = 0.6;

const ENGINES: PdfEngine[] = ["pdftotext", "pdf-parse"];

describe.skipIf(!hasPdftotext || !HAVE_DOCS).each(ENGINES)(
  "PDF text versus pdftotext, %s engine",
  (pdfEngine) => {
    const results: { file: string; theirs: number; overlap: number }[] = [];

    for (const entry of manifest("pdf")) {
      const password = userPassword(entry) || undefined;
      it(`${entry.file}`, async () => {
        const path = datasetPath("pdf", entry.file);
        const theirs = words(pdftotext(path, password));
        if (theirs.size < MIN_WORDS) return;
        const outcome = await parseFile(path, "pdf", {
          pdfEngine,
          ...(password ? { passwords: [password] } : {}),
        });
        expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
        const ours = outcome.ok ? words(outcome.doc.text) : new Set<string>();
        const shared = [...theirs].filter((w) => ours.has(w)).length;
        const overlap = shared / theirs.size;
        results.push({ file: entry.file, theirs: theirs.size, overlap });
        expect(overlap, `${shared}/${theirs.size} of pdftotext's words`).toBeGreaterThanOrEqual(
          MIN_OVERLAP,
        );
      });
    }

    it("extracts text from every PDF pdftotext extracts text from", () => {
      const summary = results
        .map((r) => `${(r.overlap * 100).toFixed(0)}% of ${r.theirs} words: ${r.file}`)
        .join("\n");
      console.error(`pdftotext comparison (${results.length} PDFs with text):\n${summary}`);
      expect(results.length).toBeGreaterThanOrEqual(15);
    });
  },
);
