/**
 * The @parcel/watcher backend (the one VS Code uses): native, one inotify watch per folder and
 * no JavaScript object per file, so a 50,000-file tree costs a few tens of MB where chokidar
 * costs hundreds (bench/README.md). It takes ignored paths rather than a function, so the
 * root's ignored folders are listed first; events are still filtered by the admission rule,
 * because a folder that becomes ignored after the watch started (an `npm install`) is crawled
 * until the watch is rebuilt, which `stale` asks for.
 *
 * A rebuild must close the old watch before it subscribes anew: the library keeps one folder
 * tree per watched folder, shared by every live subscription to it, and a new subscription
 * made while the old one lives takes that tree as it is, without crawling. It then watches
 * the folders the old one watched, not those its new rules allow (a folder a .gitignore edit
 * made visible stays unwatched), nor those the old one never saw (a folder made inside a new
 * folder before that one's watch existed). Overlapping rebuilds were why this backend missed
 * events after .gitignore edits (bench/README.md, watcher).
 */
import { lstat } from "node:fs/promises";
import { rootRelative } from "./chokidar-watch.js";
import { ignoredFolders } from "./ignored-folders.js";
import type { FileEvent, RootWatch, RootWatchOptions } from "./root-watch.js";
import type { Admission } from "../../scanners/walk/index.js";

interface ParcelEvent {
  path: string;
  type: "create" | "update" | "delete";
}

interface ParcelWatcher {
  subscribe(
    dir: string,
    callback: (error: Error | null, events: ParcelEvent[]) => unknown,
    options?: { ignore?: string[] },
  ): Promise<{ unsubscribe(): Promise<void> }>;
}

let loaded: Promise<ParcelWatcher | undefined> | undefined;

/** The library when it is installed (it is an optional native module), else undefined. */
export function loadParcelWatcher(): Promise<ParcelWatcher | undefined> {
  // A variable specifier: the package is optional, so the compiler must not require its types.
  const specifier = "@parcel/watcher";
  loaded ??= import(specifier).then(
    (module: { default?: ParcelWatcher } & ParcelWatcher) => module.default ?? module,
    () => undefined,
  );
  return loaded;
}

/** Inside a folder the rule ignores (any ancestor), or ignored itself. */
function ignoredPath(admission: Admission, rel: string, isDir: boolean): boolean {
  for (let slash = rel.indexOf("/"); slash !== -1; slash = rel.indexOf("/", slash + 1)) {
    if (admission.isIgnored(rel.slice(0, slash), true)) return true;
  }
  return admission.isIgnored(rel, isDir);
}

async function toFileEvent(event: ParcelEvent): Promise<{ kind: FileEvent; isDir: boolean }> {
  if (event.type === "delete") return { kind: "unlink", isDir: false };
  // Only a new folder needs telling apart (it is settled by a rescan); one lstat per create.
  const isDir =
    event.type === "create" &&
    (await lstat(event.path).catch(() => undefined))?.isDirectory() === true;
  if (isDir) return { kind: "addDir", isDir };
  return { kind: event.type === "create" ? "add" : "change", isDir };
}

export async function parcelWatch(
  parcel: ParcelWatcher,
  options: RootWatchOptions,
): Promise<RootWatch> {
  const { root, admission, sink } = options;
  const ignore = await ignoredFolders(root, admission);
  let closed = false;
  const subscription = await parcel.subscribe(
    root,
    (error, events) => {
      if (closed) return;
      if (error) return sink.error(error);
      void (async () => {
        for (const event of events) {
          const rel = rootRelative(root, event.path);
          if (rel === undefined) continue;
          const { kind, isDir } = await toFileEvent(event);
          if (!ignoredPath(admission, rel, isDir)) sink.event(kind, event.path);
          else if (kind === "addDir" && admission.isIgnored(rel, true)) sink.stale();
        }
      })();
    },
    { ignore },
  );
  return {
    close: async () => {
      closed = true;
      await subscription.unsubscribe();
    },
  };
}
