import { FILE_KINDS } from "../../../scanners/types.js";
import { DocindexError } from "../../errors.js";
import { formatGrepText } from "../../grep/format-grep.js";
import { runGrep, type GrepAnswer } from "../../grep/run-grep.js";
import { openStore } from "../../pipeline/runtime.js";
import { numberFlag, parseCommandArgs, stringFlag } from "../args.js";
import { withHealedIndex } from "../heal-index.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";
import { FILTER_OPTIONS, filtersFromFlags } from "./search.js";

export const GREP_HELP = `Usage: docindex grep PATTERN [options]

Prints every line of the indexed text that matches PATTERN, a regular expression in
ripgrep's syntax (or a literal with -F), as path:line:text (PDF lines carry their page).
Covers code, Markdown and text files and the extracted text of PDF, Word and HTML files.

Options:
  -F, --fixed-strings  PATTERN is a literal string
  -i, --ignore-case    case-insensitive
  -w, --word-regexp    only whole-word matches
  -C, --context N      lines of context around each match, 0 to 10 (default 0)
  --limit N            stop after N matching lines (default: all) and print a cursor
  --cursor CURSOR      continue after the lines an earlier --limit printed
  --root DIR           the indexed folder (default: the configured root, else the current folder)
  --path GLOB          only paths matching a glob, e.g. "src/**/*.ts"
  --prefix PATH        only paths under a prefix, e.g. docs/
  --kind KIND          only this kind (repeatable): ${FILE_KINDS.join(", ")}
  --since WHEN         only files modified since a date (2026-01-31) or an age (7d, 12h)
  --json               print {"matches": [...], "nextCursor"} as JSON
  -h, --help           show this help

Exit status: 0 when a line matched, 1 when none did, 2 on a bad pattern or flag.

${SETTINGS_HELP}`;

/** Lines asked per call when the command pages through every match. */
const PAGE = 500;

export async function runGrepCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("grep", argv, {
    ...SETTINGS_OPTIONS,
    ...FILTER_OPTIONS,
    "fixed-strings": { type: "boolean", short: "F" },
    "ignore-case": { type: "boolean", short: "i" },
    "word-regexp": { type: "boolean", short: "w" },
    context: { type: "string", short: "C" },
    limit: { type: "string" },
    cursor: { type: "string" },
    json: { type: "boolean" },
  });
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(GREP_HELP + "\n");
    return 0;
  }
  if (parsed.positionals.length !== 1)
    throw new DocindexError(
      "USAGE",
      `docindex grep: give exactly one PATTERN (got ${parsed.positionals.length}; quote a pattern with spaces)`,
    );
  const pattern = parsed.positionals[0]!;
  const context = numberFlag("grep", values, "context", { min: 0, max: 10, integer: true }) ?? 0;
  const limit = numberFlag("grep", values, "limit", { min: 1, max: 1_000_000, integer: true });
  const filters = filtersFromFlags("grep", values);
  const rootFlag = stringFlag(values, "root");
  const { settings } = settingsFromFlags("grep", parsed, rootFlag ? [rootFlag] : undefined);
  const store = await openStore(settings, { create: false });
  try {
    const all: GrepAnswer = await withHealedIndex(settings, store, async () => {
      let cursor = stringFlag(values, "cursor");
      const total: GrepAnswer = { matches: [], documentsRead: 0, candidates: "ngram" };
      for (;;) {
        const want = limit === undefined ? PAGE : Math.min(PAGE, limit - total.matches.length);
        const page = await runGrep(store, {
          pattern,
          fixedStrings: values["fixed-strings"] === true,
          ignoreCase: values["ignore-case"] === true,
          wordRegexp: values["word-regexp"] === true,
          context,
          limit: want,
          cursor,
          filters,
        });
        total.matches.push(...page.matches);
        total.documentsRead += page.documentsRead;
        total.candidates = page.candidates;
        if (page.incomplete) total.incomplete = page.incomplete;
        cursor = page.nextCursor;
        const full = limit !== undefined && total.matches.length >= limit;
        if (cursor === undefined || full || page.incomplete) {
          if (cursor !== undefined) total.nextCursor = cursor;
          return total;
        }
      }
    });
    if (all.incomplete) process.stderr.write(`docindex grep: ${all.incomplete}\n`);
    if (values.json === true) process.stdout.write(JSON.stringify(all, null, 2) + "\n");
    else if (all.matches.length > 0 || all.nextCursor)
      process.stdout.write(formatGrepText({ ...all, incomplete: undefined }, pattern) + "\n");
    return all.matches.length > 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}
