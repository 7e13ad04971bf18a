/**
 * The pdftotext engine: poppler's pdftotext (see pdftotext.ts) reads the PDF, in its default
 * reading-order mode (the mode the comparison tests measure against; `-layout` pads columns
 * with spaces, `-raw` keeps content-stream order). Pages come from the form feed pdftotext
 * writes after every page, so each chunk still cites its page; title, author and dates come
 * from the HTML head `-htmlmeta` writes before the text.
 *
 * Form fields need no second engine: poppler draws every widget, and generates the appearance
 * of a field that has none (or when the form sets /NeedAppearances), so filled-in values are in
 * pdftotext's text (README.md, "PDF").
 */
import type { ParseOutcome } from "../types.js";
import { corrupt, failed, REASONS, skipped } from "./outcome.js";
import type { ParseOptions } from "./parse-options.js";
import {
  passwordCandidates,
  pdfOutcomeWithOcr,
  unopenableEncryption,
  type PdfInfo,
} from "./pdf-document.js";
import { PDFTOTEXT_MAX_OUTPUT_BYTES, runPdftotext, type PdftotextRun } from "./pdftotext.js";

const HEAD_END = "</head>\n<body>\n<pre>\n";
const BODY_END = "</pre>\n</body>\n</html>\n";

export async function parsePdfWithPdftotext(
  executable: string,
  bytes: Uint8Array,
  passwords: readonly string[],
  timeoutMs: number,
  options: ParseOptions = {},
): Promise<ParseOutcome> {
  for (const password of passwordCandidates(passwords)) {
    const run = await runPdftotext(executable, bytes, password, { timeoutMs });
    if (run.ok) return outcomeOf(run.stdout, bytes, password, options);
    if (/incorrect password/i.test(run.stderr)) continue;
    return failure(run, bytes, timeoutMs);
  }
  return skipped(REASONS.encrypted);
}

/** pdftotext's failures, in the words the pdf-parse engine uses for the same files. */
function failure(
  run: Extract<PdftotextRun, { ok: false }>,
  bytes: Uint8Array,
  timeoutMs: number,
): ParseOutcome {
  if (run.limit === "timeout")
    return failed(`timed out after ${Number((timeoutMs / 1000).toFixed(1))} s (pdftotext)`);
  if (run.limit === "output")
    return failed(`too much text: over ${PDFTOTEXT_MAX_OUTPUT_BYTES / 1024 / 1024} MB`);
  if (run.exitCode === null) return failed(`parser error: pdftotext did not run: ${run.stderr}`);
  // "Couldn't find the 'Adobe.PubSec' security handler", "Unsupported security handler"...
  if (/security handler|encrypt/i.test(run.stderr)) return skipped(unopenableEncryption(bytes));
  return corrupt(lastError(run.stderr) ?? `pdftotext exited with code ${run.exitCode}`);
}

/** The last error line: poppler warns as it repairs, and says what finally failed last. */
function lastError(stderr: string): string | undefined {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const errors = lines.filter((l) => /error/i.test(l));
  const line = errors.at(-1) ?? lines.at(-1);
  return line?.replace(
    /^(?:Syntax |Command Line |Internal |I\/O )?(?:Error|Warning)(?: \(\d+\))?: /i,
    "",
  );
}

function outcomeOf(
  stdout: string,
  bytes: Uint8Array,
  password: string | undefined,
  options: ParseOptions,
): Promise<ParseOutcome> {
  const headEnd = stdout.indexOf(HEAD_END);
  const head = headEnd === -1 ? "" : stdout.slice(0, headEnd);
  let body = headEnd === -1 ? stdout : stdout.slice(headEnd + HEAD_END.length);
  if (body.endsWith(BODY_END)) body = body.slice(0, -BODY_END.length);
  // A form feed ends every page, empty ones included: n pages, n form feeds.
  const parts = body.split("\f");
  if (parts.length > 1 && parts.at(-1)!.trim() === "") parts.pop();
  const pages = parts.map((text, i) => ({ page: i + 1, text }));
  return pdfOutcomeWithOcr(pages, pages.length, infoOf(head, bytes), { bytes, password, options });
}

function infoOf(head: string, bytes: Uint8Array): PdfInfo {
  const meta = new Map<string, string>();
  for (const m of head.matchAll(/<meta name="([^"]*)" content="([^"]*)"\/>/g))
    meta.set(m[1]!, decodeEntities(m[2]!));
  const title = /<title>([\s\S]*?)<\/title>/.exec(head)?.[1];
  return {
    titles: [title === undefined ? undefined : decodeEntities(title)],
    authors: [meta.get("Author")],
    producer: meta.get("Producer"),
    creator: meta.get("Creator"),
    pdfVersion: pdfVersion(bytes),
    created: popplerDate(meta.get("CreationDate")),
  };
}

function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi,
    (all, dec, hex, name) => {
      if (dec !== undefined) return String.fromCodePoint(Number(dec));
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
      return (
        { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[String(name).toLowerCase()] ?? all
      );
    },
  );
}

/**
 * The version as pdf.js reports it: the header's `%PDF-1.x`, or the catalog's /Version when that
 * is later (an incremental update may raise it). A /Version inside a compressed object stream
 * is not seen, so such files report their header version.
 */
function pdfVersion(bytes: Uint8Array): string | undefined {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const header = /%PDF-(\d+\.\d+)/.exec(latin1.slice(0, 1024))?.[1];
  const catalog = /\/Version\s*\/(\d+\.\d+)/.exec(latin1)?.[1];
  if (header === undefined) return catalog;
  return catalog !== undefined && Number(catalog) > Number(header) ? catalog : header;
}

/** poppler writes "2009-03-09T13:35:08-04", "…+05:30" or "…Z"; no zone means UTC, as in pdf.js. */
function popplerDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(value?.trim() ?? "");
  if (m === null) return undefined;
  let zone = m[2] ?? "Z";
  if (/^[+-]\d\d$/.test(zone)) zone += ":00";
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${m[1]}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
