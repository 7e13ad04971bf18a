/**
 * Where pdf.js finds its CMaps (needed to read CJK text in fonts that use a predefined CMap
 * such as UniGB-UCS2-H) and its standard font data. pdf-parse does not set them in Node.
 * pdfjs-dist is pdf-parse's own dependency, so it is resolved from pdf-parse's location; if it
 * cannot be found, parsing still works, minus those fonts.
 */
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";

export interface PdfAssetPaths {
  cMapUrl?: string;
  cMapPacked?: boolean;
  standardFontDataUrl?: string;
}

let cached: PdfAssetPaths | undefined;

/** The folder of the pdfjs-dist that pdf-parse itself loads; undefined if it cannot be found. */
export function pdfjsDistRoot(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const fromPdfParse = createRequire(require.resolve("pdf-parse"));
    return dirname(fromPdfParse.resolve("pdfjs-dist/package.json"));
  } catch {
    return undefined;
  }
}

export function pdfAssetPaths(): PdfAssetPaths {
  if (cached !== undefined) return cached;
  const root = pdfjsDistRoot();
  // Node's pdf.js reads these with fs.readFile(url + name): plain paths, trailing separator.
  cached =
    root === undefined
      ? {}
      : {
          cMapUrl: join(root, "cmaps") + sep,
          cMapPacked: true,
          standardFontDataUrl: join(root, "standard_fonts") + sep,
        };
  return cached;
}
