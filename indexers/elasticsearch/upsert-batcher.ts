/**
 * Gathers the upserts that arrive while earlier ones are being written, so that many documents
 * share each round trip (group-writes.ts): one `_mget` of their records, one `_bulk` of all
 * their chunks, one of their records, one search for leftovers. Written one at a time, a cold
 * index of 5,183 small files cost about 20,000 requests.
 *
 * A key is never in two groups at once, so two upserts of one document still land in the
 * order they were made, and the last one wins.
 */
export interface Upsert<T> {
  key: string;
  /** Where it goes (the live or the rebuild index): a group goes to one index. */
  index: string;
  item: T;
}

interface Queued<T> extends Upsert<T> {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export type GroupWriter<T> = (
  index: string,
  items: Upsert<T>[],
) => Promise<(unknown | undefined)[]>;

export class UpsertBatcher<T> {
  private queue: Queued<T>[] = [];
  private readonly busyKeys = new Set<string>();
  private running = 0;

  constructor(
    private readonly write: GroupWriter<T>,
    private readonly maxGroup: number,
    private readonly maxRunning: number,
  ) {}

  submit(upsert: Upsert<T>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...upsert, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxRunning) {
      const group = this.take();
      if (group.length === 0) return;
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** The oldest upserts of one index whose documents are not being written already. */
  private take(): Queued<T>[] {
    const group: Queued<T>[] = [];
    const keys = new Set<string>();
    const rest: Queued<T>[] = [];
    for (const queued of this.queue) {
      const fits =
        group.length < this.maxGroup &&
        (group[0] === undefined || group[0].index === queued.index) &&
        !keys.has(queued.key) &&
        !this.busyKeys.has(queued.key);
      if (fits) {
        group.push(queued);
        keys.add(queued.key);
      } else rest.push(queued);
    }
    this.queue = rest;
    for (const key of keys) this.busyKeys.add(key);
    return group;
  }

  private async run(group: Queued<T>[]): Promise<void> {
    try {
      const errors = await this.write(group[0]!.index, group);
      group.forEach((queued, i) => {
        const error = errors[i];
        if (error === undefined) queued.resolve();
        else queued.reject(error);
      });
    } catch (error) {
      for (const queued of group) queued.reject(error);
    } finally {
      for (const queued of group) this.busyKeys.delete(queued.key);
    }
  }
}
