/**
 * The server's part in a damaged index healing itself (src/pipeline/self-heal.ts sets the file
 * aside and opens a fresh one, on open or when a call meets the damage): say so in one log line,
 * and queue a reindex of every root, which refills the fresh index from the workspace (vectors
 * from the embedding cache) and reports progress like any reindex job. Tools keep answering
 * meanwhile, from what is indexed so far.
 */
import type { Store } from "../../indexers/store.js";
import type { Logger } from "../log.js";
import { describeRecovery, healerOf, type Recovery } from "../pipeline/self-heal.js";
import type { IndexJobs } from "./index-jobs.js";

export function rebuildOnRecovery(
  store: Store,
  jobs: IndexJobs,
  roots: string[],
  log: Logger,
): void {
  const healer = healerOf(store);
  if (healer === undefined) return;
  const rebuild = (recovery: Recovery) => {
    const job = jobs.enqueue({ kind: "reindex", roots });
    log.warn(`${describeRecovery(recovery)}; rebuilding it from the workspace`, {
      file: recovery.file,
      movedTo: recovery.movedTo,
      jobId: job.id,
    });
  };
  for (const recovery of healer.recoveries) rebuild(recovery);
  healer.onRecovered(rebuild);
}
