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
 *
 * And an event may simply be lost: @parcel/watcher 2.6 hands a watcher's events to JavaScript
 * by copying its event list and then clearing it, two steps under two separate locks, while
 * its inotify thread adds events to the same list; an event added between the two is dropped,
 * and nothing reports that file again. The first events of a burst are the exposed ones (the
 * first event after half a second of quiet is handed over at once, while the rest of the burst
 * is still arriving; upstream's open issue #183 reports such losses). So every folder an event
 * touched has its files listed once quiet, and the pipeline, which skips a file whose size and
 * mtime it already holds, indexes what changed unreported. A lost deletion is not found this
 * way (a listing shows what is there); the next rescan removes it.
 */
import type { IndexJobs } from "../server/index-jobs.js";
import type { Admission } from "../../scanners/walk/index.js";
import { filesIn, outermost, treeUnder } from "./ignored-folders.js";

/** Every this many events, the root is rescanned once quiet: a burst may have lost some. */
const BURST_EVENTS = 500;

/**
 * A touched folder with more entries than this is not listed (a save in a flat folder of
 * 100,000 files would cost a stat of each); losses there wait for the next rescan.
 */
const MAX_LISTED_ENTRIES = 5000;

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
  /** Folders holding a file an event reported, per root: listed once quiet. */
  private readonly touched = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ReconcilerOptions) {}

  /** One file event of `root` (the `count`th since start). */
  note(root: string, event: string, rel: string, count: number): void {
    if (event === "addDir") {
      const set = this.folders.get(root) ?? new Set<string>();
      this.folders.set(root, set.add(rel));
    } else {
      if (count % BURST_EVENTS === 0) this.roots.add(root);
      const set = this.touched.get(root) ?? new Set<string>();
      this.touched.set(root, set.add(rel.slice(0, Math.max(0, rel.lastIndexOf("/")))));
    }
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
    const touched = [...this.touched].filter(([root]) => !this.roots.has(root));
    this.roots.clear();
    this.folders.clear();
    this.touched.clear();
    if (this.closed) return;
    // A rescan of the root covers its new and touched folders too.
    if (roots.length > 0) this.options.jobs.enqueue({ kind: "watch", roots });
    for (const [root, rels] of touched) await this.listTouched(root, rels);
    for (const [root, reported] of folders) {
      const { unwatched } = await this.list(root, reported);
      if (unwatched && !this.closed) {
        await this.options.unwatched(root);
        await this.list(root, reported);
      }
    }
  }

  /** Sends the files directly in each touched folder, for the changes whose events were lost. */
  private async listTouched(root: string, rels: Set<string>): Promise<void> {
    const admission = this.options.admission(root);
    if (!admission) return;
    const files = new Set<string>();
    for (const rel of rels) {
      for (const file of (await filesIn(root, admission, rel, MAX_LISTED_ENTRIES)) ?? []) {
        files.add(file);
      }
    }
    if (!this.closed && files.size > 0) {
      this.options.jobs.enqueue({ kind: "watch", paths: new Map([[root, files]]) });
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
