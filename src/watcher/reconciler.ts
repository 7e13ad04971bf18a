/**
 * Settles what file watchers drop. A new folder's files may be written before its watch is set
 * up, and a burst may overflow the OS event queue; both are settled once things are quiet: a
 * new folder by listing its files (a few reads), a burst by rescanning its root. Rescanning the
 * root for every new folder, as before, cost a whole-tree scan on a 50,000-file root that held
 * every save behind it in the job queue.
 */
import type { IndexJobs } from "../server/index-jobs.js";
import type { Admission } from "../../scanners/walk/index.js";
import { filesUnder } from "./ignored-folders.js";

/** Every this many events, the root is rescanned once quiet: a burst may have lost some. */
const BURST_EVENTS = 500;

export class Reconciler {
  private readonly roots = new Set<string>();
  private readonly folders = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly jobs: IndexJobs,
    private readonly admission: (root: string) => Admission | undefined,
    private readonly quietMs: number,
  ) {}

  /** One file event of `root` (the `count`th since start). */
  note(root: string, event: string, rel: string, count: number): void {
    if (event === "addDir") {
      const set = this.folders.get(root) ?? new Set<string>();
      this.folders.set(root, set.add(rel));
    } else if (count % BURST_EVENTS === 0) this.roots.add(root);
    else if (!this.roots.has(root) && !this.folders.has(root)) return;
    // Anything pending for this root waits until its events stop.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.settle(), this.quietMs);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async settle(): Promise<void> {
    const roots = [...this.roots];
    const folders = [...this.folders].filter(([root]) => !this.roots.has(root));
    this.roots.clear();
    this.folders.clear();
    if (this.closed) return;
    if (roots.length > 0) this.jobs.enqueue({ kind: "watch", roots });
    const paths = new Map<string, Set<string>>();
    for (const [root, rels] of folders) {
      const admission = this.admission(root);
      if (!admission) continue;
      const files = new Set<string>();
      // Folders nest (a new tree reports each level): list the outermost ones only.
      const sorted = [...rels].sort();
      for (const [n, rel] of sorted.entries()) {
        if (n > 0 && sorted.slice(0, n).some((outer) => rel.startsWith(outer + "/"))) continue;
        for (const file of await filesUnder(root, admission, rel)) files.add(file);
      }
      if (files.size > 0) paths.set(root, files);
    }
    if (!this.closed && paths.size > 0) this.jobs.enqueue({ kind: "watch", paths });
  }
}
