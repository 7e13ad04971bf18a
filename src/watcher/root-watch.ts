/**
 * One root's native watch, whichever library provides it. The workspace watcher batches what
 * these report; a backend only turns file-system notifications into root events, leaving out
 * what the root's admission rule ignores by name.
 */
import type { Admission } from "../../scanners/walk/index.js";

export type FileEvent = "add" | "change" | "unlink" | "addDir" | "unlinkDir";

export interface WatchSink {
  event(event: FileEvent, absPath: string): void;
  error(error: Error): void;
  /** The watch no longer matches the rules (an ignored folder appeared inside it): rebuild it. */
  stale(): void;
}

export interface RootWatch {
  close(): Promise<void>;
}

export interface RootWatchOptions {
  root: string;
  admission: Admission;
  sink: WatchSink;
  polling: boolean;
  pollIntervalMs: number;
}
