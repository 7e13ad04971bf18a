/**
 * One walk over a syntax tree that yields both the symbols (every definition with its
 * container chain) and the outline the chunker cuts along (the multi-line named nodes, nested,
 * definitions headed "<kind> <name>"). The walk uses a tree cursor and reads node types and
 * positions from it; a Node object (a round trip into WebAssembly) is made only for
 * definitions. Single-line nodes get no block (the chunker never cuts inside a line) but are
 * entered: `export function f(): T;` is a definition inside a one-line export statement.
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

interface Frame {
  block: boolean;
  container: boolean;
}

interface Container {
  name: string;
  kind: SymbolKind | "container";
}

export function readTree(grammar: GrammarName, tree: Tree, lines: readonly string[]): TreeFacts {
  const table = DEFINITIONS[grammar];
  const symbols: CodeSymbol[] = [];
  const outline: SyntaxBlock[] = [];
  const blocks: SyntaxBlock[] = [];
  const containers: Container[] = [];
  const frames: Frame[] = [];
  const cursor = tree.walk();

  const enter = (): boolean => {
    const frame: Frame = { block: false, container: false };
    frames.push(frame);
    const start = cursor.startPosition.row;
    const endPosition = cursor.endPosition;
    // A node that ends at column 0 ends with the previous line's newline.
    const end =
      endPosition.column === 0 && endPosition.row > start ? endPosition.row - 1 : endPosition.row;
    if (frames.length === 1 || !cursor.nodeIsNamed) return true;
    const rule = table[cursor.nodeType];
    let heading: string | undefined;
    if (rule !== undefined) {
      const node = cursor.currentNode;
      const nameNode = rule.name ? rule.name(node) : node.childForFieldName("name");
      const read = nameNode ? nameText(nameNode) : "";
      const name = read !== "" && rule.spell ? rule.spell(read) : read;
      if (nameNode && name !== "" && name.length <= MAX_NAME) {
        let kind = kindOf(grammar, node, rule);
        const host = containers[containers.length - 1];
        if (kind === "function" && host !== undefined && METHOD_HOSTS.has(host.kind))
          kind = "method";
        const chain = containers.map((c) => c.name);
        const scope = extraScope(grammar, node, nameNode);
        if (scope !== undefined) chain.push(scope);
        const previous = symbols[symbols.length - 1];
        // `x.f = function f() {}` is one definition, seen at the assignment and the function.
        const repeated =
          previous?.name === name && previous.nameLine === nameNode.startPosition.row + 1;
        if (kind !== "container" && !repeated) {
          const nameRow = nameNode.startPosition.row;
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
        heading = `${kind === "method" || rule.label === undefined ? kind : rule.label} ${name}`;
        containers.push({ name, kind });
        frame.container = true;
      }
    }
    if (end === start) return true;
    const top = blocks[blocks.length - 1];
    if (top !== undefined && top.lineStart === start + 1 && top.lineEnd === end + 1) {
      // `export class X {}` and its class are one block: the wrapper gives no cut of its own.
      if (heading !== undefined && top.heading === undefined) top.heading = heading;
      return true;
    }
    const block: SyntaxBlock = { lineStart: start + 1, lineEnd: end + 1, children: [] };
    if (heading !== undefined) block.heading = heading;
    (top?.children ?? outline).push(block);
    blocks.push(block);
    frame.block = true;
    return true;
  };

  const leave = (): void => {
    const frame = frames.pop();
    if (frame?.block) blocks.pop();
    if (frame?.container) containers.pop();
  };

  try {
    for (;;) {
      if (enter() && cursor.gotoFirstChild()) continue;
      leave();
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { symbols, outline, hasError: tree.rootNode.hasError };
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
