/**
 * The MCP conformance suite (`@modelcontextprotocol/conformance` from npm, on Node 22+) against
 * `docindex serve --http`: the scenarios in conformance-scenarios.ts, each as a test of its
 * own. The suite's own list of server scenarios must match that file's two tables, so a new
 * pinned version cannot bring scenarios nobody looked at.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServerProcess, type HttpServerProcess } from "../helpers/mcp.js";
import { makeTempDir, removeDir } from "../helpers/tree.js";
import { HANDSHAKE_SUITE, MODERN_SUITE, type ConformanceSuite } from "./conformance-scenarios.js";
import { conformanceCli, FETCH_TIMEOUT_MS, nodeForConformance } from "./toolchain.js";
import { makeClientWorkspace, serverCli, type ClientWorkspace } from "./workspace.js";

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
}

let node: string;
let workspace: ClientWorkspace;
let server: HttpServerProcess;
let output: string;

beforeAll(async () => {
  node = await nodeForConformance();
  workspace = makeClientWorkspace();
  output = makeTempDir("docindex-conformance-");
  // No token: the suite sends none. The server binds 127.0.0.1 only.
  server = await startHttpServerProcess(["--root", workspace.root, "--no-watch"], {}, serverCli());
}, FETCH_TIMEOUT_MS);

afterAll(async () => {
  await server?.close();
  workspace?.remove();
  if (output) removeDir(output);
});

function run(cli: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [cli, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, output: text }));
  });
}

describe.each([HANDSHAKE_SUITE, MODERN_SUITE])(
  "MCP conformance suite $version against docindex serve --http",
  (suite: ConformanceSuite) => {
    let cli: string;

    beforeAll(async () => {
      cli = await conformanceCli(suite.version);
    }, FETCH_TIMEOUT_MS);

    it("names every server scenario of the suite as run here or not applicable", async () => {
      const listed = await run(cli, ["list", "--server"]);
      expect(listed.code, listed.output).toBe(0);
      const names = [...listed.output.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]!);
      expect(names.length).toBeGreaterThan(0);
      expect(names.sort()).toEqual(
        [...Object.keys(suite.run), ...Object.keys(suite.notApplicable)].sort(),
      );
    });

    it.each(Object.entries(suite.run))("%s", async (name, scenario) => {
      const into = join(output, suite.version, name);
      mkdirSync(into, { recursive: true });
      const result = await run(cli, [
        "server",
        ...["--url", server.url, "--scenario", name, "--output-dir", into],
        ...["--spec-version", scenario.specVersion],
      ]);
      const folder = readdirSync(into).find((entry) => entry.startsWith(`server-${name}-`));
      expect(folder, result.output).toBeDefined();
      const checks = JSON.parse(
        readFileSync(join(into, folder!, "checks.json"), "utf8"),
      ) as Check[];
      const fixtures = scenario.fixtureChecks ?? {};
      const failing = checks
        .filter((check) => check.status === "FAILURE" && !(check.id in fixtures))
        .map(({ id, errorMessage }) => ({ id, errorMessage }));
      expect(failing, scenario.what).toEqual([]);
      expect(checks.some((check) => check.status === "SUCCESS")).toBe(true);
    });
  },
);
