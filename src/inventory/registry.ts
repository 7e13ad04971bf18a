/**
 * file_registry.json: one entry for every file the scanner yields under a root, joined with
 * what the index knows about it. A file whose size or mtime differ from the indexed version
 * (or that was never indexed) is "pending". Output is deterministic: sorted by path, and no
 * time of the run inside, so two runs over the same tree and index are byte-identical. The
 * documents the index found inside a current file (an e-mail's attachments) follow it, with
 * `container` naming it.
 */
import { statListedFiles, tooLargeReason, walkBatches } from "../../scanners/walk/index.js";
import type { FileKind, SourceFile } from "../../scanners/types.js";
import type { DocumentRecord, Store } from "../../indexers/store.js";
import type { Settings } from "../config/schema.js";
import { hashSourceFile } from "../pipeline/hash-file.js";
import { forEachConcurrent } from "../pipeline/concurrency.js";
import { walkOptionsFor } from "../pipeline/walk-options.js";

export type RegistryStatus = "indexed" | "skipped" | "failed" | "pending";

export interface RegistryEntry {
  path: string;
  kind: FileKind;
  size: number;
  /** The file's own modification time, ISO 8601 UTC. */
  mtime: string;
  sha256: string;
  status: RegistryStatus;
  reason?: string;
  /**
   * The admission rule's verdict, only when a rule decided it (a `!` pattern that re-included
   * the file, or a refusal): every other file is "admitted: no rule excludes it", and leaving
   * that out keeps the registries of ordinary trees as they were, byte for byte.
   */
  rule?: string;
  /** For a document found inside a file (an e-mail's attachment): that file's path. */
  container?: string;
}

export interface FileRegistry {
  version: 1;
  root: string;
  files: RegistryEntry[];
}

/** Every stored document of a root, by path, read page by page. */
async function storedDocuments(store: Store, root: string): Promise<Map<string, DocumentRecord>> {
  const byPath = new Map<string, DocumentRecord>();
  let cursor: string | undefined;
  do {
    const page = await store.documents({ roots: [root] }, { cursor, limit: 1000 });
    for (const doc of page.items) byPath.set(doc.path, doc);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return byPath;
}

function partEntry(doc: DocumentRecord): RegistryEntry {
  const entry: RegistryEntry = {
    path: doc.path,
    kind: doc.kind,
    size: doc.size,
    mtime: new Date(doc.mtimeMs).toISOString(),
    sha256: doc.sha256,
    status: doc.status,
    container: doc.container,
  };
  if (doc.reason) entry.reason = doc.reason;
  return entry;
}

export async function buildRegistry(
  root: string,
  settings: Settings,
  store: Store | undefined,
): Promise<FileRegistry> {
  const stored = store ? await storedDocuments(store, root) : new Map<string, DocumentRecord>();
  const parts = new Map<string, DocumentRecord[]>();
  for (const doc of stored.values()) {
    if (doc.container === undefined) continue;
    const list = parts.get(doc.container) ?? [];
    list.push(doc);
    parts.set(doc.container, list);
  }
  const entries: RegistryEntry[] = [];
  const needHash: RegistryEntry[] = [];
  const fileByPath = new Map<string, SourceFile>();
  // Every row reports size and mtime, and the walk reads neither: stat them all, then.
  const walked: SourceFile[] = [];
  for await (const files of walkBatches(walkOptionsFor(root, settings))) walked.push(...files);
  await statListedFiles(walked);
  for (const file of walked) {
    const { size, mtimeMs } = file;
    if (size === undefined || mtimeMs === undefined) continue; // Gone since the walk.
    const doc = stored.get(file.path);
    const entry: RegistryEntry = {
      path: file.path,
      kind: file.kind,
      size,
      mtime: new Date(mtimeMs).toISOString(),
      sha256: "",
      status: "pending",
    };
    if (doc && doc.size === size && doc.mtimeMs === mtimeMs && doc.sha256 !== "") {
      entry.sha256 = doc.sha256;
      entry.status = doc.status;
      if (doc.reason) entry.reason = doc.reason;
      // What the index found inside the file, as of this version of it.
      for (const part of parts.get(file.path) ?? []) entries.push(partEntry(part));
    } else {
      // Decided without parsing, so known even before the first reindex.
      const skipReason = file.skipReason ?? tooLargeReason(file, size);
      if (skipReason !== undefined) {
        entry.status = "skipped";
        entry.reason = skipReason;
      } else if (file.kind === "binary") {
        entry.status = "skipped";
        entry.reason = "binary";
      }
      needHash.push(entry);
      fileByPath.set(file.path, file);
    }
    if (file.rule !== undefined) entry.rule = file.rule;
    entries.push(entry);
  }
  await forEachConcurrent(needHash, 8, async (entry) => {
    try {
      entry.sha256 = (await hashSourceFile(fileByPath.get(entry.path)!)).sha256;
    } catch (error) {
      entry.status = "failed";
      entry.reason = `unreadable: ${(error as Error).message.split("\n")[0]}`;
    }
  });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { version: 1, root, files: entries };
}
