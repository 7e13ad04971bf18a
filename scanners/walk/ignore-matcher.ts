/**
 * Ignore decisions for arbitrary paths, for the file watcher: the same rules as the walker,
 * with each directory's rules loaded on first use and cached until invalidated.
 */
import { posix } from "node:path";
import { toByteString } from "./byte-string.js";
import { repoAt } from "./git-repo.js";
import { readGitignoreTextSync } from "./gitignore-file.js";
import { IgnoreRules, type DirFrame } from "./ignore-rules.js";
import { resolveWalkOptions, type WalkOptions } from "./options.js";

export interface IgnoreMatcher {
  /**
   * `rel`: root-relative POSIX path; `isDir` true for directories. True if git (plus the
   * default excludes) would ignore it, taking every .gitignore from the root down to its parent
   * into account. Paths that leave the root ("../x") are reported ignored. The root itself ("")
   * never is.
   */
  isIgnored(rel: string, isDir: boolean): boolean;
  /**
   * Drop cached rules for a .gitignore that changed (root-relative path of the file), so the
   * next isIgnored sees the new rules. Any other path (info/exclude, a global excludes file, a
   * `.git` that appeared) drops everything.
   */
  invalidate(gitignoreRel: string): void;
}

export async function createIgnoreMatcher(options: WalkOptions): Promise<IgnoreMatcher> {
  const resolved = resolveWalkOptions(options);
  const rules = await IgnoreRules.create(resolved);
  return new LazyIgnoreMatcher(rules, () => IgnoreRules.createForRealRoot(resolved, rules.root));
}

class LazyIgnoreMatcher implements IgnoreMatcher {
  /** Directory frames by root-relative path. */
  private frames = new Map<string, DirFrame>();

  constructor(
    private rules: IgnoreRules,
    private readonly rebuild: () => IgnoreRules,
  ) {}

  isIgnored(rel: string, isDir: boolean): boolean {
    const path = normalize(rel);
    if (path === undefined) return true;
    if (path === "") return false;
    const parts = path.split("/");
    let frame = this.rules.rootFrame;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] as string;
      const last = i === parts.length - 1;
      // A directory that is ignored hides everything below it: git never looks inside.
      if (this.rules.isExcluded(frame, name, toByteString(name), last ? isDir : true)) return true;
      if (last) break;
      frame = this.frameOf(frame, name);
    }
    return false;
  }

  invalidate(gitignoreRel: string): void {
    const path = normalize(gitignoreRel);
    if (path === undefined || path === ".gitignore" || posix.basename(path) !== ".gitignore") {
      this.rules = this.rebuild();
      this.frames.clear();
      return;
    }
    const dir = posix.dirname(path);
    const prefix = `${dir}/`;
    for (const key of [...this.frames.keys()]) {
      if (key === dir || key.startsWith(prefix)) this.frames.delete(key);
    }
  }

  private frameOf(parent: DirFrame, name: string): DirFrame {
    const rel = parent.rel === "" ? name : `${parent.rel}/${name}`;
    const cached = this.frames.get(rel);
    if (cached !== undefined) return cached;
    const abs = posix.join(this.rules.root, rel);
    const frame = this.rules.childFrame(parent, name, readGitignoreTextSync(abs), repoAt(abs));
    this.frames.set(rel, frame);
    return frame;
  }
}

/** Root-relative POSIX path without "./", duplicate or trailing slashes; undefined if it leaves the root. */
function normalize(rel: string): string | undefined {
  const path = posix.normalize(rel);
  if (path === "." || path === "./" || path === "/") return "";
  if (path.startsWith("/") || path === ".." || path.startsWith("../")) return undefined;
  return path.endsWith("/") ? path.slice(0, -1) : path;
}
