/**
 * Every grammar docindex names loads from its package and reads a small file of its language
 * (TSX and JSX included), and a language without one is left to the line chunker. The
 * real-tree recall is in ctags-recall.test.ts; this catches a grammar file that moved or
 * broke in a package update on any Node.
 */
import { describe, expect, it } from "vitest";
import { readSyntax } from "../../../scanners/syntax/index.js";

const SAMPLES: [path: string, language: string, text: string, name: string][] = [
  ["a.ts", "typescript", "export function area(r: number): number {\n  return r * r;\n}\n", "area"],
  [
    "a.tsx",
    "typescript",
    "export function Badge(p: { n: number }) {\n  return <b>{p.n}</b>;\n}\n",
    "Badge",
  ],
  ["a.jsx", "javascript", "function Badge(p) {\n  return <b>{p.n}</b>;\n}\n", "Badge"],
  ["a.py", "python", "def area(r):\n    return r * r\n", "area"],
  ["a.go", "go", "package a\n\nfunc Area(r int) int {\n\treturn r * r\n}\n", "Area"],
  ["a.rs", "rust", "fn area(r: u32) -> u32 {\n    r * r\n}\n", "area"],
  ["A.java", "java", "class A {\n  int area(int r) { return r * r; }\n}\n", "area"],
  ["a.c", "c", "int area(int r) {\n  return r * r;\n}\n", "area"],
  ["a.cpp", "cpp", "namespace g {\nint area(int r) {\n  return r * r;\n}\n}\n", "area"],
  ["A.cs", "csharp", "class A {\n  int Area(int r) { return r * r; }\n}\n", "Area"],
  ["a.rb", "ruby", "def area(r)\n  r * r\nend\n", "area"],
  ["a.php", "php", "<?php\nfunction area($r) {\n  return $r * $r;\n}\n", "area"],
  ["a.sh", "shell", "area() {\n  echo $(( $1 * $1 ))\n}\n", "area"],
];

describe("tree-sitter grammars", () => {
  for (const [path, language, text, name] of SAMPLES) {
    it(`reads ${path} (${language})`, async () => {
      const result = await readSyntax(text, path, language);
      expect(result?.ok).toBe(true);
      if (!result?.ok) return;
      expect(result.facts.hasError).toBe(false);
      expect(result.facts.symbols.map((s) => s.name)).toContain(name);
    });
  }

  it("has no grammar for other languages, nor for zsh and fish", async () => {
    expect(await readSyntax("fun f() = 1\n", "F.kt", "kotlin")).toBeUndefined();
    expect(await readSyntax("f() { }\n", "a.zsh", "shell")).toBeUndefined();
    expect(await readSyntax("x\n", "a.txt", undefined)).toBeUndefined();
  });
});
