/**
 * One IgnoreMatcher per root, shared by the watcher (which decides what to watch) and the
 * path-batch runs (which decide what to index), so both apply the same rules. A .gitignore
 * edit invalidates that file's cached rules.
 */
import { createIgnoreMatcher, type IgnoreMatcher } from "../../scanners/walk/index.js";
import type { Settings } from "../config/schema.js";
import { walkOptionsFor } from "../pipeline/walk-options.js";

export class IgnoreMatchers {
  private readonly matchers = new Map<string, Promise<IgnoreMatcher>>();

  constructor(private readonly settings: Settings) {}

  for(root: string): Promise<IgnoreMatcher> {
    let matcher = this.matchers.get(root);
    if (!matcher) {
      matcher = createIgnoreMatcher(walkOptionsFor(root, this.settings));
      this.matchers.set(root, matcher);
    }
    return matcher;
  }

  /** Forgets every cached rule of a root: the next call reads all its ignore files afresh. */
  reset(root: string): void {
    this.matchers.delete(root);
  }

  async invalidate(root: string, gitignoreRel: string): Promise<void> {
    const matcher = this.matchers.get(root);
    if (matcher) (await matcher).invalidate(gitignoreRel);
  }
}
