/**
 * poppler's pdftotext as a separate program: found on PATH once per process, run without a
 * shell, the PDF's bytes on stdin (the very bytes docindex admitted and read, so no path can
 * be mistaken for an option and a file replaced in the meantime is not read), text on stdout.
 *
 * pdftotext is GPL; it is run, never linked, so docindex's own licence is unaffected.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * pdftotext's share of the parser pool's time limit per file. A worker the pool terminates
 * cannot kill the processes it started (they outlive worker.terminate()), so pdftotext must be
 * stopped, and its file given a reason, before the pool gives up on the worker.
 */
const SHARE_OF_POOL_LIMIT = 0.9;
const POOL_DEFAULT_LIMIT_MS = 30_000;

export function pdftotextTimeoutMs(poolLimitMs: number = POOL_DEFAULT_LIMIT_MS): number {
  return Math.max(1, Math.floor(poolLimitMs * SHARE_OF_POOL_LIMIT));
}

/**
 * Text kept at most, in bytes of UTF-8. A PDF's size says nothing about its text (one small
 * content stream can repeat a page of text thousands of times); 64 MB of text is far more
 * than any real document and still fits a 512 MB parser worker as a string.
 */
export const PDFTOTEXT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** What is kept of stderr: the first lines say why a file failed; the rest is noise. */
const MAX_STDERR_BYTES = 16 * 1024;

let located: string | null | undefined;

/** The absolute path of pdftotext on PATH, or undefined; looked up once per process. */
export function findPdftotext(): string | undefined {
  if (located === undefined) located = searchPath("pdftotext") ?? null;
  return located ?? undefined;
}

function searchPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    // A relative PATH entry would resolve against whatever folder the process runs in.
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export type PdftotextRun =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; exitCode: number | null; stderr: string; limit?: "timeout" | "output" };

/**
 * One run of `pdftotext -enc UTF-8 -htmlmeta [passwords] - -`. `-htmlmeta` adds the info
 * dictionary (title, author, dates) as an HTML head before the text, so no second process
 * (pdfinfo) is needed; the text itself is written unescaped inside <pre>.
 */
export interface PdftotextLimits {
  timeoutMs: number;
  /** Default PDFTOTEXT_MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

export function runPdftotext(
  executable: string,
  bytes: Uint8Array,
  password: string | undefined,
  limits: PdftotextLimits,
): Promise<PdftotextRun> {
  const maxOutputBytes = limits.maxOutputBytes ?? PDFTOTEXT_MAX_OUTPUT_BYTES;
  // The same password as owner and as user password: pdf.js accepts either, and so does this.
  const passwordArgs = password === undefined ? [] : ["-opw", password, "-upw", password];
  const args = ["-enc", "UTF-8", "-htmlmeta", ...passwordArgs, "-", "-"];
  return new Promise((resolve) => {
    const child = spawn(executable, args, { stdio: ["pipe", "pipe", "pipe"], shell: false });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let limit: "timeout" | "output" | undefined;
    const stop = (why: "timeout" | "output"): void => {
      limit ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop("timeout"), limits.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutputBytes) stop("output");
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (err.length < MAX_STDERR_BYTES) err += chunk.toString("utf8");
    });
    // pdftotext may exit before reading all of a damaged file: EPIPE on stdin is its answer.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, exitCode: null, stderr: String(error) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const stderr = err.slice(0, MAX_STDERR_BYTES);
      if (code === 0 && limit === undefined)
        resolve({ ok: true, stdout: Buffer.concat(out).toString("utf8"), stderr });
      else resolve({ ok: false, exitCode: code, stderr, ...(limit ? { limit } : {}) });
    });
    child.stdin.end(bytes);
  });
}
