/**
 * The `symbols` tool: where a function, class or other definition is, by exact name, prefix or
 * fuzzy match, from the definitions tree-sitter found in the indexed code (scanners/syntax).
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { SYMBOL_KINDS, type SymbolKind } from "../../scanners/types.js";
import type { SymbolQuery } from "../../indexers/store.js";
import { MAX_SYMBOL_QUERY } from "../../indexers/symbol-match.js";
import { pickRoot } from "../server/confine.js";
import type { ServerContext } from "../server/context.js";
import { formatSymbolsText, toPublicSymbol } from "../search/symbol-results.js";
import { runTool, toolResult } from "./tool-kit.js";

const symbolSchema = z.object({
  name: z.string(),
  kind: z.string(),
  container: z.string().optional().describe("enclosing definitions, outermost first, joined by ."),
  path: z.string().describe("path relative to its root"),
  root: z.string().describe("absolute path of the root the file is in"),
  lines: z.object({ start: z.number(), end: z.number() }).describe("the definition's lines"),
  line: z.number().describe("the line of the name"),
  signature: z.string().describe("the text of that line"),
  score: z.number(),
});

export const symbolsInput = {
  name: z
    .string()
    .trim()
    .min(1)
    .max(MAX_SYMBOL_QUERY)
    .describe(
      "The name to find, e.g. parseRequest (case-insensitive; the exact case ranks first).",
    ),
  match: z
    .enum(["exact", "prefix", "fuzzy"])
    .default("exact")
    .describe(
      "exact = the whole name; prefix = names starting with it; fuzzy = names holding its characters in order (prsReq finds parseRequest).",
    ),
  kind: z
    .array(z.enum(SYMBOL_KINDS as [SymbolKind, ...SymbolKind[]]))
    .optional()
    .describe("Only these kinds of definition."),
  path: z
    .string()
    .max(1000)
    .optional()
    .describe('Only paths matching this glob, e.g. "src/**/*.ts".'),
  pathPrefix: z
    .string()
    .max(1000)
    .optional()
    .describe('Only paths under this prefix, e.g. "src/".'),
  root: z
    .string()
    .optional()
    .describe("Only this root (absolute path or folder name), when several are served."),
  limit: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .describe("Definitions to return (1-100, default 20)."),
};

export const symbolsOutput = { results: z.array(symbolSchema) };

type SymbolsArgs = z.infer<z.ZodObject<typeof symbolsInput>>;

export async function symbolsTool(ctx: ServerContext, args: SymbolsArgs) {
  const query: SymbolQuery = { name: args.name, match: args.match, limit: args.limit };
  if (args.kind && args.kind.length > 0) query.kinds = args.kind;
  if (args.root !== undefined) query.roots = [pickRoot(ctx.roots, args.root)];
  if (args.path) query.pathGlob = args.path;
  if (args.pathPrefix) query.pathPrefix = args.pathPrefix.replace(/^\.\//, "");
  const results = (await ctx.store.findSymbols(query)).map(toPublicSymbol);
  const empty =
    args.match === "fuzzy"
      ? `No definition matches ${JSON.stringify(args.name)}.`
      : `No definition named ${JSON.stringify(args.name)}${args.match === "prefix" ? "…" : ""}. Try match "fuzzy", or \`search\` for mentions.`;
  return toolResult({ results }, formatSymbolsText(results, empty));
}

export function registerSymbolsTool(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "symbols",
    {
      title: "Find definitions",
      description:
        "Find where a function, method, class, interface, struct, enum, type, constant or module is defined in the " +
        "indexed code (TypeScript, JavaScript, Python, Go, Rust, Java, C, C++, C#, Ruby, PHP, shell), by exact name, " +
        "prefix or fuzzy match. Each answer gives the path, the definition's lines, its container and its first line. " +
        "Use `read_document` with those lines to read the code.",
      inputSchema: symbolsInput,
      outputSchema: symbolsOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => runTool(ctx, "symbols", () => symbolsTool(ctx, args)),
  );
}
