/**
 * Read-your-writes without a refresh per write. Each write bumps a counter per index; a read
 * makes sure a refresh has started after the last write it must see, reusing one that is
 * already on its way, so many writes and many concurrent reads cost one refresh between them.
 * A refresh that started before a write finished does not count for that write.
 */
export class Refresher {
  private readonly written = new Map<string, number>();
  private readonly covered = new Map<string, number>();
  private readonly inFlight = new Map<string, { upTo: number; done: Promise<void> }>();

  constructor(private readonly refresh: (index: string) => Promise<void>) {}

  wrote(index: string): void {
    this.written.set(index, (this.written.get(index) ?? 0) + 1);
  }

  forget(index: string): void {
    this.written.delete(index);
    this.covered.delete(index);
  }

  async fresh(index: string): Promise<void> {
    const needed = this.written.get(index) ?? 0;
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
