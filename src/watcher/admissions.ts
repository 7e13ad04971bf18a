/**
 * One admission rule per root (scanners/walk/admission.ts), shared by every door of a running
 * server: the watcher (what to watch), the path runs (what to index), reads (what to serve)
 * and the inventory (why), so all of them answer alike. A .gitignore edit invalidates that
 * file's cached rules.
 */
import { createAdmission, type Admission } from "../../scanners/walk/index.js";
import type { Settings } from "../config/schema.js";
import { walkOptionsFor } from "../pipeline/walk-options.js";

export class Admissions {
  private readonly byRoot = new Map<string, Promise<Admission>>();

  constructor(private readonly settings: Settings) {}

  for(root: string): Promise<Admission> {
    let admission = this.byRoot.get(root);
    if (!admission) {
      admission = createAdmission(walkOptionsFor(root, this.settings));
      this.byRoot.set(root, admission);
    }
    return admission;
  }

  /** Forgets every cached rule of a root: the next call reads all its ignore files afresh. */
  reset(root: string): void {
    this.byRoot.delete(root);
  }

  async invalidate(root: string, gitignoreRel: string): Promise<void> {
    const admission = this.byRoot.get(root);
    if (admission) (await admission).invalidate(gitignoreRel);
  }
}
