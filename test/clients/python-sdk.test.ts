/**
 * The official Python MCP SDK client (`mcp` from PyPI, in a venv the suite creates) against
 * `docindex serve`, over stdio and Streamable HTTP, in both of the client's modes:
 *
 * - `legacy`: the initialize handshake; must negotiate a handshake-era version, and gets change
 *   notices through `resources/subscribe`.
 * - `auto` (the client's default): probes `server/discover` and falls back to the handshake only
 *   for servers that do not speak 2026-07-28; docindex must answer on 2026-07-28, and change
 *   notices come through `subscriptions/listen`.
 *
 * Each combination gets a fresh workspace and server; the driver (`python_sdk_driver.py`) calls
 * every tool, reads a resource, tries paths outside the root, edits a document it read and
 * waits for the notice, and prints what it saw as JSON for the assertions here.
 */
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../helpers/datasets.js";
import { startHttpServerProcess, TOOL_NAMES, type HttpServerProcess } from "../helpers/mcp.js";
import {
  FETCH_TIMEOUT_MS,
  PYTHON_MCP_VERSION,
  pythonAvailable,
  pythonWithMcp,
} from "./toolchain.js";
import { makeClientWorkspace, serverCli, type ClientWorkspace } from "./workspace.js";

const DRIVER = join(repositoryRoot(), "test", "clients", "python_sdk_driver.py");
const TOKEN = "python-client-token-0123456789";
const MODERN_VERSION = "2026-07-28";
/** Every version the initialize handshake can negotiate. */
const HANDSHAKE_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
const WATCHED = "docs/watched.md";
/** The notice is due within 2 s of the edit; the wait is generous so a busy machine never fails it. */
const NOTICE_TIMEOUT_SEC = 30;

type Step = { value?: unknown; error?: string };
type Results = Record<string, Step>;
interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** A step's value, or a failure naming the step and what the Python client raised. */
function value<T>(results: Results, step: string): T {
  const got = results[step];
  if (!got) throw new Error(`the driver did not reach '${step}': ${results.connect?.error ?? ""}`);
  if (got.error !== undefined) throw new Error(`${step}: ${got.error}`);
  return got.value as T;
}

function tool(results: Results, step: string): ToolResult {
  const result = value<ToolResult>(results, step);
  expect(result.isError, `${step}: ${JSON.stringify(result.content)}`).toBeFalsy();
  return result;
}

const text = (result: ToolResult) => result.content.map((part) => part.text ?? "").join("\n");

function runDriver(python: string, config: Record<string, unknown>): Promise<Results> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [DRIVER, JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        const results = JSON.parse(last) as Results;
        // What the client and the server said on stderr, for a failing run.
        if (Object.values(results).some((step) => step.error !== undefined))
          process.stderr.write(
            `python driver (${String(config.transport)}, ${String(config.mode)}):\n${stderr}\n`,
          );
        resolve(results);
      } catch {
        reject(
          new Error(`the Python driver exited with ${code} and no results:\n${stdout}\n${stderr}`),
        );
      }
    });
  });
}

const havePython = pythonAvailable();

const COMBINATIONS = [
  { transport: "stdio", mode: "legacy" },
  { transport: "stdio", mode: "auto" },
  { transport: "http", mode: "legacy" },
  { transport: "http", mode: "auto" },
] as const;

describe.skipIf(!havePython).each(COMBINATIONS)(
  `Python SDK client (mcp ${PYTHON_MCP_VERSION}) over $transport in $mode mode`,
  ({ transport, mode }) => {
    let workspace: ClientWorkspace;
    let http: HttpServerProcess | undefined;
    let results: Results;

    beforeAll(async () => {
      const python = await pythonWithMcp();
      workspace = makeClientWorkspace([WATCHED]);
      const common = {
        transport,
        mode,
        root: workspace.root,
        outside: join(workspace.outside, "secret.txt"),
        watched: WATCHED,
        notice_timeout_sec: NOTICE_TIMEOUT_SEC,
      };
      if (transport === "http") {
        http = await startHttpServerProcess(
          ["--root", workspace.root, "--token", TOKEN],
          {},
          serverCli(),
        );
        results = await runDriver(python, { ...common, url: http.url, token: TOKEN });
      } else {
        results = await runDriver(python, {
          ...common,
          command: [process.execPath, serverCli(), "serve", "--root", workspace.root],
          env: { DOCINDEX_LOG_LEVEL: "warn" },
        });
      }
    }, FETCH_TIMEOUT_MS);

    afterAll(async () => {
      await http?.close();
      workspace?.remove();
    });

    if (mode === "auto") {
      it(`negotiates ${MODERN_VERSION}`, () => {
        expect(value(results, "protocolVersion")).toBe(MODERN_VERSION);
      });
    } else {
      it("negotiates a handshake version", () => {
        expect(HANDSHAKE_VERSIONS).toContain(value(results, "protocolVersion"));
      });
    }

    it("lists the six tools", () => {
      expect(value(results, "tools")).toEqual(TOOL_NAMES);
    });

    it("search finds the passage, with its file, lines and root", () => {
      const hits = tool(results, "search").structuredContent as {
        results: { path: string; root: string; lines?: { start: number } }[];
      };
      expect(hits.results[0]).toMatchObject({
        path: "docs/guide.md",
        root: realpathSync(workspace.root),
      });
      expect(hits.results[0]!.lines?.start).toBeGreaterThan(0);
    });

    it("inventory counts the workspace's files", () => {
      const { summary } = tool(results, "inventory").structuredContent as {
        summary: { files: number; byStatus: { indexed: number } };
      };
      expect(summary.files).toBe(workspace.files);
      expect(summary.byStatus.indexed).toBe(workspace.files);
    });

    it("analyze outlines the guide and names its key terms", () => {
      const { document } = tool(results, "analyze").structuredContent as {
        document: { outline: { title: string }[]; keyTerms: { term: string }[] };
      };
      expect(document.outline.map((o) => o.title)).toEqual(["Guide", "Installing"]);
      expect(document.keyTerms.map((t) => t.term)).toContain("quokka");
    });

    it("read_document returns the lines asked for", () => {
      const read = tool(results, "read_document").structuredContent as { text: string };
      expect(read.text).toBe("## Installing\n\nRun the quokka installer from the harbour.");
    });

    it("reindex answers with a job that index_status follows to the end", () => {
      const { jobId } = tool(results, "reindex").structuredContent as { jobId: string };
      expect(jobId).toMatch(/^job-/);
      const { jobs } = tool(results, "index_status").structuredContent as {
        jobs: { id: string; state: string; summary?: { scanned: number; failed: number } }[];
      };
      expect(jobs[0]).toMatchObject({ id: jobId, state: "done" });
      expect(jobs[0]!.summary).toMatchObject({ scanned: workspace.files, failed: 0 });
    });

    it("lists documents as resources and reads one", () => {
      const resource = value<{
        listed: string[];
        uri: string;
        read: { contents: { uri: string; text: string }[] };
      }>(results, "resource");
      expect(resource.listed).toEqual(
        expect.arrayContaining(["docs/guide.md", "notes.txt", WATCHED]),
      );
      expect(resource.read.contents[0]!.uri).toBe(resource.uri);
      expect(resource.read.contents[0]!.text).toContain("Run the quokka installer");
    });

    it("refuses paths outside the root, as tool arguments and as resource URIs", () => {
      const refusals = value<(ToolResult & { path: string })[]>(results, "refusals");
      expect(refusals).toHaveLength(3);
      for (const refusal of refusals) {
        expect(refusal.isError, refusal.path).toBe(true);
        expect(text(refusal), refusal.path).toMatch(/outside the indexed roots/);
        expect(text(refusal)).not.toContain(workspace.secret);
      }
      const resource = value<{ refused?: string; read?: unknown }>(results, "resourceRefusal");
      expect(resource.read).toBeUndefined();
      expect(resource.refused).toMatch(/outside the indexed roots/);
      expect(resource.refused).not.toContain(workspace.secret);
    });

    it(`is told when a document it read changes (${mode === "auto" ? "subscriptions/listen" : "resources/subscribe"})`, () => {
      const notice = value<{ uri: string; via: string; updated: string[] }>(
        results,
        "changeNotice",
      );
      expect(notice.via).toBe(mode === "auto" ? "subscriptions/listen" : "resources/subscribe");
      expect(notice.updated).toContain(notice.uri);
    });
  },
);
