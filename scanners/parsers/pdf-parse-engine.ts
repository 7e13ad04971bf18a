/**
 * The pdf-parse (pdf.js) engine: the fallback where poppler's pdftotext is not installed, and
 * the engine `pdfEngine: "pdf-parse"` asks for. Text per page plus form-field values, which
 * pdf.js leaves out of a page's text content.
 *
 * pdf.js logs through console.log/console.warn; verbosity is set to errors only, and the
 * parse worker also routes its stdout to stderr, since the server's stdout carries JSON-RPC.
 */
import type { PDFParse as PdfParser } from "pdf-parse";
import type { ParseOutcome } from "../types.js";
import { corrupt, REASONS, skipped } from "./outcome.js";
import { pdfAssetPaths } from "./pdf-assets.js";
import type { ParseOptions } from "./parse-options.js";
import {
  passwordCandidates,
  pdfOutcomeWithOcr,
  unopenableEncryption,
  type PdfSource,
} from "./pdf-document.js";
import { formTextByPage, type PdfDocumentLike } from "./pdf-forms.js";

type InfoDict = Record<string, unknown>;

export async function parsePdfWithPdfParse(
  bytes: Uint8Array,
  passwords: readonly string[],
  parseOptions: ParseOptions = {},
): Promise<ParseOutcome> {
  // Loaded with the first PDF: pdf.js is some 3 MB of script that a worker which only ever
  // sees Markdown or code should not compile.
  const { PDFParse, VerbosityLevel } = await import("./pdf-engine.js");
  for (const password of passwordCandidates(passwords)) {
    // pdf.js may take ownership of (detach) the buffer it is given: each attempt gets a copy.
    const options = {
      data: bytes.slice(),
      verbosity: VerbosityLevel.ERRORS,
      isEvalSupported: false,
      ...pdfAssetPaths(),
    };
    const parser = new PDFParse(password === undefined ? options : { ...options, password });
    try {
      return await extract(parser, { bytes, password, options: parseOptions });
    } catch (error) {
      if (errorName(error) === "PasswordException") continue;
      if (/encrypt/i.test(String((error as Error)?.message)))
        return skipped(unopenableEncryption(bytes));
      return corrupt(error);
    } finally {
      await parser.destroy().catch(() => undefined);
    }
  }
  return skipped(REASONS.encrypted);
}

async function extract(parser: PdfParser, source: PdfSource): Promise<ParseOutcome> {
  const info = await parser.getInfo();
  const result = await parser.getText({ pageJoiner: "" });
  const forms = await formText(parser, info.total);
  const pages = result.pages.map((p) => {
    const extra = forms[p.num - 1] ?? "";
    return { page: p.num, text: extra === "" ? p.text : `${p.text}\n${extra}` };
  });
  const dict: InfoDict = (info.info as InfoDict | undefined) ?? {};
  const xmp = info.metadata as { get?(name: string): unknown } | undefined;
  const created = info.getDateNode().CreationDate;
  return pdfOutcomeWithOcr(
    pages,
    info.total,
    {
      titles: [dict["Title"], xmp?.get?.("dc:title")],
      authors: [dict["Author"], xmp?.get?.("dc:creator")],
      producer: dict["Producer"],
      creator: dict["Creator"],
      pdfVersion: dict["PDFFormatVersion"],
      created: created instanceof Date ? created : undefined,
    },
    source,
  );
}

/** Form-field text, read from the document pdf-parse has loaded (a private field; guarded). */
async function formText(parser: PdfParser, pageCount: number): Promise<string[]> {
  const doc = (parser as unknown as { doc?: PdfDocumentLike }).doc;
  if (typeof doc?.getPage !== "function") return [];
  try {
    return await formTextByPage(doc, pageCount);
  } catch {
    return [];
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "";
}
