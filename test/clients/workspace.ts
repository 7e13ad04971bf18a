/**
 * What the client tests drive: the built `docindex` (this checkout's dist/, or the build that
 * DOCINDEX_TEST_SERVER names, so the same tests can check another branch's server), serving a
 * small workspace indexed before the server starts, with a folder outside its root.
 */
import { isAbsolute, resolve } from "node:path";
import { expect } from "vitest";
import { CLI_PATH, runCli } from "../helpers/cli.js";
import { makeTempDir, removeDir, writeTree } from "../helpers/tree.js";

/** The built main.js to start: DOCINDEX_TEST_SERVER, else this checkout's dist/. */
export function serverCli(): string {
  const configured = process.env.DOCINDEX_TEST_SERVER?.trim();
  if (!configured) return CLI_PATH;
  return isAbsolute(configured) ? configured : resolve(process.cwd(), configured);
}

export interface ClientWorkspace {
  root: string;
  /** A folder beside the root, holding `secret.txt`: no tool may read it. */
  outside: string;
  /** The text of `secret.txt`, which no answer may contain. */
  secret: string;
  /** How many files the server indexes. */
  files: number;
  remove(): void;
}

const SECRET = "outside the root: do not read";

/** The documents every client test searches, analyzes and reads. */
const DOCUMENTS: Record<string, string> = {
  "docs/guide.md":
    "# Guide\n\nThe guide explains the quokka installer.\n\n## Installing\n\nRun the quokka installer from the harbour.\n",
  "notes.txt": "Meeting notes about the harbour renovation.\n",
  "src/main.py": "def launch_quokka():\n    return 42\n",
};

/** The first version of a document a test edits to see a change notice. */
export function watchedText(version: number): string {
  return `# Watched\n\nThe wombat paragraph, version ${version}.\n`;
}

/**
 * A workspace with the documents above plus `watched` (paths a test will edit), indexed by the
 * server build under test.
 */
export function makeClientWorkspace(watched: string[] = []): ClientWorkspace {
  const root = makeTempDir("docindex-clients-");
  const outside = makeTempDir("docindex-clients-outside-");
  writeTree(outside, { "secret.txt": `${SECRET}\n` });
  writeTree(root, DOCUMENTS);
  writeTree(root, Object.fromEntries(watched.map((path) => [path, watchedText(1)])));
  const indexed = runCli(["reindex", root], { cli: serverCli() });
  expect(indexed.code, indexed.stderr).toBe(0);
  return {
    root,
    outside,
    secret: SECRET,
    files: Object.keys(DOCUMENTS).length + watched.length,
    remove() {
      removeDir(root);
      removeDir(outside);
    },
  };
}
