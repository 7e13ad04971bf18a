/**
 * Runs `work` over items with at most `limit` in flight. The parser pool has its own queue;
 * this bound keeps memory flat (only `limit` parsed documents wait to be written at once).
 */
export async function forEachConcurrent<T>(
  items: Iterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const runners: Promise<void>[] = [];
  const next = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) return;
      const step = iterator.next();
      if (step.done) return;
      await work(step.value);
    }
  };
  for (let i = 0; i < Math.max(1, limit); i++) runners.push(next());
  await Promise.all(runners);
}
