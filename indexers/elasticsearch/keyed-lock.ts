/**
 * One writer at a time per document inside this process. Elasticsearch's optimistic
 * concurrency (if_seq_no) settles races between processes; within one process, queueing the
 * writers of a document is cheaper than letting them collide and retry, and keeps the last
 * call the winner.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    // Sorted, so two callers holding overlapping key sets cannot wait on each other in a cycle.
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) releases.push(await this.acquire(key));
      return await task();
    } finally {
      for (const release of releases) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
