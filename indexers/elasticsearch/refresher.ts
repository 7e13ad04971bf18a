/**
 * Read-your-writes without a refresh per write. Each write takes the next number of a sequence
 * per index; a read makes sure a refresh has started after the last write it must see, reusing
 * one that is already on its way, so many writes and many concurrent reads cost one refresh
 * between them. A refresh that started before a write finished does not count for that write.
 *
 * Vector writes are numbered apart (`wroteVectors`): the embedding backlog lists chunks without
 * vectors right after writing some, and a refresh of freshly written HNSW vectors is the most
 * expensive refresh there is. A reader that can account for those writes itself (vectors.ts
 * leaves out the chunks it just gave vectors) asks only for `fresh(index, "content")`.
 */
export type Freshness = "all" | "content";

export class Refresher {
  private readonly written = new Map<string, number>();
  /** Number of the last write that was not a vector write. */
  private readonly content = new Map<string, number>();
  private readonly covered = new Map<string, number>();
  private readonly inFlight = new Map<string, { upTo: number; done: Promise<void> }>();

  constructor(private readonly refresh: (index: string) => Promise<void>) {}

  /** A write of documents or chunks; returns its number. */
  wrote(index: string): number {
    const seq = this.wroteVectors(index);
    this.content.set(index, seq);
    return seq;
  }

  /** A write that only gave chunks vectors; returns its number. */
  wroteVectors(index: string): number {
    const seq = (this.written.get(index) ?? 0) + 1;
    this.written.set(index, seq);
    return seq;
  }

  /** The number of the last write so far. */
  lastWrite(index: string): number {
    return this.written.get(index) ?? 0;
  }

  /** Writes up to this number are visible to searches. */
  coveredUpTo(index: string): number {
    return this.covered.get(index) ?? 0;
  }

  forget(index: string): void {
    this.written.delete(index);
    this.content.delete(index);
    this.covered.delete(index);
  }

  async fresh(index: string, freshness: Freshness = "all"): Promise<void> {
    const needed = (freshness === "all" ? this.written : this.content).get(index) ?? 0;
    for (;;) {
      if ((this.covered.get(index) ?? 0) >= needed) return;
      const running = this.inFlight.get(index);
      if (running !== undefined && running.upTo >= needed) return running.done;
      if (running !== undefined) {
        // Started before our last write: let it finish, then start one that covers it.
        await running.done.catch(() => undefined);
        continue;
      }
      const upTo = this.written.get(index) ?? 0;
      const done = this.refresh(index).then(() => {
        this.covered.set(index, Math.max(this.covered.get(index) ?? 0, upTo));
      });
      const entry = { upTo, done };
      this.inFlight.set(index, entry);
      try {
        await done;
      } finally {
        if (this.inFlight.get(index) === entry) this.inFlight.delete(index);
      }
      return;
    }
  }
}
