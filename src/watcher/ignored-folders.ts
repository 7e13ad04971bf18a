/**
 * The folders of a root that its admission rule ignores, found by reading folders only (no
 * stat, no file names kept) and never entering an ignored one: @parcel/watcher takes ignored
 * paths, not a function, and must be given them before it crawls, or it would crawl and watch
 * node_modules before anything could be filtered.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Admission } from "../../scanners/walk/index.js";

export async function ignoredFolders(root: string, admission: Admission): Promise<string[]> {
  const ignored: string[] = [];
  const pending = [""];
  for (let rel = pending.pop(); rel !== undefined; rel = pending.pop()) {
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      continue; // vanished or unreadable: the watch reports it, if it matters
    }
    for (const entry of entries) {
      // A Dirent of a symlink is not a directory: links are never followed, as by the walker.
      if (!entry.isDirectory()) continue;
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (admission.isIgnored(child, true)) ignored.push(join(root, child));
      else pending.push(child);
    }
  }
  return ignored;
}
