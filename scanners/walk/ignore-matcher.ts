/**
 * Ignore decisions for arbitrary paths, for the file watcher and the admission rule: the same
 * rules as the walker, with each directory's rules loaded on first use and cached until
 * invalidated.
 */
import { posix } from "node:path";
import { toByteString } from "./byte-string.js";
import { repoAt } from "./git-repo.js";
import { readGitignoreTextSync } from "./gitignore-file.js";
import { excludes, IgnoreRules, type DirFrame, type Rule } from "./ignore-rules.js";
import { resolveWalkOptions, type ResolvedWalkOptions, type WalkOptions } from "./options.js";

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
  return LazyIgnoreMatcher.create(resolveWalkOptions(options));
}

export class LazyIgnoreMatcher implements IgnoreMatcher {
  /** Directory frames by root-relative path. */
  private frames = new Map<string, DirFrame>();

  private constructor(
    private current: IgnoreRules,
    private readonly rebuild: () => IgnoreRules,
  ) {}

  static async create(resolved: ResolvedWalkOptions): Promise<LazyIgnoreMatcher> {
    return LazyIgnoreMatcher.over(await IgnoreRules.create(resolved), resolved);
  }

  /** A matcher sharing the walker's rules, so that a walk and its link targets agree. */
  static over(rules: IgnoreRules, resolved: ResolvedWalkOptions): LazyIgnoreMatcher {
    return new LazyIgnoreMatcher(rules, () => IgnoreRules.createForRealRoot(resolved, rules.root));
  }

  /** The rules in force (replaced when a non-.gitignore source is invalidated). */
  get rules(): IgnoreRules {
    return this.current;
  }

  isIgnored(rel: string, isDir: boolean): boolean {
    const path = normalizeRel(rel);
    if (path === undefined) return true;
    return excludes(this.rule(path, isDir));
  }

  /**
   * The rule that decides `path` (normalized, inside the root): the one that excludes it or a
   * directory above it (git never looks inside an ignored directory), else the `!` pattern
   * that re-included it, else undefined.
   */
  rule(path: string, isDir: boolean): Rule | undefined {
    if (path === "") return undefined;
    const parts = path.split("/");
    let frame = this.current.rootFrame;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] as string;
      const last = i === parts.length - 1;
      const rule = this.current.decidingRule(frame, name, toByteString(name), last ? isDir : true);
      if (last || excludes(rule)) return rule;
      frame = this.frameOf(frame, name);
    }
    return undefined;
  }

  /** The frame of directory `dirRel` (normalized, not itself checked for being ignored). */
  frameAt(dirRel: string): DirFrame {
    let frame = this.current.rootFrame;
    if (dirRel === "") return frame;
    for (const name of dirRel.split("/")) frame = this.frameOf(frame, name);
    return frame;
  }

  invalidate(gitignoreRel: string): void {
    const path = normalizeRel(gitignoreRel);
    if (path === undefined || path === ".gitignore" || posix.basename(path) !== ".gitignore") {
      this.current = this.rebuild();
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
    const abs = posix.join(this.current.root, rel);
    const frame = this.current.childFrame(parent, name, readGitignoreTextSync(abs), repoAt(abs));
    this.frames.set(rel, frame);
    return frame;
  }
}

/** Root-relative POSIX path without "./", duplicate or trailing slashes; undefined if it leaves the root. */
export function normalizeRel(rel: string): string | undefined {
  const path = posix.normalize(rel);
  if (path === "." || path === "./" || path === "/") return "";
  if (path.startsWith("/") || path === ".." || path.startsWith("../")) return undefined;
  return path.endsWith("/") ? path.slice(0, -1) : path;
}
