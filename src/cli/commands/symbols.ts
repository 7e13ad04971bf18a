import { SYMBOL_KINDS, type SymbolKind } from "../../../scanners/types.js";
import type { SymbolMatch, SymbolQuery } from "../../../indexers/store.js";
import { DocindexError } from "../../errors.js";
import { openStore } from "../../pipeline/runtime.js";
import { resolveRoot } from "../../pipeline/resolve-root.js";
import { formatSymbolsText, toPublicSymbol } from "../../search/symbol-results.js";
import { numberFlag, parseCommandArgs, stringFlag } from "../args.js";
import { withHealedIndex } from "../heal-index.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";

export const SYMBOLS_HELP = `Usage: docindex symbols NAME [options]

Finds definitions (functions, methods, classes, interfaces, structs, enums, types,
constants, modules) in the indexed code by name, case-insensitively (the exact case first),
and prints each with its path, lines and first line.

Options:
  --root DIR        the indexed folder (default: the configured root, else the current folder)
  --prefix-match    names that start with NAME
  --fuzzy           names that hold NAME's characters in order (prsReq finds parseRequest)
  --kind KIND       only this kind (repeatable): ${SYMBOL_KINDS.join(", ")}
  --path GLOB       only paths matching a glob, e.g. "src/**/*.ts"
  --prefix PATH     only paths under a prefix, e.g. src/
  --limit N         number of definitions, 1 to 100 (default 20)
  --json            print {"results": [...]} as JSON
  -h, --help        show this help

${SETTINGS_HELP}`;

export async function runSymbols(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("symbols", argv, {
    ...SETTINGS_OPTIONS,
    root: { type: "string" },
    "prefix-match": { type: "boolean" },
    fuzzy: { type: "boolean" },
    kind: { type: "string", multiple: true },
    path: { type: "string" },
    prefix: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  });
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(SYMBOLS_HELP + "\n");
    return 0;
  }
  const name = parsed.positionals.join(" ").trim();
  if (name === "")
    throw new DocindexError(
      "USAGE",
      "docindex symbols: NAME is missing (see `docindex symbols --help`)",
    );
  if (values["prefix-match"] === true && values.fuzzy === true)
    throw new DocindexError("USAGE", "docindex symbols: give --prefix-match or --fuzzy, not both");
  const match: SymbolMatch =
    values.fuzzy === true ? "fuzzy" : values["prefix-match"] === true ? "prefix" : "exact";
  const limit = numberFlag("symbols", values, "limit", { min: 1, max: 100, integer: true }) ?? 20;
  const kinds = (values.kind as string[] | undefined) ?? [];
  for (const kind of kinds) {
    if (!SYMBOL_KINDS.includes(kind as SymbolKind))
      throw new DocindexError(
        "USAGE",
        `docindex symbols: --kind must be one of ${SYMBOL_KINDS.join(", ")}, got '${kind}'`,
      );
  }
  const rootFlag = stringFlag(values, "root");
  const { settings } = settingsFromFlags("symbols", parsed, rootFlag ? [rootFlag] : undefined);
  const query: SymbolQuery = { name, match, limit };
  if (rootFlag) query.roots = [resolveRoot(rootFlag)];
  if (kinds.length > 0) query.kinds = kinds as SymbolKind[];
  const glob = stringFlag(values, "path");
  if (glob) query.pathGlob = glob;
  const prefix = stringFlag(values, "prefix");
  if (prefix) query.pathPrefix = prefix;

  const store = await openStore(settings, { create: false });
  try {
    const hits = await withHealedIndex(settings, store, () => store.findSymbols(query));
    const results = hits.map(toPublicSymbol);
    const output =
      values.json === true
        ? JSON.stringify({ results }, null, 2)
        : formatSymbolsText(results, `No definition matches "${name}".`);
    process.stdout.write(output + "\n");
    return 0;
  } finally {
    await store.close();
  }
}
