/**
 * Python virtual environments with pinned PyPI packages, for tests that use a Python library
 * as an oracle or a client nobody here wrote, built on first use under
 * node_modules/.cache/docindex-python/ (build-cache.ts).
 *
 * Python 3.10+ with venv is a machine prerequisite, like git: without it the tests that need
 * it skip with one line, unless DOCINDEX_REQUIRE_PYTHON=1 (CI) makes its absence a failure.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { cacheFolder, cachedBuild, runCommand } from "./build-cache.js";

export { runCommand } from "./build-cache.js";

export const PYTHON_CACHE = cacheFolder("docindex-python");

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
      : `python3 cannot make a virtual environment (${probe.stderr.trim().split("\n").pop()}; on Debian: apt-get install python3-venv)`;
  const line = `${purpose} need Python 3.10+ with venv: ${why}`;
  if (process.env.DOCINDEX_REQUIRE_PYTHON === "1")
    throw new Error(`${line} (DOCINDEX_REQUIRE_PYTHON=1 makes this an error)`);
  process.stderr.write(`skipping: ${line}\n`);
  return (answer = false);
}

function pythonMinor(): string {
  return spawnSync("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
    encoding: "utf8",
  }).stdout.trim();
}

/**
 * The interpreter of a venv named `name` holding `requirements` (pinned: `pkg==1.2.3`), keyed by
 * the pins so a new pin builds a new environment. Only `bin/python` is used, which finds its
 * site-packages relative to itself, so the folder can be renamed into place after pip is done
 * (pip's own scripts, whose first lines name the old folder, are not used).
 */
export async function pythonVenv(name: string, requirements: string[]): Promise<string> {
  const pins = createHash("sha256").update(requirements.join("\n")).digest("hex").slice(0, 8);
  const dir = await cachedBuild(
    PYTHON_CACHE,
    `${name}-${pins}-py${pythonMinor()}`,
    async (into) => {
      await runCommand("python3", ["-m", "venv", into], "python3 -m venv");
      await runCommand(
        join(into, "bin", "python"),
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
    },
  );
  return join(dir, "bin", "python");
}
