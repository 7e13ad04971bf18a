/**
 * Reads a root's folders (no stat, never entering an ignored one) for two needs of the
 * watcher: the ignored folders, because @parcel/watcher takes ignored paths, not a function,
 * and must be given them before it crawls, or it would crawl and watch node_modules; and the
 * files and folders of a new folder, written before its watch existed, which no event may ever
 * report (@parcel/watcher adds a watch to a new folder, not to the folders already inside it).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Admission } from "../../scanners/walk/index.js";

export interface FolderVisit {
  ignoredFolder?(rel: string): void;
  /** A folder not ignored (it is read too). */
  folder?(rel: string): void;
  /** A file or link not ignored by name (the pipeline judges links further). */
  entry?(rel: string): void;
}

/** Folders read at once: one at a time, the reads queue behind the catch-up scan's work. */
const PARALLEL_READS = 32;

export async function scanFolders(
  root: string,
  admission: Admission,
  visit: FolderVisit,
  from = "",
): Promise<void> {
  const pending = [from];
  const read = async (rel: string) => {
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      return; // vanished or unreadable: the watch reports it, if it matters
    }
    for (const dirent of entries) {
      const child = rel === "" ? dirent.name : `${rel}/${dirent.name}`;
      // A Dirent of a symlink is not a directory: links are never followed, as by the walker.
      const isDir = dirent.isDirectory();
      // Judging 50,000 file names nobody asked for was most of this walk's time.
      if (!isDir && !visit.entry) continue;
      if (admission.isIgnored(child, isDir)) {
        if (isDir) visit.ignoredFolder?.(child);
      } else if (isDir) {
        visit.folder?.(child);
        pending.push(child);
      } else visit.entry?.(child);
    }
  };
  while (pending.length > 0) await Promise.all(pending.splice(0, PARALLEL_READS).map(read));
}

export async function ignoredFolders(root: string, admission: Admission): Promise<string[]> {
  const ignored: string[] = [];
  await scanFolders(root, admission, { ignoredFolder: (rel) => ignored.push(join(root, rel)) });
  return ignored;
}

/** The files and folders (not ignored) under the folder `rel`, at any depth. */
export async function treeUnder(
  root: string,
  admission: Admission,
  rel: string,
): Promise<{ files: string[]; folders: string[] }> {
  const files: string[] = [];
  const folders: string[] = [];
  await scanFolders(
    root,
    admission,
    { entry: (file) => files.push(file), folder: (folder) => folders.push(folder) },
    rel,
  );
  return { files, folders };
}

/**
 * The files (and links) directly in the folder `rel` that are not ignored, or undefined when
 * it holds more than `maxEntries` entries or cannot be read.
 */
export async function filesIn(
  root: string,
  admission: Admission,
  rel: string,
  maxEntries: number,
): Promise<string[] | undefined> {
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return undefined; // gone: its events, or the parent's, say so
  }
  if (entries.length > maxEntries) return undefined;
  const files: string[] = [];
  for (const dirent of entries) {
    if (dirent.isDirectory()) continue;
    const child = rel === "" ? dirent.name : `${rel}/${dirent.name}`;
    if (!admission.isIgnored(child, false)) files.push(child);
  }
  return files;
}

/** The folders of `rels` that are not inside another of them (a new tree reports each level). */
export function outermost(rels: Iterable<string>): string[] {
  const sorted = [...new Set(rels)].sort();
  const kept: string[] = [];
  for (const rel of sorted) {
    // Sorted, an enclosing folder comes before what it holds, though not always just before.
    if (!kept.some((outer) => rel.startsWith(outer + "/"))) kept.push(rel);
  }
  return kept;
}
