/**
 * How OCR text is marked: the heading of a page too low to trust says so, and the summary of
 * a document's sections (what read_document reports) names those pages. The dataset's pages all
 * read well (ocr-dataset.test.ts), so the low case is given here as sections.
 */
import { describe, expect, it } from "vitest";
import { ocrHeading, ocrMetadata, ocrSummary } from "../../../scanners/ocr/marking.js";
import type { Section } from "../../../scanners/types.js";

function page(page: number, ocrConfidence?: number): Section {
  return {
    headingPath: [],
    level: 0,
    start: 0,
    end: 1,
    page,
    ...(ocrConfidence === undefined ? {} : { ocrConfidence }),
  };
}

describe("OCR marking", () => {
  it("says a page is too low to trust below the threshold, and only then", () => {
    expect(ocrHeading({ confidence: 94.4, rotation: 0 })).toBe("OCR text, confidence 94%");
    expect(ocrHeading({ confidence: 41, rotation: 90 })).toBe(
      "OCR text, confidence 41%: too low to trust",
    );
  });

  it("sums up the OCR pages of a document, ignoring pages with a text layer", () => {
    expect(ocrSummary([page(1), page(2)])).toBeUndefined();
    expect(ocrSummary([page(1), page(2, 90), page(3, 40), page(4, 80)])).toEqual({
      confidence: 70,
      lowConfidencePages: [3],
    });
    expect(
      ocrMetadata(
        [
          { page: 2, confidence: 90, rotation: 0 },
          { page: 3, confidence: 40, rotation: 180 },
        ],
        [{ page: 4, reason: "timed out after 30 s (ocrPageTimeoutSec)" }],
        ["eng", "deu"],
      ),
    ).toEqual({
      ocr: true,
      ocrConfidence: 65,
      ocrPages: 2,
      ocrLanguages: "eng+deu",
      ocrLowConfidencePages: "3",
      ocrRotatedPages: "3 (180°)",
      ocrPagesNotRead: "4: timed out after 30 s (ocrPageTimeoutSec)",
    });
  });
});
