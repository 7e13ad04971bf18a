/**
 * The embedding cache heals itself like the index (self-heal.ts): checked on open, and set
 * aside when SQLite reports corruption in any call; a fresh, empty cache takes its place. The
 * cache is only a cache, so nothing is lost but money and time: every chunk without a vector
 * in the index is embedded again, which the caller reports (VectorIndexer says how many).
 */
import { checkSqliteFile, isCorruptionError } from "../../indexers/sqlite/damage.js";
import { openEmbeddingCache, type EmbeddingCache } from "../embed/embedding-cache.js";
import { describeError } from "../errors.js";
import { recoverFile, type Recovery } from "./self-heal.js";

export function openSelfHealingCache(
  file: string,
  onRecovery: (recovery: Recovery) => void,
): EmbeddingCache {
  let reason = checkSqliteFile(file);
  let cache: EmbeddingCache | undefined;
  if (reason === undefined) {
    try {
      cache = openEmbeddingCache(file);
    } catch (error) {
      if (!isCorruptionError(error)) throw error;
      reason = checkSqliteFile(file) ?? describeError(error);
    }
  }
  if (reason !== undefined) onRecovery(recoverFile("embedding cache", file, reason));
  let current = cache ?? openEmbeddingCache(file);

  /** Runs `call` on the cache; on damage, replaces the cache and runs it once more. */
  const guarded = <T>(call: (c: EmbeddingCache) => T): T => {
    try {
      return call(current);
    } catch (error) {
      if (!isCorruptionError(error)) throw error;
      try {
        current.close();
      } catch {
        // The handle of a damaged file; it is being replaced.
      }
      const why = checkSqliteFile(file) ?? describeError(error);
      onRecovery(recoverFile("embedding cache", file, why));
      current = openEmbeddingCache(file);
      return call(current);
    }
  };

  return {
    getMany: (model, keys) => guarded((c) => c.getMany(model, keys)),
    putMany: (model, entries) => {
      const list = [...entries]; // may be written twice
      guarded((c) => c.putMany(model, list));
    },
    count: (model) => guarded((c) => c.count(model)),
    dimensionsOf: (model) => guarded((c) => c.dimensionsOf(model)),
    close: () => current.close(),
  };
}
