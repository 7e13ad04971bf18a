/**
 * grep as a user meets it: the `grep` tool over MCP (the spawned `docindex serve`, stdio) and
 * the `docindex grep` command, on a workspace of code, Markdown and a real PDF; bad and
 * pathological patterns; pagination; filters; pages of PDF matches.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GrepAnswer } from "../../../src/grep/run-grep.js";
import { runCli } from "../../helpers/cli.js";
import { callTool, connectStdio, textOf, type StdioSession } from "../../helpers/mcp.js";
import { datasetAvailable } from "../../helpers/datasets.js";
import { copyInto, makeTempDir, removeDir, SHARED_DOCS, writeTree } from "../../helpers/tree.js";

const haveDocs = datasetAvailable("docs");

let root: string;
let session: StdioSession;

type Answer = GrepAnswer;

async function grep(args: Record<string, unknown>): Promise<Answer> {
  const result = await callTool(session.client, "grep", args);
  expect(result.isError, textOf(result)).not.toBe(true);
  return result.structuredContent as unknown as Answer;
}

beforeAll(async () => {
  root = makeTempDir();
  writeTree(root, {
    "src/retry.ts":
      "export function retryWithBackoff(attempts: number) {\n  const delayMs = 100;\n  // TODO: jitter\n  return attempts * delayMs;\n}\n",
    "src/other.py": "def retry_later():\n    pass  # RetryWithBackoff is elsewhere\n",
    "docs/guide.md": "# Guide\n\nCall retryWithBackoff(3) to retry.\n\nNo retry here: retrying.\n",
    // A line that makes a backtracking engine take exponential time on (a+)+$.
    "data/evil.txt": `${"a".repeat(40_000)}!\n`,
  });
  const pdf = join(SHARED_DOCS, "pdf", "pdfbox__input__cweb.pdf");
  if (haveDocs) copyInto(root, "papers/cweb.pdf", pdf);
  const indexed = runCli(["reindex", root]);
  expect(indexed.code, indexed.stderr).toBe(0);
  session = await connectStdio(["--no-watch", "--root", root]);
}, 120_000);

afterAll(async () => void (await session?.close(), removeDir(root)));

describe("the grep tool over MCP", () => {
  it("lists grep with its schemas", async () => {
    const { tools } = await session.client.listTools();
    const tool = tools.find((t) => t.name === "grep");
    expect(tool?.inputSchema.properties).toHaveProperty("pattern");
    expect(tool?.outputSchema?.properties).toHaveProperty("matches");
  });

  it("finds exact lines with path, line and column, from the n-gram index", async () => {
    const answer = await grep({ pattern: "retryWithBackoff" });
    expect(answer.candidates).toBe("ngram");
    expect(answer.matches.map((m) => [m.path, m.line, m.column])).toEqual([
      ["docs/guide.md", 3, 6],
      ["src/retry.ts", 1, 17],
    ]);
    expect(answer.matches[1]!.text).toBe("export function retryWithBackoff(attempts: number) {");
  });

  it("applies case, whole-word, literal and the search filters", async () => {
    const insensitive = await grep({ pattern: "retrywithbackoff", ignoreCase: true });
    expect(insensitive.matches.map((m) => m.path)).toEqual([
      "docs/guide.md",
      "src/other.py",
      "src/retry.ts",
    ]);
    const word = await grep({ pattern: "retry", wordRegexp: true, pathPrefix: "docs/" });
    expect(word.matches.map((m) => m.line)).toEqual([3, 5]);
    const literal = await grep({ pattern: "retryWithBackoff(3)", literal: true });
    expect(literal.matches.map((m) => m.path)).toEqual(["docs/guide.md"]);
    const kind = await grep({ pattern: "retry", ignoreCase: true, kind: ["code"], path: "**/*.py" });
    expect(kind.matches.map((m) => [m.path, m.line])).toEqual([
      ["src/other.py", 1],
      ["src/other.py", 2],
    ]);
  });

  it("gives context lines and pages through matches with a cursor", async () => {
    const [m] = (await grep({ pattern: "TODO", context: 1 })).matches;
    expect(m).toMatchObject({ path: "src/retry.ts", line: 3 });
    expect(m!.before).toEqual(["  const delayMs = 100;"]);
    expect(m!.after).toEqual(["  return attempts * delayMs;"]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await grep({ pattern: "retr[a-z]+", ignoreCase: true, limit: 2, cursor });
      expect(page.matches.length).toBeLessThanOrEqual(2);
      seen.push(...page.matches.map((x) => `${x.path}:${x.line}`));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const all = (await grep({ pattern: "retr[a-z]+", ignoreCase: true, limit: 500 })).matches;
    expect(seen).toEqual(all.map((x) => `${x.path}:${x.line}`));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("answers a pattern with no literal by a scan", async () => {
    const answer = await grep({ pattern: "\\d{3}" });
    expect(answer.candidates).toBe("scan");
    expect(answer.matches.map((m) => `${m.path}:${m.line}`)).toContain("src/retry.ts:2");
  });

  it("refuses bad patterns with a message that names the problem", async () => {
    for (const [pattern, words] of [
      ["retry(", "missing closing )"],
      ["(a)\\1", "invalid escape"],
      ["a{2000}", "repeat"],
      ["(?<=x)y", "(?<"],
    ] as const) {
      const result = await callTool(session.client, "grep", { pattern });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain("invalid regular expression");
      expect(textOf(result)).toContain(words);
    }
    const cursor = await callTool(session.client, "grep", { pattern: "x", cursor: "nonsense" });
    expect(textOf(cursor)).toContain("`cursor` is not one that grep returned");
  });

  it("answers a pathological pattern (linear-time engine)", async () => {
    const answer = await grep({ pattern: "(a+)+$", path: "data/*" });
    expect(answer.matches).toEqual([]);
    const other = await grep({ pattern: "(a|aa)*!", path: "data/*" });
    expect(other.matches.map((m) => m.line)).toEqual([1]);
    expect(other.matches[0]!.text.length).toBeLessThan(500);
  });

  it.runIf(haveDocs)("reports the page of a PDF match", async () => {
    const answer = await grep({ pattern: "Silvio Levy", kind: ["pdf"] });
    expect(answer.matches.length).toBeGreaterThan(0);
    expect(new Set(answer.matches.map((m) => m.page))).toEqual(new Set([1, 2]));
  });
});

describe("docindex grep", () => {
  it("prints path:line:text and exits 0, 1 when nothing matches", () => {
    const found = runCli(["grep", "retryWithBackoff", "--root", root]);
    expect(found.code).toBe(0);
    expect(found.stdout.trim().split("\n")).toEqual([
      "docs/guide.md:3:Call retryWithBackoff(3) to retry.",
      "src/retry.ts:1:export function retryWithBackoff(attempts: number) {",
    ]);
    const none = runCli(["grep", "nowhere-to-be-found", "--root", root]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe("");
  });

  it("takes -i -w -F -C, filters and --json", () => {
    const out = runCli(["grep", "-i", "-w", "RETRY", "-C", "1", "--prefix", "docs/", "--root", root]);
    expect(out.stdout).toContain("docs/guide.md:3:Call retryWithBackoff(3) to retry.");
    expect(out.stdout).toContain("docs/guide.md-4-");
    const json = runCli(["grep", "-F", "(3)", "--json", "--kind", "markdown", "--root", root]);
    const answer = JSON.parse(json.stdout) as Answer;
    expect(answer.matches.map((m) => `${m.path}:${m.line}`)).toEqual(["docs/guide.md:3"]);
  });

  it("stops at --limit with a cursor that continues", () => {
    const first = runCli(["grep", "-i", "retry", "--limit", "1", "--json", "--root", root]);
    const page = JSON.parse(first.stdout) as Answer;
    expect(page.matches).toHaveLength(1);
    expect(page.nextCursor).toBeDefined();
    const rest = runCli(["grep", "-i", "retry", "--cursor", page.nextCursor!, "--json", "--root", root]);
    const more = JSON.parse(rest.stdout) as Answer;
    const all = JSON.parse(runCli(["grep", "-i", "retry", "--json", "--root", root]).stdout) as Answer;
    expect([...page.matches, ...more.matches]).toEqual(all.matches);
  });

  it("refuses a bad pattern or flag with exit code 2 and one line", () => {
    const bad = runCli(["grep", "a[b", "--root", root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid regular expression");
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(runCli(["grep", "--root", root]).code).toBe(2);
    expect(runCli(["grep", "x", "-C", "99", "--root", root]).stderr).toContain("--context");
  });
});
