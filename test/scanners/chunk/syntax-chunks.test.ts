/**
 * Syntax-aware chunks: code read by a tree-sitter grammar is cut between declarations (and
 * between statements inside a long function), each chunk headed by its container chain.
 * The expectations are derived from the definitions the same parse reports, not written out.
 */
import { describe, expect, it } from "vitest";
import { chunkDocument, estimateTokens } from "../../../scanners/chunk/index.js";
import { parseCode, parseCodeWithSyntax } from "../../../scanners/parsers/code.js";
import type { Chunk } from "../../../scanners/types.js";
import { expectExactLines } from "./helpers.js";

function expectWellFormed(text: string, chunks: Chunk[], budget: number): void {
  expect(chunks.length).toBeGreaterThan(0);
  for (const chunk of chunks) {
    expect(chunk.tokens).toBe(estimateTokens(chunk.text));
    expect(chunk.tokens).toBeLessThanOrEqual(budget);
    expectExactLines(text, chunk);
  }
  // Every non-blank line is in exactly one chunk.
  const covered = new Map<number, number>();
  for (const c of chunks)
    for (let l = c.lineStart ?? 0; l <= (c.lineEnd ?? -1); l++)
      covered.set(l, (covered.get(l) ?? 0) + 1);
  text.split("\n").forEach((line, i) => {
    if (line.trim() !== "")
      expect({ line: i + 1, count: covered.get(i + 1) }).toEqual({ line: i + 1, count: 1 });
  });
}

/** No chunk boundary falls strictly inside [first, last]: the span is whole in one chunk, or cut only by an oversized inner piece. */
function crossings(chunks: Chunk[], first: number, last: number): Chunk[] {
  return chunks.filter(
    (c) =>
      ((c.lineStart ?? 0) > first && (c.lineStart ?? 0) <= last) ||
      ((c.lineEnd ?? 0) >= first && (c.lineEnd ?? 0) < last),
  );
}

function method(name: string, statements: number): string {
  const body = Array.from(
    { length: statements },
    (_, i) => `    const value${i} = this.source.read${name}(${i}, "field ${i} of ${name}");`,
  );
  return [
    `  /** Reads the ${name} part of the input. */`,
    `  ${name}(): number {`,
    ...body,
    "    return 0;",
    "  }",
  ].join("\n");
}

describe("chunkDocument on a syntax outline", () => {
  it("cuts a class between its methods and heads each chunk with its container chain", async () => {
    const text = [
      'import { Source } from "./source.js";',
      "",
      "export class Parser {",
      "  constructor(private readonly source: Source) {}",
      "",
      ["header", "body", "footer", "index", "trailer"].map((n) => method(n, 6)).join("\n\n"),
      "}",
      "",
      "export function parse(source: Source): Parser {",
      "  return new Parser(source);",
      "}",
      "",
    ].join("\n");
    const doc = await parseCodeWithSyntax(text, "src/parser.ts", "typescript");
    expect(doc.metadata["syntax"]).toBe("tree-sitter");
    const budget = 150;
    const chunks = chunkDocument("src/parser.ts", doc, { maxTokens: budget });
    expectWellFormed(text, chunks, budget);
    const methods = (doc.symbols ?? []).filter((s) => s.kind === "method");
    expect(methods.map((m) => m.name)).toEqual([
      "constructor",
      "header",
      "body",
      "footer",
      "index",
      "trailer",
    ]);
    for (const m of methods) {
      // Each method fits the budget, so no chunk boundary cuts it; its doc comment is with it.
      expect(crossings(chunks, m.lineStart - 1, m.lineEnd)).toEqual([]);
      const holder = chunks.find(
        (c) => (c.lineStart ?? 0) <= m.lineStart && (c.lineEnd ?? 0) >= m.lineEnd,
      );
      expect(holder?.headingPath[0]).toBe("class Parser");
      if (holder?.lineStart === m.lineStart - 1 && holder.lineEnd === m.lineEnd)
        expect(holder.headingPath).toEqual(["class Parser", `method ${m.name}`]);
    }
    expect(chunks.some((c) => c.headingPath.join(" > ") === "class Parser > method footer")).toBe(
      true,
    );
    expect(chunks[chunks.length - 1]?.headingPath).toEqual(["function parse"]);
  });

  it("splits a function too long for one chunk between its statements", async () => {
    const blocks = Array.from({ length: 24 }, (_, i) =>
      [
        `    if request.kind == "kind${i}":`,
        `        result = handlers[${i}].run(request, retries=${i}, label="handler number ${i}")`,
        `        log.append(result)`,
      ].join("\n"),
    );
    const text = ["def handle(request, handlers, log):", ...blocks, "    return log", ""].join(
      "\n",
    );
    const doc = await parseCodeWithSyntax(text, "handle.py", "python");
    const budget = 120;
    const chunks = chunkDocument("handle.py", doc, { maxTokens: budget });
    expectWellFormed(text, chunks, budget);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.headingPath).toEqual(["function handle"]);
    blocks.forEach((_, i) => {
      const first = 2 + i * 3;
      expect(crossings(chunks, first, first + 2)).toEqual([]);
    });
  });

  it("keeps a comment with the declaration under it", async () => {
    const fns = Array.from({ length: 12 }, (_, i) =>
      [
        `// Sum${i} adds the ${i}th pair of numbers it is given.`,
        `func Sum${i}(a, b int) int {`,
        `\treturn a + b + ${i}`,
        "}",
      ].join("\n"),
    );
    const text = ["package sums", "", fns.join("\n\n"), ""].join("\n");
    const doc = await parseCodeWithSyntax(text, "sums.go", "go");
    const chunks = chunkDocument("sums.go", doc, { maxTokens: 60 });
    expectWellFormed(text, chunks, 60);
    for (const c of chunks.slice(1)) expect(c.text).toMatch(/^\/\/ Sum\d+ adds/);
  });

  it("chunks a file the grammar cannot read as the line chunker does", async () => {
    const text = Array.from({ length: 40 }, (_, i) => `def broken${i}(:\n    return ${i} +\n`).join(
      "\n",
    );
    const doc = await parseCodeWithSyntax(text, "broken.py", "python");
    expect(doc.metadata["syntax"]).toBe("parse errors: chunked by lines");
    expect(doc.outline).toBeUndefined();
    const today = chunkDocument("broken.py", parseCode(text, "python"), { maxTokens: 100 });
    expect(chunkDocument("broken.py", doc, { maxTokens: 100 })).toEqual(today);
  });

  it("leaves languages without a grammar to the line chunker", async () => {
    const text = Array.from(
      { length: 30 },
      (_, i) => `fun f${i}(x: Int): Int {\n    return x + ${i}\n}\n`,
    ).join("\n");
    const doc = await parseCodeWithSyntax(text, "F.kt", "kotlin");
    expect(doc.symbols).toBeUndefined();
    expect(chunkDocument("F.kt", doc, { maxTokens: 80 })).toEqual(
      chunkDocument("F.kt", parseCode(text, "kotlin"), { maxTokens: 80 }),
    );
  });

  it("does not parse minified code, nor any code with syntax off", async () => {
    const bundle = Array.from({ length: 20 }, (_, i) =>
      Array.from({ length: 40 }, (_, j) => `function f${i}_${j}(a){return a+${j}}`).join(";"),
    ).join("\n");
    const doc = await parseCodeWithSyntax(bundle, "dist/app.min.js", "javascript");
    expect(doc.metadata["syntax"]).toMatch(/^minified/);
    expect(doc.symbols).toBeUndefined();
    const text = "class A:\n    def f(self):\n        return 1\n";
    const off = await parseCodeWithSyntax(text, "a.py", "python", "off");
    expect(off.symbols).toBeUndefined();
    expect(off.outline).toBeUndefined();
    expect(off).toEqual(parseCode(text, "python"));
  });
});
