/**
 * Settles what file watchers drop, once things are quiet. A burst may overflow the OS event
 * queue (@parcel/watcher drops an inotify overflow silently): every BURST_EVENTS events the
 * root is rescanned. A new folder's files may be written before its watch is set up: the
 * batch that reports the folder lists it at once, and it is listed again here. And a folder
 * made inside a new folder before that one's watch existed (`mkdir -p a/b`, a folder moved or
 * unpacked in) is never watched by @parcel/watcher, which watches a new folder only, not what
 * is inside it: a folder found here that no event reported gets the root's watch rebuilt
 * (`unwatched`), and then the new folders are listed once more, for what was written in them
 * meanwhile. Rescanning the root for every new folder, as before, cost a whole-tree scan on a
 * 50,000-file root that held every save behind it in the job queue.
 */
import type { IndexJobs } from "../server/index-jobs.js";
import type { Admission } from "../../scanners/walk/index.js";
import { outermost, treeUnder } from "./ignored-folders.js";

/** Every this many events, the root is rescanned once quiet: a burst may have lost some. */
const BURST_EVENTS = 500;

export interface ReconcilerOptions {
  jobs: IndexJobs;
  admission(root: string): Admission | undefined;
  /** Quiet time before settling. */
  quietMs: number;
  /** Folders of `root` exist that its watch does not watch: rebuild it (resolves once live). */
  unwatched(root: string): Promise<void>;
}

export class Reconciler {
  private readonly roots = new Set<string>();
  /** New folders reported, per root. */
  private readonly folders = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ReconcilerOptions) {}

  /** One file event of `root` (the `count`th since start). */
  note(root: string, event: string, rel: string, count: number): void {
    if (event === "addDir") {
      const set = this.folders.get(root) ?? new Set<string>();
      this.folders.set(root, set.add(rel));
    } else if (count % BURST_EVENTS === 0) this.roots.add(root);
    else if (!this.roots.has(root) && !this.folders.has(root)) return;
    // Anything pending for this root waits until its events stop.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.settle(), this.options.quietMs);
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
    // A rescan of the root covers its new folders too.
    if (roots.length > 0) this.options.jobs.enqueue({ kind: "watch", roots });
    for (const [root, reported] of folders) {
      const { unwatched } = await this.list(root, reported);
      if (unwatched && !this.closed) {
        await this.options.unwatched(root);
        await this.list(root, reported);
      }
    }
  }

  /** Sends the files under the root's new folders; says whether any folder went unreported. */
  private async list(root: string, reported: Set<string>): Promise<{ unwatched: boolean }> {
    const admission = this.options.admission(root);
    if (!admission || this.closed) return { unwatched: false };
    const files = new Set<string>();
    let unwatched = false;
    for (const rel of outermost(reported)) {
      const tree = await treeUnder(root, admission, rel);
      for (const file of tree.files) files.add(file);
      unwatched ||= tree.folders.some((folder) => !reported.has(folder));
    }
    if (!this.closed && files.size > 0) {
      this.options.jobs.enqueue({ kind: "watch", paths: new Map([[root, files]]) });
    }
    return { unwatched };
  }
}
