/**
 * The symbols and the outline of a syntax tree. Definitions come from one
 * `descendantsOfType` call (the search runs inside WebAssembly, in document order); their
 * container chains from a stack of the definitions that enclose them. The outline (the
 * multi-line named nodes, nested, definitions headed "<kind> <name>") comes from a tree cursor
 * that reads node types and positions without making Node objects, and does not enter a node
 * on one line: nothing inside it needs a block, since the chunker never cuts inside a line.
 */
import type { Node, Tree } from "web-tree-sitter";
import type { CodeSymbol, SymbolKind, SyntaxBlock } from "../types.js";
import { DEFINITIONS, kindOf, METHOD_HOSTS } from "./definitions.js";
import type { GrammarName } from "./grammars.js";

export interface TreeFacts {
  symbols: CodeSymbol[];
  outline: SyntaxBlock[];
  /** The grammar could not read some of the file (ERROR or MISSING nodes). */
  hasError: boolean;
}

const MAX_SIGNATURE = 200;
/** Names longer than this are not names (a grammar took a whole expression). */
const MAX_NAME = 200;

interface Container {
  name: string;
  kind: SymbolKind | "container";
  endIndex: number;
}

/** The last line of a node: one that ends at column 0 ends with the previous line's newline. */
function lastRow(start: number, end: { row: number; column: number }): number {
  return end.column === 0 && end.row > start ? end.row - 1 : end.row;
}

export function readTree(grammar: GrammarName, tree: Tree, lines: readonly string[]): TreeFacts {
  const { symbols, headings } = readDefinitions(grammar, tree, lines);
  return { symbols, outline: readOutline(tree, headings), hasError: tree.rootNode.hasError };
}

function readDefinitions(
  grammar: GrammarName,
  tree: Tree,
  lines: readonly string[],
): { symbols: CodeSymbol[]; headings: Map<string, string> } {
  const table = DEFINITIONS[grammar];
  const symbols: CodeSymbol[] = [];
  /** Heading of each multi-line definition, by its "first:last" rows (0-based). */
  const headings = new Map<string, string>();
  const containers: Container[] = [];
  for (const node of tree.rootNode.descendantsOfType(Object.keys(table))) {
    const rule = table[node.type];
    if (rule === undefined) continue;
    const nameNode = rule.name ? rule.name(node) : node.childForFieldName("name");
    const read = nameNode ? nameText(nameNode) : "";
    const name = read !== "" && rule.spell ? rule.spell(read) : read;
    if (!nameNode || name === "" || name.length > MAX_NAME) continue;
    while (
      containers.length > 0 &&
      (containers[containers.length - 1]?.endIndex ?? 0) <= node.startIndex
    )
      containers.pop();
    let kind = kindOf(grammar, node, rule);
    const host = containers[containers.length - 1];
    if (kind === "function" && host !== undefined && METHOD_HOSTS.has(host.kind)) kind = "method";
    const start = node.startPosition.row;
    const end = lastRow(start, node.endPosition);
    const nameRow = nameNode.startPosition.row;
    const previous = symbols[symbols.length - 1];
    // `x.f = function f() {}` is one definition, seen at the assignment and the function.
    const repeated = previous?.name === name && previous.nameLine === nameRow + 1;
    if (kind !== "container" && !repeated) {
      const chain = containers.map((c) => c.name);
      const scope = extraScope(grammar, node, nameNode);
      if (scope !== undefined) chain.push(scope);
      symbols.push({
        name,
        kind,
        container: chain.join("."),
        lineStart: start + 1,
        lineEnd: end + 1,
        nameLine: nameRow + 1,
        signature: (lines[nameRow] ?? "").trim().slice(0, MAX_SIGNATURE),
      });
    }
    const key = `${start}:${end}`;
    if (end > start && !headings.has(key))
      headings.set(
        key,
        `${kind === "method" || rule.label === undefined ? kind : rule.label} ${name}`,
      );
    containers.push({ name, kind, endIndex: node.endIndex });
  }
  return { symbols, headings };
}

function readOutline(tree: Tree, headings: Map<string, string>): SyntaxBlock[] {
  const outline: SyntaxBlock[] = [];
  const blocks: SyntaxBlock[] = [];
  /** Per entered node: whether it opened a block (popped when the cursor leaves it). */
  const opened: boolean[] = [];
  const cursor = tree.walk();

  const enter = (): boolean => {
    if (opened.length === 0 || !cursor.nodeIsNamed) {
      opened.push(false);
      return opened.length === 1;
    }
    const start = cursor.startPosition.row;
    const end = lastRow(start, cursor.endPosition);
    if (end === start) {
      opened.push(false);
      return false;
    }
    const heading = headings.get(`${start}:${end}`);
    const top = blocks[blocks.length - 1];
    if (top !== undefined && top.lineStart === start + 1 && top.lineEnd === end + 1) {
      // `export class X {}` and its class are one block: the wrapper gives no cut of its own.
      if (heading !== undefined) top.heading ??= heading;
      opened.push(false);
      return true;
    }
    const block: SyntaxBlock = { lineStart: start + 1, lineEnd: end + 1, children: [] };
    if (heading !== undefined) block.heading = heading;
    (top?.children ?? outline).push(block);
    blocks.push(block);
    opened.push(true);
    return true;
  };

  const leave = (): void => {
    if (opened.pop()) blocks.pop();
  };

  try {
    for (;;) {
      if (enter() && cursor.gotoFirstChild()) continue;
      leave();
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return outline;
        leave();
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * A name as one line: generic parameters and whitespace inside it are noise for lookup. A C++
 * operator is written the way ctags and documentation write it, "operator !=".
 */
function nameText(node: Node): string {
  const text = node.text.replace(/\s+/g, " ").trim();
  const operator = /^operator\b\s*(.*)$/.exec(text);
  if (operator !== null) return operator[1] ? `operator ${operator[1]}` : text;
  return text.replace(/<[^]*$/, "").trim();
}

/**
 * A scope the name carries itself rather than its ancestors: Go's method receiver
 * (`func (c *Conn) Close()`) and C++'s qualified definition (`void Foo::bar() {}`).
 */
function extraScope(grammar: GrammarName, node: Node, nameNode: Node): string | undefined {
  if (grammar === "go" && node.type === "method_declaration") {
    const receiver = node.childForFieldName("receiver")?.text ?? "";
    const type = /\*?\s*([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\)\s*$/.exec(receiver);
    return type?.[1];
  }
  if (grammar === "cpp" && nameNode.parent?.type === "qualified_identifier") {
    const qualified = nameNode.parent.text;
    const scope = qualified.slice(0, Math.max(0, qualified.lastIndexOf("::")));
    return scope ? scope.replace(/<[^]*$/, "") : undefined;
  }
  return undefined;
}
