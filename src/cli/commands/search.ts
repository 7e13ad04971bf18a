import type { FileKind } from "../../../scanners/types.js";
import { FILE_KINDS } from "../../../scanners/types.js";
import type { SearchFilters, SearchMode, Store } from "../../../indexers/store.js";
import type { Settings } from "../../config/schema.js";
import { DocindexError } from "../../errors.js";
import { openStore } from "../../pipeline/runtime.js";
import type { VectorIndexer } from "../../pipeline/vectors.js";
import { createLogger, parseLogLevel } from "../../log.js";
import { resolveRoot } from "../../pipeline/resolve-root.js";
import { formatResultsText } from "../../search/format.js";
import { runSearchQuery } from "../../search/run-search.js";
import { numberFlag, parseCommandArgs, stringFlag, type ParsedCommand } from "../args.js";
import { parseSince } from "../../search/since.js";
import { withHealedIndex } from "../heal-index.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";

export const SEARCH_HELP = `Usage: docindex search QUERY [options]

Searches the index of a root. Terms are combined with OR and ranked by BM25, so a
natural-language question works; quotes and operators in QUERY are taken literally.

Options:
  --root DIR        the indexed folder (default: the configured root, else the current folder)
  --limit N         number of results, 1 to 100 (default 10)
  --mode MODE       lexical, semantic or hybrid (default: hybrid when vectors exist, else lexical)
  --path GLOB       only paths matching a glob, e.g. "docs/**/*.md"
  --prefix PATH     only paths under a prefix, e.g. docs/
  --kind KIND       only this kind (repeatable): ${FILE_KINDS.join(", ")}
  --since WHEN      only files modified since a date (2026-01-31) or an age (7d, 12h)
  --all-chunks      allow several hits from the same file (default: the best one per file)
  --json            print {"results": [...]} as JSON
  -h, --help        show this help

${SETTINGS_HELP}`;

const MODES: SearchMode[] = ["lexical", "semantic", "hybrid"];

/** The filter flags `search` and `grep` share. */
export const FILTER_OPTIONS = {
  root: { type: "string" },
  path: { type: "string" },
  prefix: { type: "string" },
  kind: { type: "string", multiple: true },
  since: { type: "string" },
} as const;

/** --root, --path, --prefix, --kind and --since as store filters, each checked. */
export function filtersFromFlags(command: string, values: ParsedCommand["values"]): SearchFilters {
  const kinds = (values.kind as string[] | undefined) ?? [];
  for (const kind of kinds) {
    if (!FILE_KINDS.includes(kind as FileKind)) {
      throw new DocindexError(
        "USAGE",
        `docindex ${command}: --kind must be one of ${FILE_KINDS.join(", ")}, got '${kind}'`,
      );
    }
  }
  const filters: SearchFilters = {};
  const rootFlag = stringFlag(values, "root");
  if (rootFlag) filters.roots = [resolveRoot(rootFlag)];
  const glob = stringFlag(values, "path");
  if (glob) filters.pathGlob = glob;
  const prefix = stringFlag(values, "prefix");
  if (prefix) filters.pathPrefix = prefix;
  if (kinds.length > 0) filters.kinds = kinds as FileKind[];
  const since = stringFlag(values, "since");
  if (since !== undefined)
    filters.modifiedSinceMs = parseSince(since, `docindex ${command}: --since`);
  return filters;
}

export async function runSearch(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("search", argv, {
    ...SETTINGS_OPTIONS,
    ...FILTER_OPTIONS,
    limit: { type: "string" },
    mode: { type: "string" },
    "all-chunks": { type: "boolean" },
    json: { type: "boolean" },
  });
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(SEARCH_HELP + "\n");
    return 0;
  }
  const query = parsed.positionals.join(" ").trim();
  if (query === "")
    throw new DocindexError(
      "USAGE",
      "docindex search: QUERY is missing (see `docindex search --help`)",
    );
  const limit = numberFlag("search", values, "limit", { min: 1, max: 100, integer: true }) ?? 10;
  const mode = stringFlag(values, "mode") as SearchMode | undefined;
  if (mode !== undefined && !MODES.includes(mode)) {
    throw new DocindexError(
      "USAGE",
      `docindex search: --mode must be one of ${MODES.join(", ")}, got '${mode}'`,
    );
  }
  const rootFlag = stringFlag(values, "root");
  const filters = filtersFromFlags("search", values);
  const { settings } = settingsFromFlags("search", parsed, rootFlag ? [rootFlag] : undefined);

  const store = await openStore(settings, { create: false });
  const vectors = await vectorsFor(settings, store);
  try {
    const answer = await withHealedIndex(
      settings,
      store,
      () =>
        runSearchQuery(
          store,
          { query, limit, mode, filters, perDocument: values["all-chunks"] !== true },
          vectors,
          { rrfK: settings.rrfK, candidates: settings.hybridCandidates },
          store,
        ),
      { vectors },
    );
    if (answer.notice) process.stderr.write(`docindex search: ${answer.notice}\n`);
    const output =
      values.json === true
        ? JSON.stringify(answer, null, 2)
        : formatResultsText(answer.results, query);
    process.stdout.write(output + "\n");
    return 0;
  } finally {
    await vectors?.close();
    await store.close();
  }
}

/**
 * Without an embedder there is nothing to embed a query with: search answers lexically, with the
 * same notice run-search gives for a missing VectorIndexer, and the embedders, their SDKs and the
 * retry machinery (cockatiel) are not loaded at all.
 */
async function vectorsFor(settings: Settings, store: Store): Promise<VectorIndexer | undefined> {
  if (settings.embedder === "none") return undefined;
  const { VectorIndexer } = await import("../../pipeline/vectors.js");
  return VectorIndexer.create(
    settings,
    store,
    createLogger({ level: parseLogLevel(process.env.DOCINDEX_LOG_LEVEL, "warn") }),
  );
}
