/**
 * What counts as a definition in each grammar: node type to symbol kind, and how to read its
 * name. One table per grammar because node names differ (`function_declaration` in Go and
 * JavaScript, `function_item` in Rust, `method` in Ruby); the walk in outline.ts is shared.
 */
import type { Node } from "web-tree-sitter";
import type { SymbolKind } from "../types.js";
import type { GrammarName } from "./grammars.js";

/**
 * A definition rule: the kind it makes, or "container" for a node that scopes the definitions
 * inside it without being one (a Rust `impl` block), and a name reader when the `name` field
 * is not where the name is.
 */
export interface DefinitionRule {
  kind: SymbolKind | "container";
  name?: (node: Node) => Node | null | undefined;
  /** The heading word, when it is not the kind ("impl Foo"). */
  label?: string;
  /** How the name is written when its node is only part of it (C# `~Conn`, `operator ==`). */
  spell?: (name: string) => string;
}

type Table = Record<string, DefinitionRule>;

/** A table from node types grouped by the kind they make, for grammars that need no name reader. */
function byKind(groups: Partial<Record<SymbolKind, string[]>>): Table {
  const table: Table = {};
  for (const [kind, types] of Object.entries(groups) as [SymbolKind, string[]][])
    for (const type of types) table[type] = { kind };
  return table;
}

/** C and C++ put a function's name inside nested declarators: `int *(*f)(void)`. */
function declaratorName(node: Node): Node | null | undefined {
  // After a macro the grammar does not know (`int ZEXPORT f(void)`) the field can be missing
  // while the declarator is there, next to an ERROR node.
  let current: Node | null | undefined =
    node.childForFieldName("declarator") ??
    node.namedChildren.find((c) => c?.type.endsWith("_declarator"));
  for (let depth = 0; current && depth < 16; depth++) {
    switch (current.type) {
      case "identifier":
      case "field_identifier":
      case "type_identifier":
      case "destructor_name":
      case "operator_name":
        return current;
      case "qualified_identifier": {
        // `Foo::bar`: the name is the last part; its scope is read by extraScope (outline.ts).
        // The last named child, not the `name` field: after a comment in the parameter list
        // the field lookup was seen to answer the scope.
        const parts: Node[] = current.namedChildren.filter(
          (c): c is Node => c !== null && c.type !== "comment",
        );
        current = parts[parts.length - 1];
        continue;
      }
      default:
        current = current.childForFieldName("declarator");
    }
  }
  return undefined;
}

/** A JavaScript `const f = () => {}` or `= function () {}` is a function named by its variable. */
function functionValueName(node: Node): Node | null | undefined {
  const value = node.childForFieldName("value");
  if (value === null) return undefined;
  return FUNCTION_VALUES.has(value.type) ? node.childForFieldName("name") : undefined;
}
/**
 * `exports.f = function () {}`, `Route.prototype.all = function all() {}`: a function named by
 * the property it is assigned to, the way CommonJS modules define their API.
 */
function assignedFunctionName(node: Node): Node | null | undefined {
  const value = node.childForFieldName("right");
  if (value === null || !FUNCTION_VALUES.has(value.type)) return undefined;
  const left = node.childForFieldName("left");
  if (left?.type === "identifier") return left;
  return left?.type === "member_expression" ? left.childForFieldName("property") : undefined;
}

/** `{ start: function () {} }` and `{ start: () => {} }` in an object literal. */
function pairFunctionName(node: Node): Node | null | undefined {
  const value = node.childForFieldName("value");
  if (value === null || !FUNCTION_VALUES.has(value.type)) return undefined;
  const key = node.childForFieldName("key");
  return key?.type === "property_identifier" || key?.type === "identifier" ? key : undefined;
}

const FUNCTION_VALUES = new Set([
  "arrow_function",
  "function_expression",
  "function",
  "generator_function",
]);

/** Go's `type X struct {...}`: the kind depends on the type it names. */
function goTypeKind(node: Node): SymbolKind {
  const type = node.childForFieldName("type")?.type;
  if (type === "struct_type") return "struct";
  if (type === "interface_type") return "interface";
  return "type";
}

/** Ruby `class Foo::Bar`: the name is the last part. */
function lastScopePart(node: Node): Node | null | undefined {
  const name = node.childForFieldName("name");
  if (name?.type === "scope_resolution") return name.childForFieldName("name") ?? name;
  return name;
}

const ECMASCRIPT: Table = {
  ...byKind({
    function: [
      "function_declaration",
      "generator_function_declaration",
      "function_signature",
      // A named function expression (`defineGetter(req, "ip", function ip() {})`).
      "function_expression",
      "function",
    ],
    class: ["class_declaration", "abstract_class_declaration", "class"],
    method: ["method_definition", "method_signature", "abstract_method_signature"],
    interface: ["interface_declaration"],
    enum: ["enum_declaration"],
    type: ["type_alias_declaration"],
    module: ["internal_module", "module"],
  }),
  variable_declarator: { kind: "function", name: functionValueName },
  // `new (message: string): Error` in an interface: named by its keyword, as ctags names it.
  construct_signature: { kind: "method", name: (n) => n.child(0) },
  assignment_expression: { kind: "function", name: assignedFunctionName },
  pair: { kind: "method", name: pairFunctionName },
};

const C_FAMILY: Table = {
  ...byKind({ struct: ["struct_specifier", "union_specifier"], enum: ["enum_specifier"] }),
  function_definition: { kind: "function", name: declaratorName },
  type_definition: { kind: "type", name: declaratorName },
};

const CPP: Table = {
  ...C_FAMILY,
  ...byKind({
    class: ["class_specifier"],
    module: ["namespace_definition"],
    type: ["alias_declaration", "concept_definition"],
  }),
};

export const DEFINITIONS: Record<GrammarName, Table> = {
  typescript: ECMASCRIPT,
  tsx: ECMASCRIPT,
  javascript: ECMASCRIPT,
  python: byKind({ function: ["function_definition"], class: ["class_definition"] }),
  go: byKind({
    function: ["function_declaration"],
    method: ["method_declaration"],
    type: ["type_spec", "type_alias"],
  }),
  rust: {
    ...byKind({
      function: ["function_item", "function_signature_item"],
      struct: ["struct_item", "union_item"],
      enum: ["enum_item"],
      type: ["type_item"],
      constant: ["const_item", "static_item"],
      module: ["mod_item"],
    }),
    trait_item: { kind: "interface", label: "trait" },
    macro_definition: { kind: "function", label: "macro" },
    impl_item: { kind: "container", label: "impl", name: (n) => n.childForFieldName("type") },
  },
  java: byKind({
    class: ["class_declaration", "record_declaration"],
    interface: ["interface_declaration", "annotation_type_declaration"],
    enum: ["enum_declaration"],
    method: [
      "method_declaration",
      "constructor_declaration",
      "compact_constructor_declaration",
      // `String value();` in an `@interface`.
      "annotation_type_element_declaration",
    ],
  }),
  c: C_FAMILY,
  cpp: CPP,
  csharp: {
    ...byKind({
      class: ["class_declaration", "record_declaration"],
      struct: ["struct_declaration", "record_struct_declaration"],
      interface: ["interface_declaration"],
      enum: ["enum_declaration"],
      method: ["method_declaration", "constructor_declaration"],
      function: ["local_function_statement"],
      type: ["delegate_declaration"],
      module: ["namespace_declaration", "file_scoped_namespace_declaration"],
    }),
    destructor_declaration: { kind: "method", spell: (name) => `~${name}` },
    operator_declaration: {
      kind: "method",
      name: (n) => n.childForFieldName("operator"),
      spell: (op) => `operator ${op}`,
    },
    conversion_operator_declaration: {
      kind: "method",
      name: (n) => n.childForFieldName("type"),
      spell: (type) => `operator ${type}`,
    },
  },
  ruby: {
    method: { kind: "method" },
    singleton_method: { kind: "method" },
    class: { kind: "class", name: lastScopePart },
    module: { kind: "module", name: lastScopePart },
  },
  php: {
    ...byKind({
      function: ["function_definition"],
      method: ["method_declaration"],
      class: ["class_declaration"],
      interface: ["interface_declaration"],
      enum: ["enum_declaration"],
      module: ["namespace_definition"],
    }),
    trait_declaration: { kind: "class", label: "trait" },
  },
  bash: {
    function_definition: { kind: "function" },
  },
};

/** The kind a rule gives this node: Go types depend on what they name. */
export function kindOf(
  grammar: GrammarName,
  node: Node,
  rule: DefinitionRule,
): SymbolKind | "container" {
  if (grammar === "go" && node.type === "type_spec") return goTypeKind(node);
  return rule.kind;
}

/** Kinds whose functions are methods: a Python `def` in a class, a Rust `fn` in an `impl`. */
export const METHOD_HOSTS = new Set<SymbolKind | "container">([
  "class",
  "struct",
  "interface",
  "container",
]);
