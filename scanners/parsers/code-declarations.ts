/**
 * Top-level declarations by regular expression, one small rule set per language family. The
 * chunker prefers to cut code where a declaration starts; a real parser per language would be
 * exact but costs a grammar each. Only unindented lines count, which is what keeps this cheap
 * and mostly right: methods inside classes stay with their class. Each rule captures `kind` and
 * `name`; the section's heading is "<kind> <name>".
 */

type Rules = readonly RegExp[];

const C_LIKE: Rules = [
  /^(?:typedef\s+)?(?<kind>struct|class|enum|union|namespace)\s+(?<name>[A-Za-z_]\w*)\s*(?:[:{]|$)/,
  /^@(?<kind>interface|implementation|protocol)\s+(?<name>[A-Za-z_]\w*)/,
  // A function definition: starts at column 0, has a parameter list, does not end in ";".
  /^(?!(?:if|for|while|switch|return|else|do|case|typedef|using|extern|static_assert)\b)[A-Za-z_][\w\s*&:<>,~]*?[\s*&](?<name>[A-Za-z_~][\w:~]*)\s*\((?![^;]*;\s*$)(?<kind>)/,
];

const JS_LIKE: Rules = [
  /^(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?<kind>function\*?|class|interface|type|enum|namespace)\s+(?<name>[A-Za-z_$][\w$]*)/,
  /^(?:export\s+)?(?<kind>const|let|var)\s+(?<name>[A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]*)?=>|[A-Za-z_$][\w$]*\s*=>)/,
  /^export\s+(?<kind>const|let|var)\s+(?<name>[A-Za-z_$][\w$]*)/,
];

const JVM_LIKE: Rules = [
  /^(?:@\w+\s+)*(?:(?:public|private|protected|internal|abstract|final|sealed|static|open|data|inline|value|partial|export|override|suspend|fileprivate|enum|annotation|case|implicit|lazy|readonly|unsafe|async)\s+)*(?<kind>class|interface|enum|record|object|struct|trait|fun|func|function|protocol|extension|namespace|module|actor)\s+(?<name>[A-Za-z_][\w.]*)/,
];

const RULES: Record<string, Rules> = {
  typescript: JS_LIKE,
  javascript: JS_LIKE,
  python: [/^(?:async\s+)?(?<kind>def|class)\s+(?<name>[A-Za-z_]\w*)/],
  go: [
    /^(?<kind>func)\s+(?<name>(?:\([^)]*\)\s*)?[A-Za-z_]\w*)/,
    /^(?<kind>type)\s+(?<name>[A-Za-z_]\w*)/,
  ],
  rust: [
    /^(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?(?<kind>fn|struct|enum|trait|mod|union|type)\s+(?<name>[A-Za-z_]\w*)/,
    /^(?:unsafe\s+)?(?<kind>impl)\b(?:<[^>]*>)?\s*(?<name>[^{]+?)\s*(?:\{|\bwhere\b|$)/,
    /^(?<kind>macro_rules!)\s*(?<name>[A-Za-z_]\w*)/,
  ],
  java: JVM_LIKE,
  kotlin: JVM_LIKE,
  scala: JVM_LIKE,
  groovy: JVM_LIKE,
  csharp: JVM_LIKE,
  swift: JVM_LIKE,
  dart: JVM_LIKE,
  php: JVM_LIKE,
  ruby: [/^(?<kind>class|module|def)\s+(?<name>[\w:.?!=]+)/],
  elixir: [/^(?<kind>defmodule)\s+(?<name>[\w.]+)/],
  c: C_LIKE,
  cpp: C_LIKE,
  "objective-c": C_LIKE,
  "objective-cpp": C_LIKE,
  shell: [
    /^(?<kind>function)\s+(?<name>[A-Za-z_][\w-]*)/,
    /^(?<name>[A-Za-z_][\w-]*)\s*\(\)(?<kind>)/,
  ],
  lua: [/^(?:local\s+)?(?<kind>function)\s+(?<name>[\w.:]+)/],
  sql: [
    /^(?:create|alter)\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?(?<kind>table|view|function|procedure|unique\s+index|index|trigger|type|schema|materialized\s+view)\s+(?:if\s+not\s+exists\s+)?(?<name>[\w."`[\]]+)/i,
  ],
  terraform: [
    /^(?<kind>resource|data|module|variable|output|provider|locals|terraform)\b\s*(?<name>[^{]*?)\s*\{?\s*$/,
  ],
  hcl: [
    /^(?<kind>resource|data|module|variable|output|provider|locals|terraform)\b\s*(?<name>[^{]*?)\s*\{?\s*$/,
  ],
  protobuf: [/^(?<kind>message|service|enum)\s+(?<name>\w+)/],
  graphql: [
    /^(?:extend\s+)?(?<kind>type|input|enum|interface|union|scalar|schema|directive|query|mutation|subscription|fragment)\b\s*(?<name>@?\w*)/,
  ],
  solidity: [/^(?:abstract\s+)?(?<kind>contract|library|interface)\s+(?<name>\w+)/],
};

/** Lines that belong to the declaration below them: doc comments, decorators, attributes. */
export const LEADING_LINE = /^\s*(?:\/\/|\/\*|\*|#|@|--|\[|"""|''')/;

const MAX_DECLARATION_LINE = 400;

export interface Declaration {
  /** 0-based line index where the declaration's section starts (its leading comments included). */
  line: number;
  title: string;
}

export function hasDeclarationRules(language: string): boolean {
  return RULES[language] !== undefined;
}

/** A declaration line a rule matched: 0-based, without the comments above it. */
export interface DeclarationLine {
  line: number;
  kind: string;
  name: string;
}

export function findDeclarationLines(
  lines: readonly string[],
  language: string,
): DeclarationLine[] {
  const rules = RULES[language];
  if (rules === undefined) return [];
  const found: DeclarationLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    // Long lines are minified or generated code, never a declaration worth a section, and
    // they would make the backtracking rules above slow.
    if (line === "" || line.length > MAX_DECLARATION_LINE || /^\s/.test(line)) continue;
    for (const rule of rules) {
      const groups = rule.exec(line)?.groups;
      if (groups === undefined) continue;
      const kind = (groups["kind"] || "function").toLowerCase();
      found.push({ line: i, kind, name: groups["name"] ?? "" });
      break;
    }
  }
  return found;
}

export function findDeclarations(lines: readonly string[], language: string): Declaration[] {
  let floor = 0;
  return findDeclarationLines(lines, language).map(({ line, kind, name }) => {
    let start = line;
    while (
      start > floor &&
      LEADING_LINE.test(lines[start - 1] ?? "") &&
      (lines[start - 1] ?? "").trim() !== ""
    )
      start--;
    floor = line + 1;
    return { line: start, title: `${kind} ${name}`.replace(/\s+/g, " ").trim() };
  });
}
