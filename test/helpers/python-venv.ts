/**
 * Python virtual environments with pinned PyPI packages, for tests that use a Python library
 * as an oracle or a client nobody here wrote. Built on first use under
 * node_modules/.cache/docindex-python/<name>-py<X.Y>/ (a clean clone needs no setup), in a
 * folder of its own renamed into place when complete, so an interrupted install or two runs at
 * once never leave a half-built environment.
 *
 * Python 3.10+ with venv is a machine prerequisite, like git: without it the tests that need
 * it skip with one line, unless DOCINDEX_REQUIRE_PYTHON=1 (CI) makes its absence a failure.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "./datasets.js";

export const PYTHON_CACHE = join(repositoryRoot(), "node_modules", ".cache", "docindex-python");

/** pip downloads take minutes on a slow link: hooks that build an environment get this long. */
export const PIP_TIMEOUT_MS = 600_000;

let answer: boolean | undefined;

/**
 * True when `python3` is 3.10+ and can make a venv (Debian ships venv and ensurepip apart, as
 * python3-venv). Otherwise: throws with DOCINDEX_REQUIRE_PYTHON=1, else prints one `skipping:`
 * line naming `purpose` and returns false.
 */
export function pythonAvailable(purpose: string): boolean {
  if (answer !== undefined) return answer;
  const probe = spawnSync(
    "python3",
    ["-c", "import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 10) else 3)"],
    { encoding: "utf8" },
  );
  if (probe.status === 0) return (answer = true);
  const why = probe.error
    ? "python3 not found"
    : probe.status === 3
      ? "python3 is older than 3.10"
      : `python3 cannot make a virtual environment (on Debian: apt-get install python3-venv)`;
  const line = `${purpose} need Python 3.10+ with venv: ${why}`;
  if (process.env.DOCINDEX_REQUIRE_PYTHON === "1")
    throw new Error(`${line} (DOCINDEX_REQUIRE_PYTHON=1 makes this an error)`);
  process.stderr.write(`skipping: ${line}\n`);
  return (answer = false);
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export function runCommand(command: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", (error) => reject(new Error(`${what}: ${error.message}`)));
    child.once("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${what} exited with ${code}:\n${stderr}`)),
    );
  });
}

function pythonMinor(): string {
  return spawnSync("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
    encoding: "utf8",
  }).stdout.trim();
}

/**
 * The interpreter of a venv named `name` holding `requirements` (pinned: `pkg==1.2.3`). Only
 * `bin/python` is used, which finds its site-packages relative to itself, so the folder can be
 * renamed into place after pip is done.
 */
export async function pythonVenv(name: string, requirements: string[]): Promise<string> {
  // Keyed by the pins too, so a new pin builds a new environment instead of reusing an old one.
  const pins = createHash("sha256").update(requirements.join("\n")).digest("hex").slice(0, 8);
  const dir = join(PYTHON_CACHE, `${name}-${pins}-py${pythonMinor()}`);
  if (!existsSync(dir)) {
    mkdirSync(PYTHON_CACHE, { recursive: true });
    const building = `${dir}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    try {
      await runCommand("python3", ["-m", "venv", building], "python3 -m venv");
      await runCommand(
        join(building, "bin", "python"),
        [
          "-m",
          "pip",
          "install",
          "--quiet",
          "--disable-pip-version-check",
          "--no-input",
          ...requirements,
        ],
        `pip install ${requirements.join(" ")}`,
      );
      renameSync(building, dir);
    } catch (error) {
      // Another run finished first: its copy is as good as ours.
      if (!existsSync(dir)) throw error;
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
  return join(dir, "bin", "python");
}
