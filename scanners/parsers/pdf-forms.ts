/**
 * Text of filled-in form fields and free-text annotations. pdf.js leaves them out of a page's
 * text content (they are annotations, drawn from appearance streams), but pdftotext and every
 * viewer show them, and their values are often the point of the document.
 */

interface Annotation {
  subtype?: unknown;
  fieldType?: unknown;
  fieldValue?: unknown;
  textContent?: unknown;
  options?: unknown;
}

/** The parts of pdf.js's PDFDocumentProxy used here. */
export interface PdfDocumentLike {
  getPage(
    pageNumber: number,
  ): Promise<{ getAnnotations(): Promise<unknown[]>; cleanup(): unknown }>;
}

/** One string per page (index 0 = page 1), "" where there is nothing. */
export async function formTextByPage(doc: PdfDocumentLike, pageCount: number): Promise<string[]> {
  const pages: string[] = [];
  for (let n = 1; n <= pageCount; n++) {
    const page = await doc.getPage(n);
    const annotations = (await page.getAnnotations()) as Annotation[];
    pages.push(annotations.flatMap(annotationLines).join("\n"));
    page.cleanup();
  }
  return pages;
}

function annotationLines(a: Annotation): string[] {
  const shown = Array.isArray(a.textContent)
    ? a.textContent.filter((t): t is string => typeof t === "string")
    : [];
  if (a.subtype === "FreeText") return shown;
  if (a.subtype !== "Widget") return [];
  if (shown.length > 0 && (a.fieldType === "Tx" || a.fieldType === "Ch")) return shown;
  if (a.fieldType === "Tx" && typeof a.fieldValue === "string" && a.fieldValue.trim() !== "")
    return [a.fieldValue];
  if (a.fieldType === "Ch" && Array.isArray(a.fieldValue))
    return a.fieldValue.map((v) => displayValue(a.options, v));
  return [];
}

function displayValue(options: unknown, exportValue: unknown): string {
  if (Array.isArray(options)) {
    for (const option of options as { exportValue?: unknown; displayValue?: unknown }[]) {
      if (option.exportValue === exportValue && typeof option.displayValue === "string")
        return option.displayValue;
    }
  }
  return String(exportValue);
}
