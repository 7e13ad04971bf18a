/**
 * What a command does when the index it opened was damaged (src/pipeline/self-heal.ts set the
 * file aside and opened a fresh, empty one): rebuild it from the workspace before answering
 * from it, vectors coming back from the embedding cache, and say so in one line on stderr.
 * A recovery in the middle of the command's work (SQLite met a damaged page) means the work
 * ran partly on the old index: it runs once more, on the rebuilt one.
 */
import type { Store } from "../../indexers/store.js";
import type { Settings } from "../config/schema.js";
import { createLogger, parseLogLevel, type Logger } from "../log.js";
import type { VectorIndexer } from "../pipeline/vectors.js";
import { healerOf, type Recovery } from "../pipeline/self-heal.js";
import { basename } from "node:path";

function cliLog(): Logger {
  return createLogger({ level: parseLogLevel(process.env.DOCINDEX_LOG_LEVEL, "warn") });
}

/** Indexes every configured root into the (fresh) store, vectors included when configured. */
async function rebuildFromWorkspace(
  settings: Settings,
  store: Store,
  vectors: VectorIndexer | undefined,
): Promise<void> {
  // Loaded only when needed: a healthy `search` never pays for the pipeline.
  const { reindex } = await import("../pipeline/reindex.js");
  const { createParserPool } = await import("../pipeline/runtime.js");
  const log = cliLog();
  let own: VectorIndexer | undefined;
  if (vectors === undefined && settings.embedder !== "none") {
    const { VectorIndexer } = await import("../pipeline/vectors.js");
    own = VectorIndexer.create(settings, store, log);
  }
  const pool = createParserPool(settings);
  try {
    await reindex({ settings, store, parser: pool, log, vectors: vectors ?? own });
  } finally {
    await pool.close();
    await own?.close();
  }
}

async function reportRecovery(recovery: Recovery, store: Store): Promise<void> {
  const stats = await store.stats();
  process.stderr.write(
    `docindex: the index ${recovery.file} was damaged (${recovery.reason}); ` +
      `it was moved to ${basename(recovery.movedTo)} and rebuilt from the workspace ` +
      `(${stats.documents} files, ${stats.chunks} chunks)\n`,
  );
}

/** Recoveries already rebuilt and reported, per store: a command may run several works. */
const handledRecoveries = new WeakMap<object, number>();

/**
 * Runs `work` on a store that heals itself. `workRebuilds`: the work is itself a reindex of the
 * workspace (the `reindex` command), so a fresh index needs no rebuild before it.
 */
export async function withHealedIndex<T>(
  settings: Settings,
  store: Store,
  work: () => Promise<T>,
  options: { workRebuilds?: boolean; vectors?: VectorIndexer } = {},
): Promise<T> {
  const healer = healerOf(store);
  if (healer === undefined) return work();
  for (let attempt = 0; ; attempt++) {
    const seen = healer.recoveries.length;
    const handled = handledRecoveries.get(healer) ?? 0;
    if (!options.workRebuilds && seen > handled) {
      await rebuildFromWorkspace(settings, store, options.vectors);
    }
    const result = await work();
    const now = healer.recoveries.length;
    if (now === seen || attempt === 1) {
      if (now > handled) await reportRecovery(healer.recoveries[now - 1]!, store);
      handledRecoveries.set(healer, now);
      return result;
    }
  }
}
