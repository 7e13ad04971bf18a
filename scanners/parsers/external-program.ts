/**
 * A program docindex runs rather than links (poppler's pdftotext and pdftoppm): found on PATH
 * once per process, run without a shell, its input on stdin (the very bytes docindex admitted
 * and read, so no path can be mistaken for an option and a file replaced in the meantime is not
 * read), its output on stdout, under a time limit and an output cap.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * A program's share of the parser pool's time limit per file. A worker the pool terminates
 * cannot kill the processes it started (they outlive worker.terminate()), so a program must be
 * stopped, and its file given a reason, before the pool gives up on the worker.
 */
const SHARE_OF_POOL_LIMIT = 0.9;
const POOL_DEFAULT_LIMIT_MS = 30_000;

/** The time a file's own limits (programs, OCR) may use of the pool's limit per file. */
export function fileBudgetMs(poolLimitMs: number = POOL_DEFAULT_LIMIT_MS): number {
  return Math.max(1, Math.floor(poolLimitMs * SHARE_OF_POOL_LIMIT));
}

/** What is kept of stderr: the first lines say why a file failed; the rest is noise. */
const MAX_STDERR_BYTES = 16 * 1024;

const located = new Map<string, string | null>();

/** The absolute path of `name` on PATH, or undefined; looked up once per process and name. */
export function findOnPath(name: string): string | undefined {
  let path = located.get(name);
  if (path === undefined) {
    path = searchPath(name) ?? null;
    located.set(name, path);
  }
  return path ?? undefined;
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

export type ProgramRun =
  | { ok: true; stdout: Buffer; stderr: string }
  | { ok: false; exitCode: number | null; stderr: string; limit?: "timeout" | "output" };

export interface ProgramLimits {
  timeoutMs: number;
  maxOutputBytes: number;
}

export function runProgram(
  executable: string,
  args: readonly string[],
  stdin: Uint8Array,
  limits: ProgramLimits,
): Promise<ProgramRun> {
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
      if (outBytes > limits.maxOutputBytes) stop("output");
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (err.length < MAX_STDERR_BYTES) err += chunk.toString("utf8");
    });
    // The program may exit before reading all of a damaged file: EPIPE on stdin is its answer.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, exitCode: null, stderr: String(error) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const stderr = err.slice(0, MAX_STDERR_BYTES);
      if (code === 0 && limit === undefined)
        resolve({ ok: true, stdout: Buffer.concat(out), stderr });
      else resolve({ ok: false, exitCode: code, stderr, ...(limit ? { limit } : {}) });
    });
    child.stdin.end(stdin);
  });
}
