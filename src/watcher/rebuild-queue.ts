/**
 * Rebuilds of a root's watch, one at a time per root. Two rebuilds in flight at once (a
 * .gitignore edit and a new ignored folder, say) could finish in either order: the one built
 * under the older rules would win and the other be left open, unowned, and @parcel/watcher
 * would hand its stale folder tree to every later subscription (parcel-watch.ts). Here a
 * request made while a rebuild runs waits for it, and requests made while one waits are
 * merged into that one: a burst of stale reports costs one rebuild after the running one.
 */

export class RebuildQueue {
  /** Per root, the last rebuild queued (settled: failures are the rebuild's to report). */
  private readonly last = new Map<string, Promise<void>>();
  /** Per root, the rebuild queued and not started yet, which new requests join. */
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(private readonly rebuild: (root: string) => Promise<void>) {}

  /**
   * Runs a root's first watch: a rebuild asked for meanwhile (its first event can arrive
   * before the subscription call returns) waits for it instead of subscribing beside it.
   */
  first(root: string, watch: () => Promise<void>): Promise<void> {
    const done = (this.last.get(root) ?? Promise.resolve()).then(watch);
    this.last.set(
      root,
      done.catch(() => undefined),
    );
    return done;
  }

  /** Resolves once a rebuild that started after this call has finished. */
  request(root: string): Promise<void> {
    const waiting = this.waiting.get(root);
    if (waiting) return waiting;
    const previous = this.last.get(root) ?? Promise.resolve();
    const done = previous
      .then(() => {
        // From here on, a new request needs a rebuild of its own: this one reads the rules now.
        this.waiting.delete(root);
        return this.rebuild(root);
      })
      .catch(() => undefined);
    this.waiting.set(root, done);
    this.last.set(root, done);
    void done.then(() => {
      if (this.last.get(root) === done) this.last.delete(root);
    });
    return done;
  }
}
