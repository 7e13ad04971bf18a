/**
 * Points in time shared by searches. A search needs one snapshot per shard for its chunk and
 * record requests (search.ts), but not a new one each time: a PIT opened after every write this
 * store must see is as good for the next search as a new one, until this store writes again.
 * Reusing it saves two of a search's four round trips (open and close). Writes of other
 * processes reach searches through the index's periodic refresh anyway (1 s by default), so a
 * PIT is also retired after MAX_AGE_MS: they become visible at most that much later than before.
 *
 * A retired PIT is closed when the last search using it is done. A search that fails drops its
 * PIT (it may be gone with a node), and the retry opens another.
 */
import type { EsConnection } from "./connection.js";

export const PIT_KEEP_ALIVE = "1m";
const MAX_AGE_MS = 1000;

interface Pit {
  id: string;
  /** Writes up to this number (Refresher) were visible when it was opened. */
  covers: number;
  openedAt: number;
  users: number;
  retired: boolean;
  closed: boolean;
}

export interface PitLease {
  readonly id: string;
  /** A later request answered with a new id for the same PIT. */
  renamed(id: string): void;
  /** Done with it; `failed` drops the PIT for everyone. */
  release(failed?: boolean): Promise<void>;
}

export class PitCache {
  private readonly current = new Map<string, Pit>();
  private readonly closing = new Set<Promise<unknown>>();

  constructor(private readonly conn: EsConnection) {}

  /**
   * A PIT of `index` that holds every write up to `needed`; `covered` is what a refresh that
   * finished before this call made visible (the caller refreshed first if needed > covered).
   */
  async lease(index: string, needed: number, covered: number): Promise<PitLease> {
    let pit = this.current.get(index);
    if (
      pit === undefined ||
      pit.retired ||
      pit.covers < needed ||
      Date.now() - pit.openedAt > MAX_AGE_MS
    ) {
      if (pit !== undefined) await this.retire(index, pit);
      const openedAt = Date.now();
      const opened = await this.conn.client.openPointInTime({
        index,
        keep_alive: PIT_KEEP_ALIVE,
      });
      pit = { id: opened.id, covers: covered, openedAt, users: 0, retired: false, closed: false };
      // Another search may have opened one meanwhile: the newer one serves from now on.
      const other = this.current.get(index);
      if (other !== undefined) await this.retire(index, other);
      this.current.set(index, pit);
    }
    const leased = pit;
    leased.users++;
    let released = false;
    return {
      get id() {
        return leased.id;
      },
      renamed: (id) => {
        leased.id = id;
      },
      release: async (failed = false) => {
        if (released) return;
        released = true;
        leased.users--;
        if (failed) await this.retire(index, leased);
        else if (leased.retired && leased.users === 0) await this.close(leased);
      },
    };
  }

  /** Closes every PIT (the store is closing). */
  async closeAll(): Promise<void> {
    const pits = [...this.current.entries()];
    this.current.clear();
    for (const [, pit] of pits) {
      pit.retired = true;
      if (pit.users === 0) await this.close(pit);
    }
    await Promise.all(this.closing);
  }

  private async retire(index: string, pit: Pit): Promise<void> {
    if (this.current.get(index) === pit) this.current.delete(index);
    if (pit.retired) return;
    pit.retired = true;
    if (pit.users === 0) await this.close(pit);
  }

  private async close(pit: Pit): Promise<void> {
    if (pit.closed) return;
    pit.closed = true;
    // Not awaited on a search's path to an answer; a PIT that cannot be closed expires by itself.
    const done = this.conn.client.closePointInTime({ id: pit.id }).catch(() => undefined);
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }
}
