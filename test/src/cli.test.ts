import { readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReindexSummary } from "../../src/pipeline/reindex.js";
import { runCli } from "../helpers/cli.js";
import { datasetAvailable } from "../helpers/datasets.js";
import { copyInto, makeTempDir, removeDir, SHARED_DOCS, writeTree } from "../helpers/tree.js";

const FILLER = "This sentence only makes the section long enough to be a passage of its own. "
  .repeat(8)
  .trim();

interface JsonResult {
  path: string;
  score: number;
  snippet: string;
  lines?: { start: number; end: number };
  page?: number;
  headingPath: string[];
}

function searchJson(root: string, query: string, extra: string[] = []): JsonResult[] {
  const result = runCli(["search", query, "--root", root, "--json", ...extra]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { results: JsonResult[] }).results;
}

function reindexJson(root: string, extra: string[] = []) {
  const result = runCli(["reindex", root, "--json", ...extra]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ReindexSummary;
}

// The mixed folder holds real PDF and DOCX files from the datasets.
describe.skipIf(!datasetAvailable("docs"))("docindex reindex and search on a mixed folder", () => {
  let root: string;

  beforeAll(() => {
    root = makeTempDir();
    writeTree(root, {
      ".gitignore": "node_modules/\n*.log\n",
      // Sections over a quarter of the chunk budget stay chunks of their own (smaller ones merge).
      "docs/guide.md": `# Guide\n\nIntro text. ${FILLER}\n\n## Installing\n\nRun the zebracorn installer twice. ${FILLER}\n`,
      "notes.txt": "The quarterly figures mention a flamingo budget.\n",
      "src/app.ts": "export function computeWombatScore(x: number): number {\n  return x * 2;\n}\n",
      "site/index.html":
        "<html><head><title>Site</title><script>var hidden = 'scriptonly';</script></head>" +
        "<body><h1>Welcome</h1><p>Ocelot gardens &amp; more.</p></body></html>",
      "node_modules/pkg/readme.md": "zebracorn inside node_modules must not be indexed\n",
      "debug.log": "zebracorn in a log file that git ignores\n",
      ".env": "SECRET_TOKEN=zebracorn\n",
      "image.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    });
    copyInto(root, "papers/cweb.pdf", join(SHARED_DOCS, "pdf/pdfbox__input__cweb.pdf"));
    copyInto(
      root,
      "papers/locked.pdf",
      join(SHARED_DOCS, "pdf/pypdf__crazyones-encrypted-256.pdf"),
    );
    copyInto(root, "word/sample.docx", join(SHARED_DOCS, "docx/docx4j__sample-docx.docx"));
  });

  afterAll(() => removeDir(root));

  it("indexes what git would list, and says why the rest was not indexed", () => {
    const summary = reindexJson(root);
    // .gitignore, guide, notes, app, index.html, png, 2 pdfs, docx; not node_modules, debug.log, .env
    expect(summary.scanned).toBe(9);
    expect(summary.added).toBe(9);
    const problems = Object.fromEntries(summary.problems.map((p) => [p.path, p]));
    // A PNG header and nothing after it: read by OCR, which cannot decode it.
    expect(problems["image.png"]).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^corrupt: /),
    });
    expect(problems["papers/locked.pdf"]?.reason).toMatch(/^encrypted: password required/);
    expect(summary.indexed).toBe(7);
  });

  it("finds Markdown, code, HTML, PDF and DOCX text with citable locations", () => {
    const md = searchJson(root, "zebracorn installer");
    expect(md[0]?.path).toBe("docs/guide.md");
    expect(md[0]!.lines).toEqual({ start: 5, end: 7 });
    expect(md[0]!.headingPath).toEqual(["Guide", "Installing"]);

    expect(searchJson(root, "computeWombatScore")[0]?.path).toBe("src/app.ts");
    expect(searchJson(root, "ocelot gardens")[0]?.path).toBe("site/index.html");
    expect(searchJson(root, "scriptonly")).toEqual([]);

    const docx = searchJson(root, "exhibiting basic docx features");
    expect(docx[0]?.path).toBe("word/sample.docx");

    const pdf = searchJson(root, "CWEB literate programming");
    expect(pdf[0]?.path).toBe("papers/cweb.pdf");
    expect(pdf[0]?.page).toBeGreaterThanOrEqual(1);
  });

  it("treats query syntax as plain words and never fails on it", () => {
    for (const query of ['"unbalanced (AND', "NEAR(a b", "zebracorn*", "title:zebracorn", "^-+"]) {
      const result = runCli(["search", query, "--root", root, "--json"]);
      expect(result.code, `${query}: ${result.stderr}`).toBe(0);
    }
    expect(searchJson(root, "title:zebracorn OR nothing")[0]?.path).toBe("docs/guide.md");
  });

  it("filters by path glob, prefix and kind", () => {
    expect(
      searchJson(root, "zebracorn flamingo", ["--path", "**/*.txt"]).map((r) => r.path),
    ).toEqual(["notes.txt"]);
    expect(
      searchJson(root, "zebracorn flamingo", ["--prefix", "docs/"]).map((r) => r.path),
    ).toEqual(["docs/guide.md"]);
    expect(searchJson(root, "zebracorn flamingo", ["--kind", "text"]).map((r) => r.path)).toEqual([
      "notes.txt",
    ]);
  });

  it("prints readable results without --json", () => {
    const result = runCli(["search", "flamingo", "--root", root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("notes.txt:1-1");
  });

  it("is incremental: unchanged files are not parsed, changes and deletions are applied", () => {
    const again = reindexJson(root);
    expect(again).toMatchObject({ added: 0, changed: 0, deleted: 0, unchanged: 9, indexed: 0 });

    // Same bytes, new mtime: recorded without parsing.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, "notes.txt"), later, later);
    expect(reindexJson(root)).toMatchObject({ changed: 0, unchanged: 9, indexed: 0 });

    writeFileSync(join(root, "notes.txt"), "Now the notes talk about a pelican.\n");
    expect(reindexJson(root)).toMatchObject({ changed: 1, indexed: 1, unchanged: 8 });
    expect(searchJson(root, "flamingo")).toEqual([]);
    expect(searchJson(root, "pelican")[0]?.path).toBe("notes.txt");

    rmSync(join(root, "src/app.ts"));
    expect(reindexJson(root)).toMatchObject({ deleted: 1, scanned: 8 });
    expect(searchJson(root, "computeWombatScore")).toEqual([]);
  });

  it("--full parses everything again", () => {
    expect(reindexJson(root, ["--full"])).toMatchObject({ changed: 8, unchanged: 0 });
  });

  it("writes a deterministic inventory with a row and a reason for every file", () => {
    const out = makeTempDir();
    try {
      writeFileSync(join(root, "fresh.md"), "# Not indexed yet\n");
      const first = runCli(["inventory", root, "--out", out]);
      expect(first.code, first.stderr).toBe(0);
      const registryText = readFileSync(join(out, "file_registry.json"), "utf8");
      const markdown = readFileSync(join(out, "SYSTEM_INVENTORY.md"), "utf8");
      expect(runCli(["inventory", root, "--out", out]).code).toBe(0);
      expect(readFileSync(join(out, "file_registry.json"), "utf8")).toBe(registryText);
      expect(readFileSync(join(out, "SYSTEM_INVENTORY.md"), "utf8")).toBe(markdown);

      const registry = JSON.parse(registryText) as {
        version: number;
        files: { path: string; status: string; reason?: string; sha256: string; kind: string }[];
      };
      expect(registry.version).toBe(1);
      const byPath = Object.fromEntries(registry.files.map((f) => [f.path, f]));
      expect(Object.keys(byPath)).toEqual([...Object.keys(byPath)].sort());
      expect(byPath["fresh.md"]?.status).toBe("pending");
      expect(byPath["docs/guide.md"]).toMatchObject({ status: "indexed", kind: "markdown" });
      expect(byPath["papers/locked.pdf"]?.status).toBe("skipped");
      expect(byPath[".env"]).toBeUndefined();
      for (const file of registry.files) {
        expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
        if (file.status === "skipped" || file.status === "failed") expect(file.reason).toBeTruthy();
      }
      expect(markdown).toContain("## Files not indexed");
      expect(markdown).toContain("papers/locked.pdf");
    } finally {
      rmSync(join(root, "fresh.md"), { force: true });
      removeDir(out);
    }
  });
});

describe("docindex command-line errors", () => {
  const oneLine = (text: string) => {
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(text).not.toMatch(/\n\s+at /);
  };

  it("answers an unknown flag with one line and exit code 2", () => {
    const result = runCli(["reindex", "--frobnicate"]);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toContain("--frobnicate");
  });

  it("answers a missing folder with one line and exit code 2", () => {
    const result = runCli(["reindex", "/nonexistent/folder/for/docindex"]);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toContain("folder not found");
  });

  it("answers a bad value with one line naming the flag", () => {
    const dir = makeTempDir();
    try {
      const result = runCli(["search", "x", "--root", dir, "--limit", "zero"]);
      expect(result.code).toBe(2);
      oneLine(result.stderr);
      expect(result.stderr).toContain("--limit");
      const noIndex = runCli(["search", "x", "--root", dir]);
      expect(noIndex.code).toBe(2);
      expect(noIndex.stderr).toContain("docindex reindex");
    } finally {
      removeDir(dir);
    }
  });

  it("names the key and the file of a bad configuration value", () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir, "mcp.json"), JSON.stringify({ docindex: { maxFileSizeMb: "big" } }));
      const result = runCli(["reindex", dir], { cwd: dir });
      expect(result.code).toBe(2);
      oneLine(result.stderr);
      expect(result.stderr).toContain("mcp.json");
      expect(result.stderr).toContain("docindex.maxFileSizeMb");
    } finally {
      removeDir(dir);
    }
  });

  it("has --help for every command", () => {
    for (const command of ["reindex", "search", "inventory", "doctor"]) {
      const result = runCli([command, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: docindex ${command}`);
    }
    expect(runCli(["--help"]).stdout).toContain("Commands:");
    expect(runCli(["bogus"]).code).toBe(2);
  });
});
