/**
 * One grep, as the tool and the CLI both run it: candidates from the store's n-gram index in
 * (root, path) order, the pattern verified line by line on each one's stored text, matches
 * with their line (and page, for PDFs), column and context lines, a page at a time. A cursor
 * resumes after the last line reported. The whole call is bounded in time: past the limit it
 * answers what it found with `incomplete` and a cursor that continues where it stopped.
 */
import type { SearchFilters, Store, TextCandidate } from "../../indexers/store.js";
import type { FileKind, Section } from "../../scanners/types.js";
import { DocindexError } from "../errors.js";
import { compilePattern, type CompiledPattern, type GrepOptions } from "./grep-pattern.js";

export interface GrepRequest extends GrepOptions {
  filters?: SearchFilters;
  /** Matching lines per page. */
  limit: number;
  /** Lines of context before and after each match (rg -C). */
  context: number;
  cursor?: string;
  /** How long one call may run; default GREP_TIME_LIMIT_MS. */
  timeLimitMs?: number;
}

export interface GrepMatch {
  root: string;
  path: string;
  kind: FileKind;
  /** 1-based line in the stored text (the source file's line for code, Markdown and text). */
  line: number;
  /** 1-based page, for documents with pages (PDF). */
  page?: number;
  /** 1-based column (in UTF-16 units) where the first match on the line starts. */
  column: number;
  /** The line, cut to about MAX_LINE_CHARS around the match when longer. */
  text: string;
  before?: string[];
  after?: string[];
}

export interface GrepAnswer {
  matches: GrepMatch[];
  nextCursor?: string;
  /** Documents whose text was read. */
  documentsRead: number;
  /** "ngram": candidates came from the n-gram index; "scan": the pattern has no usable literal. */
  candidates: "ngram" | "scan";
  /** Why the answer stops short (the time limit), with nextCursor to go on. */
  incomplete?: string;
}

export const GREP_TIME_LIMIT_MS = 10_000;
export const MAX_LINE_CHARS = 400;
/**
 * Documents asked of the store at a time (each comes with its whole text): few at first, for
 * a first page that fills fast, then twice as many each time, since each call runs the
 * n-gram MATCH again.
 */
const FIRST_BATCH = 32;
const MAX_BATCH = 512;

interface Resume {
  root: string;
  path: string;
  /** Lines up to this one in that document are done. */
  line: number;
}

function encodeResume(resume: Resume): string {
  return Buffer.from(JSON.stringify([resume.root, resume.path, resume.line])).toString(
    "base64url",
  );
}

function decodeResume(cursor: string): Resume {
  try {
    const [root, path, line] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [
      unknown,
      unknown,
      unknown,
    ];
    if (typeof root === "string" && typeof path === "string" && Number.isInteger(line))
      return { root, path, line: line as number };
  } catch {
    // Reported below.
  }
  throw new DocindexError("USAGE", "grep: `cursor` is not one that grep returned");
}

function clip(line: string, column: number): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  const start = Math.max(0, Math.min(column - 100, line.length - MAX_LINE_CHARS));
  const end = start + MAX_LINE_CHARS;
  return `${start > 0 ? "…" : ""}${line.slice(start, end)}${end < line.length ? "…" : ""}`;
}

/** The page of the section that holds `offset`, when sections carry pages. */
function pageAt(sections: Section[] | undefined, offset: number): number | undefined {
  if (sections === undefined) return undefined;
  let page: number | undefined;
  for (const s of sections) {
    if (s.page === undefined) continue;
    if (s.start <= offset && offset < s.end) return s.page;
    if (s.start <= offset) page = s.page;
  }
  return page;
}

function linesBefore(text: string, lineStart: number, count: number): string[] {
  const out: string[] = [];
  let end = lineStart - 1;
  while (out.length < count && end >= 0) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    out.unshift(text.slice(start, end));
    end = start - 1;
  }
  return out;
}

function linesAfter(text: string, lineEnd: number, count: number): string[] {
  const out: string[] = [];
  let start = lineEnd + 1;
  // After a final line break there is no line (as ripgrep counts them).
  while (out.length < count && start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    out.push(text.slice(start, end));
    start = end + 1;
  }
  return out;
}

interface DocumentScan {
  matches: GrepMatch[];
  /** The last line looked at, when the scan stopped before the end (limit or time). */
  stoppedAfter?: number;
  timedOut: boolean;
}

/**
 * The matching lines of one document after line `skip`, at most `room`. Offsets of lines worth
 * checking come from the pattern's literal finder, or from the multi-line matcher; each line
 * is then checked alone, as ripgrep checks it (a multi-line match across a line break is not
 * a match, and a line that matches is found by the multi-line matcher no later than it).
 */
function scanDocument(
  doc: TextCandidate,
  pattern: CompiledPattern,
  skip: number,
  room: number,
  context: number,
  deadline: number,
): DocumentScan {
  const { text } = doc;
  const matches: GrepMatch[] = [];
  let lineNo = 1;
  let counted = 0; // offset of the start of line `lineNo`
  const advanceTo = (offset: number): void => {
    for (;;) {
      const nl = text.indexOf("\n", counted);
      if (nl < 0 || nl >= offset) return;
      counted = nl + 1;
      lineNo++;
    }
  };
  // Start after the lines already reported.
  let pos = 0;
  for (let i = 0; i < skip; i++) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) return { matches, timedOut: false };
    pos = nl + 1;
  }
  advanceTo(pos);
  const matcher = pattern.nextCandidate === undefined ? pattern.scan.matcher(text) : undefined;
  let checks = 0;
  while (pos < text.length) {
    const at =
      matcher === undefined
        ? pattern.nextCandidate!(text, pos)
        : matcher.find(pos)
          ? matcher.start()
          : -1;
    if (at < 0) break;
    const lineStart = text.lastIndexOf("\n", at - 1) + 1;
    // What follows a final line break is no line (`^$` matches there in a multi-line search).
    if (lineStart >= text.length) break;
    const start = Math.max(lineStart, pos);
    let lineEnd = text.indexOf("\n", start);
    if (lineEnd < 0) lineEnd = text.length;
    advanceTo(start);
    const line = text.slice(start, lineEnd);
    const column = pattern.firstMatch(line);
    if (column >= 0) {
      const match: GrepMatch = {
        root: doc.root,
        path: doc.path,
        kind: doc.kind,
        line: lineNo,
        column: column + 1,
        text: clip(line, column),
      };
      const page = pageAt(doc.sections, start);
      if (page !== undefined) match.page = page;
      if (context > 0) {
        match.before = linesBefore(text, start, context);
        match.after = linesAfter(text, lineEnd, context);
      }
      matches.push(match);
      if (matches.length >= room) return { matches, stoppedAfter: lineNo, timedOut: false };
    }
    pos = lineEnd + 1;
    if (++checks % 256 === 0 && Date.now() > deadline)
      return { matches, stoppedAfter: lineNo, timedOut: true };
  }
  return { matches, timedOut: false };
}

export async function runGrep(store: Store, request: GrepRequest): Promise<GrepAnswer> {
  const started = Date.now();
  const timeLimit = request.timeLimitMs ?? GREP_TIME_LIMIT_MS;
  const deadline = started + timeLimit;
  const pattern = compilePattern(request);
  const resume = request.cursor === undefined ? undefined : decodeResume(request.cursor);
  const answer: GrepAnswer = {
    matches: [],
    documentsRead: 0,
    candidates: "all" in pattern.prefilter ? "scan" : "ngram",
  };
  let from = resume === undefined ? undefined : { root: resume.root, path: resume.path };
  for (let size = FIRST_BATCH; ; size = Math.min(size * 2, MAX_BATCH)) {
    const batch = await store.textCandidates({
      query: pattern.prefilter,
      filters: request.filters,
      from,
      limit: size,
    });
    for (const doc of batch) {
      const skip =
        resume !== undefined && doc.root === resume.root && doc.path === resume.path
          ? resume.line
          : 0;
      const room = request.limit - answer.matches.length;
      const scan = scanDocument(doc, pattern, skip, room, request.context, deadline);
      answer.documentsRead++;
      answer.matches.push(...scan.matches);
      const out = scan.stoppedAfter !== undefined || Date.now() > deadline;
      if (out) {
        const line = scan.stoppedAfter ?? Number.MAX_SAFE_INTEGER;
        answer.nextCursor = encodeResume({ root: doc.root, path: doc.path, line });
        if (scan.timedOut || answer.matches.length < request.limit)
          answer.incomplete = `stopped at the time limit (${timeLimit / 1000} s) after reading ${answer.documentsRead} documents; continue with the cursor`;
        return answer;
      }
    }
    if (batch.length < size) return answer;
    const last = batch[batch.length - 1]!;
    // The smallest path after the last one: the store's resume point is inclusive.
    from = { root: last.root, path: `${last.path}\u0000` };
  }
}
