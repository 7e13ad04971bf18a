/**
 * The chokidar backend: the polling fallback, and the native watch where @parcel/watcher is not
 * installed. On Linux chokidar holds an fs.watch handle, a listener closure and a Stats object
 * for every file (about 8 KB of memory each, see bench/README.md), which is why it is not the
 * first choice for large trees; polling has no such alternative.
 */
import { relative, sep } from "node:path";
import { watch } from "chokidar";
import type { FileEvent, RootWatch, RootWatchOptions } from "./root-watch.js";

export function rootRelative(root: string, absPath: string): string | undefined {
  const rel = relative(root, absPath);
  if (rel === "" || rel.startsWith("..")) return undefined;
  return sep === "/" ? rel : rel.split(sep).join("/");
}

export async function chokidarWatch(options: RootWatchOptions): Promise<RootWatch> {
  const { root, admission, sink } = options;
  // Only what is excluded by its own name goes unwatched: a refused symlink must still raise
  // events, so that it becomes a row with its reason. chokidar asks first without stats and
  // again with them before it reads or watches anything, so without stats only what is ignored
  // as a file and as a folder alike is refused: a synchronous lstat per path here cost seconds
  // of start-up on a large tree.
  const ignored = (absPath: string, stats?: { isDirectory(): boolean }): boolean => {
    const rel = rootRelative(root, absPath);
    if (rel === undefined) return false;
    if (stats) return admission.isIgnored(rel, stats.isDirectory());
    return admission.isIgnored(rel, false) && admission.isIgnored(rel, true);
  };
  const watcher = watch(root, {
    ignored,
    ignoreInitial: true,
    persistent: true,
    followSymlinks: false,
    atomic: true,
    usePolling: options.polling,
    interval: options.pollIntervalMs,
    binaryInterval: options.pollIntervalMs,
  });
  watcher.on("all", (event, absPath) => sink.event(event as FileEvent, absPath));
  watcher.on("error", (error) => sink.error(error as Error));
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return { close: () => watcher.close() };
}
