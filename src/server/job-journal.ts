/**
 * Index work that could not be applied because the store was unreachable (an Elasticsearch
 * cluster that is down), kept on local disk until it can be: the watcher's batches and reindex
 * requests survive both the outage and a restart of the server. Written atomically (temporary
 * file, then rename), so a crash leaves the previous journal or the new one, never half of one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { JobRequest } from "./index-jobs.js";

interface StoredRequest {
  kind: JobRequest["kind"];
  roots?: string[];
  paths?: Record<string, string[]>;
  full?: boolean;
}

export class JobJournal {
  constructor(readonly path: string) {}

  load(): JobRequest[] {
    if (!existsSync(this.path)) return [];
    try {
      const stored = JSON.parse(readFileSync(this.path, "utf8")) as StoredRequest[];
      return stored.map((request) => ({
        kind: request.kind,
        roots: request.roots,
        full: request.full,
        paths: request.paths
          ? new Map(Object.entries(request.paths).map(([root, paths]) => [root, new Set(paths)]))
          : undefined,
      }));
    } catch {
      // An unreadable journal is not worth a crash: the start-up scan reconciles every root.
      return [];
    }
  }

  save(requests: JobRequest[]): void {
    if (requests.length === 0) {
      rmSync(this.path, { force: true });
      return;
    }
    const stored: StoredRequest[] = requests.map((request) => ({
      kind: request.kind,
      roots: request.roots,
      full: request.full,
      paths: request.paths
        ? Object.fromEntries([...request.paths].map(([root, paths]) => [root, [...paths].sort()]))
        : undefined,
    }));
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(stored, null, 2));
    renameSync(temporary, this.path);
  }
}
