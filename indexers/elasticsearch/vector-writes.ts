/**
 * Chunks this store gave vectors since the last refresh that covers them, by document id. The
 * vector backlog reads the pending list from searches, which see the index as of the last
 * refresh; leaving these ids out of that search gives the same answer as refreshing first,
 * without the refresh (refresher.ts, "content" freshness). A refresh per 64-vector round was
 * what made the catch-up 16x slower than SQLite's. Each id is kept with its model: once another
 * model is current, the chunk waits for a vector again.
 */
export class UnrefreshedVectors {
  private readonly byIndex = new Map<string, Map<string, { seq: number; model: string }>>();

  /** `seq` is the write's number from Refresher.wroteVectors. */
  add(index: string, ids: Iterable<string>, seq: number, model: string): void {
    let known = this.byIndex.get(index);
    if (known === undefined) this.byIndex.set(index, (known = new Map()));
    for (const id of ids) known.set(id, { seq, model });
  }

  /** The ids given `model`'s vectors after the refresh that covered writes up to `coveredUpTo`. */
  since(index: string, coveredUpTo: number, model: string | undefined): string[] {
    const known = this.byIndex.get(index);
    if (known === undefined) return [];
    const left: string[] = [];
    for (const [id, written] of known) {
      if (written.seq <= coveredUpTo) known.delete(id);
      else if (written.model === model) left.push(id);
    }
    return left;
  }

  forget(index: string): void {
    this.byIndex.delete(index);
  }
}
