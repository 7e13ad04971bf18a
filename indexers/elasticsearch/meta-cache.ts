/**
 * The index's `_meta` (schema, current vector model) for the vector backlog, read at most once
 * per MAX_AGE_MS per index instead of twice per round (the pending list and the vector write
 * each needed the current model). Another process declaring a new model is seen up to that much
 * later: vectors written meanwhile name the old model in `embed_model`, so those chunks stay
 * pending for the new one and nothing of two models mixes. This store's own declarations drop
 * the cached value at once.
 */
import type { IndexMeta } from "./mapping.js";

const MAX_AGE_MS = 1000;

export class MetaCache {
  private readonly entries = new Map<string, { meta: Promise<IndexMeta>; readAt: number }>();

  constructor(private readonly read: (index: string) => Promise<IndexMeta>) {}

  get(index: string): Promise<IndexMeta> {
    const entry = this.entries.get(index);
    if (entry !== undefined && Date.now() - entry.readAt <= MAX_AGE_MS) return entry.meta;
    const meta = this.read(index);
    const fresh = { meta, readAt: Date.now() };
    this.entries.set(index, fresh);
    // A failed read is not remembered.
    meta.catch(() => {
      if (this.entries.get(index) === fresh) this.entries.delete(index);
    });
    return meta;
  }

  forget(index: string): void {
    this.entries.delete(index);
  }
}
