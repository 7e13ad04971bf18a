import { createLogger, parseLogLevel } from "../../log.js";
import { reindex, type ReindexSummary } from "../../pipeline/reindex.js";
import { createParserPool, openStore } from "../../pipeline/runtime.js";
import { VectorIndexer } from "../../pipeline/vectors.js";
import { parseCommandArgs } from "../args.js";
import { assertFolders } from "../folders.js";
import { withHealedIndex } from "../heal-index.js";
import { createProgressBar } from "../progress.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";

export const REINDEX_HELP = `Usage: docindex reindex [DIR...] [options]

Scans each DIR (default: the configured roots, else the current folder) with git's ignore
rules, parses new and changed files, and updates the index. Unchanged files are not parsed
again; deleted files leave the index. Exits 0 even when some files could not be indexed
(they are listed with a reason); non-zero only when the run itself fails.

Options:
  --full                    re-parse every file, not only new and changed ones
  --json                    print the summary as JSON on stdout
  -h, --help                show this help

${SETTINGS_HELP}`;

function formatSummary(summary: ReindexSummary): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const t = summary.totals;
  const lines = [
    `Scanned ${summary.scanned} files in ${seconds} s: ${summary.added} new, ${summary.changed} changed, ` +
      `${summary.unchanged} unchanged, ${summary.deleted} removed.`,
    `This run: ${summary.indexed} indexed, ${summary.skipped} skipped, ${summary.failed} failed, ` +
      `${summary.chunksWritten} chunks written.`,
    `Index: ${t.documents} files (${t.byStatus.indexed} indexed, ${t.byStatus.skipped} skipped, ` +
      `${t.byStatus.failed} failed), ${t.chunks} chunks.`,
  ];
  const e = summary.embeddings;
  if (e) {
    lines.push(
      `Embeddings: ${e.embedded} chunks embedded (${e.fromCache} from the cache, ${e.providerInputs} sent to the embedder), ${e.pending} waiting` +
        (e.error
          ? ` — ${e.error}; they are embedded on the next run once the embedder answers.`
          : "."),
    );
  }
  const shown = summary.problems.slice(0, 20);
  if (shown.length > 0) {
    lines.push("Not indexed in this run:");
    for (const p of shown) lines.push(`  ${p.status.padEnd(7)} ${p.path}: ${p.reason}`);
    if (summary.problems.length > shown.length) {
      lines.push(
        `  … and ${summary.problems.length - shown.length} more (docindex inventory lists them all)`,
      );
    }
  }
  return lines.join("\n");
}

export async function runReindex(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("reindex", argv, {
    ...SETTINGS_OPTIONS,
    full: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (parsed.values.help) {
    process.stdout.write(REINDEX_HELP + "\n");
    return 0;
  }
  assertFolders("reindex", parsed.positionals);
  const { settings } = settingsFromFlags("reindex", parsed, parsed.positionals);
  const json = parsed.values.json === true;
  const log = createLogger({ level: parseLogLevel(process.env.DOCINDEX_LOG_LEVEL, "warn") });
  const full = parsed.values.full === true;
  const store = await openStore(settings, { create: true, repair: full });
  const pool = createParserPool(settings);
  const vectors = VectorIndexer.create(settings, store, log);
  const bar = json ? undefined : createProgressBar();
  try {
    const summary = await withHealedIndex(
      settings,
      store,
      () =>
        reindex({
          settings,
          store,
          parser: pool,
          log,
          vectors,
          full,
          onProgress: (p) => bar?.update(p),
        }),
      { workRebuilds: true },
    );
    bar?.clear();
    process.stdout.write((json ? JSON.stringify(summary, null, 2) : formatSummary(summary)) + "\n");
    return 0;
  } finally {
    bar?.clear();
    await vectors.close();
    await pool.close();
    await store.close();
  }
}
