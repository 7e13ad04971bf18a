/**
 * PDF text, through one of two engines: poppler's pdftotext (a separate program, about 6x
 * faster than pdf.js on the dataset; bench/README.md) when it is installed, and pdf-parse
 * (pdf.js, in-process) when it is not, so docindex still reads PDFs on a machine without
 * poppler. `pdfEngine` chooses: "auto" (default), "pdftotext" or "pdf-parse".
 */
import type { ParseOutcome } from "../types.js";
import { failed } from "./outcome.js";
import type { ParseOptions, PdfEngine } from "./parse-options.js";
import { parsePdfWithPdfParse } from "./pdf-parse-engine.js";
import { parsePdfWithPdftotext } from "./pdf-pdftotext-engine.js";
import { findPdftotext, pdftotextTimeoutMs } from "./pdftotext.js";

export const PDFTOTEXT_MISSING =
  "unsupported: pdfEngine is pdftotext, but pdftotext is not on PATH";

export interface ResolvedPdfEngine {
  engine: "pdftotext" | "pdf-parse";
  /** The pdftotext executable, when that engine runs. */
  executable?: string;
}

/** The engine a setting means on this machine; undefined for "pdftotext" when it is missing. */
export function resolvePdfEngine(setting: PdfEngine = "auto"): ResolvedPdfEngine | undefined {
  if (setting === "pdf-parse") return { engine: "pdf-parse" };
  const executable = findPdftotext();
  if (executable !== undefined) return { engine: "pdftotext", executable };
  return setting === "auto" ? { engine: "pdf-parse" } : undefined;
}

export async function parsePdf(
  bytes: Uint8Array,
  options: ParseOptions = {},
): Promise<ParseOutcome> {
  const setting = options.pdfEngine ?? "auto";
  const passwords = options.passwords ?? [];
  const resolved = resolvePdfEngine(setting);
  logEngineOnce(setting, resolved);
  if (resolved === undefined) return failed(PDFTOTEXT_MISSING);
  if (resolved.executable !== undefined) {
    const timeoutMs = pdftotextTimeoutMs(options.timeLimitMs);
    return parsePdfWithPdftotext(resolved.executable, bytes, passwords, timeoutMs, options);
  }
  return parsePdfWithPdfParse(bytes, passwords, options);
}

const logged = new Set<string>();

/**
 * One debug line per process and setting, saying which engine runs. scanners/ may not import
 * src/log.ts (DESIGN.md), so the line is written here in its format: JSON on stderr (stdout
 * carries JSON-RPC), at debug level, shown only when DOCINDEX_LOG_LEVEL is debug.
 */
function logEngineOnce(setting: PdfEngine, resolved: ResolvedPdfEngine | undefined): void {
  if (logged.has(setting)) return;
  logged.add(setting);
  if (process.env.DOCINDEX_LOG_LEVEL?.toLowerCase() !== "debug") return;
  const record = {
    level: "debug",
    time: new Date().toISOString(),
    msg: "pdf engine",
    component: "parsers",
    setting,
    engine: resolved?.engine ?? "none (pdftotext not on PATH)",
    ...(resolved?.executable ? { executable: resolved.executable } : {}),
  };
  process.stderr.write(JSON.stringify(record) + "\n");
}
