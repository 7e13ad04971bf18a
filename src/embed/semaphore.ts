/**
 * Bounds how many provider requests one embedder has in flight, across all callers at once
 * (the backlog and query embedding share it), so a provider's concurrency limit is respected.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays at the limit.
      if (next !== undefined) next();
      else this.active--;
    }
  }
}
