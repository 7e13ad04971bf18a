/**
 * Change notices for listening clients: after every indexing job (the watcher's saves, a
 * `reindex`, the catch-up scan) the documents some client listens to are looked up again,
 * and each whose row changed (re-indexed with new content, failed, or removed) yields a
 * `resource_updated` event; a job that added or removed files yields `resources_list_changed`.
 * Only tracked documents are looked at, so a job over 50,000 files costs one lookup per
 * document a client listens to, not a diff of the index.
 *
 * One instance per process. Consumers: the HTTP entry publishes the events on the
 * `subscriptions/listen` bus (2026-07-28); connection-bound servers (stdio, handshake
 * sessions) send them as notifications through connection-notices.ts.
 */
import type { ServerEvent } from "@modelcontextprotocol/server";
import { describeError } from "../errors.js";
import { pickRoot } from "./confine.js";
import type { ServerContext } from "./context.js";
import type { IndexJob } from "./index-jobs.js";

export type ChangeEvent = Extract<
  ServerEvent,
  { kind: "resource_updated" } | { kind: "resources_list_changed" }
>;

interface Tracked {
  listeners: number;
  /** What the row looked like when last looked at ("absent" when not in the index). */
  fingerprint: Promise<string>;
}

/** `docindex://{root folder name}/{path}` back to a root and a path, or undefined. */
export function parseResourceUri(
  roots: string[],
  uri: string,
): { root: string; path: string } | undefined {
  const match = /^docindex:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) return undefined;
  try {
    const root = pickRoot(roots, decodeURIComponent(match[1]!));
    return { root, path: match[2]!.split("/").map(decodeURIComponent).join("/") };
  } catch {
    return undefined;
  }
}

export class ChangeNotices {
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly stopListening: () => void;
  /** Checks run one after another, so that a job's events follow the previous job's. */
  private checking: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: ServerContext) {
    this.stopListening = ctx.jobs.onFinished((job) => {
      this.checking = this.checking.then(() => this.check(job));
    });
  }

  /** Listens to the document at `uri` until the returned function is called. */
  track(uri: string): () => void {
    const entry = this.tracked.get(uri);
    if (entry) entry.listeners++;
    else this.tracked.set(uri, { listeners: 1, fingerprint: this.fingerprint(uri) });
    let live = true;
    return () => {
      if (!live) return;
      live = false;
      const current = this.tracked.get(uri);
      if (current && --current.listeners === 0) this.tracked.delete(uri);
    };
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the checks of the jobs that have ended so far are done (for tests). */
  settled(): Promise<void> {
    return this.checking;
  }

  close(): void {
    this.stopListening();
    this.listeners.clear();
  }

  private async check(job: IndexJob): Promise<void> {
    if (job.summary && (job.summary.added > 0 || job.summary.deleted > 0))
      this.emit({ kind: "resources_list_changed" });
    for (const [uri, entry] of this.tracked) {
      const before = await entry.fingerprint;
      const now = await this.fingerprint(uri);
      // "unknown": the store did not answer; compare again after the next job.
      if (now === before || now === "unknown") continue;
      entry.fingerprint = Promise.resolve(now);
      this.emit({ kind: "resource_updated", uri });
    }
  }

  private async fingerprint(uri: string): Promise<string> {
    const target = parseResourceUri(this.ctx.roots, uri);
    if (!target) return "absent";
    try {
      const doc = await this.ctx.store.getDocument(target.root, target.path);
      return doc ? `${doc.status}:${doc.sha256}:${doc.indexedAt}` : "absent";
    } catch (error) {
      // An unreachable store: no notice now; the next job's check compares again.
      this.ctx.log.warn("change notices: lookup failed", { uri, error: describeError(error) });
      return "unknown";
    }
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.ctx.log.warn("change notice listener failed", { error: describeError(error) });
      }
    }
  }
}
