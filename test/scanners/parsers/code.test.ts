import { describe, expect, it } from "vitest";
import { parseCode } from "../../../scanners/parsers/code.js";
import { expectValidSections, sectionText } from "./helpers.js";

const titles = (text: string, language: string): string[][] => {
  const doc = parseCode(text, language);
  expectValidSections(doc);
  return doc.sections.map((s) => s.headingPath);
};

describe("parseCode", () => {
  it("splits TypeScript at top-level declarations, keeping doc comments with them", () => {
    const ts = [
      'import { x } from "./x.js";',
      "",
      "/** Adds. */",
      "export function add(a: number, b: number): number {",
      "  function inner() {}",
      "  return a + b;",
      "}",
      "",
      "export const handler = async (req: Request) => {",
      "  return req;",
      "};",
      "",
      "@decorated",
      "export default class Service {}",
      "interface Shape { kind: string }",
      "export const LIMIT = 3;",
      "const local = 4;",
      "",
    ].join("\n");
    const doc = parseCode(ts, "typescript");
    expectValidSections(doc);
    expect(doc.language).toBe("typescript");
    expect(doc.linesMatchSource).toBe(true);
    expect(doc.sections.map((s) => [s.headingPath, s.lineStart, s.lineEnd])).toEqual([
      [[], 1, 1],
      [["function add"], 3, 7],
      [["const handler"], 9, 11],
      [["class Service"], 13, 14],
      [["interface Shape"], 15, 15],
      [["const LIMIT"], 16, 17],
    ]);
    expect(sectionText(doc, 1).startsWith("/** Adds. */\nexport function add")).toBe(true);
  });

  it("handles Python, Go, Rust, Java, C and SQL", () => {
    expect(
      titles(
        "import os\n\n@cache\ndef f():\n    def g(): pass\n\nclass K:\n    def m(self): pass\n",
        "python",
      ),
    ).toEqual([[], ["def f"], ["class K"]]);
    expect(
      titles("package main\n\nfunc (s *Server) Run() error {\n}\n\ntype Server struct{}\n", "go"),
    ).toEqual([[], ["func (s *Server) Run"], ["type Server"]]);
    expect(
      titles(
        "use std::fmt;\n\n/// Doc\n#[derive(Debug)]\npub struct P;\n\nimpl fmt::Display for P {\n}\npub(crate) async fn go() {}\n",
        "rust",
      ),
    ).toEqual([[], ["struct P"], ["impl fmt::Display for P"], ["fn go"]]);
    expect(
      titles("package a;\n\npublic final class Main {\n  public void run() {}\n}\n", "java"),
    ).toEqual([[], ["class Main"]]);
    expect(
      titles(
        "#include <stdio.h>\n\nint add(int a, int b);\n\nstatic int main(int argc, char **argv) {\n  return 0;\n}\nstruct point {\n};\n",
        "c",
      ),
    ).toEqual([[], ["function main"], ["struct point"]]);
    expect(
      titles(
        "-- schema\nCREATE TABLE IF NOT EXISTS users (id int);\ncreate view v as select 1;\n",
        "sql",
      ),
    ).toEqual([["table users"], ["view v"]]);
  });

  it("gives no sections for languages without rules or files without declarations", () => {
    expect(parseCode("x = 1\n", "nim").sections).toEqual([]);
    expect(parseCode("print(1)\n", "python").sections).toEqual([]);
    expect(parseCode("echo hi\n", undefined).language).toBeUndefined();
  });
});
