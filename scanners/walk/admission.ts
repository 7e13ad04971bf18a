/**
 * The admission rule: whether a path may enter the index and be read. Every door asks it: the
 * walker for each directory entry, and, through judgePath, the watcher's batches, `reindex`
 * with paths, read_document, the resources, inventory rows and `docindex explain`. So a
 * symlink cannot get in through one door that another one refuses.
 *
 * A path is judged by its own name first: git's rules as the walker computes them, plus the
 * default excludes. If that excludes it, it is not listed at all, as git would not list it. A
 * path that passes but leads through a symlink is judged again by where it leads: a target
 * outside the root, one that cannot be resolved (dangling, a loop), or one that the same rules
 * exclude (ignored, a secret, inside .git/ or the index folder) refuses the path. Such a path
 * stays listed, since git lists a symlink as a file, but only as a row with a reason: nothing
 * may read what it points at, not even to hash it.
 */
import { lstatSync, realpathSync, statSync, type Stats } from "node:fs";
import { join, relative, sep } from "node:path";
import { toByteString } from "./byte-string.js";
import { LazyIgnoreMatcher, normalizeRel } from "./ignore-matcher.js";
import { excludes, type DirFrame, type IgnoreRules, type Rule } from "./ignore-rules.js";
import { resolveWalkOptions, type ResolvedWalkOptions, type WalkOptions } from "./options.js";

/** What the disk says about an entry; gathered by the caller (the walker has its own fs). */
export type EntryFacts =
  /** `real`: the entry's realpath, given when it may differ from its path (below a followed link). */
  | { type: "file" | "dir"; real?: string }
  /** `cycle`: the target is a folder on the walk's current path (only the walker knows). */
  | { type: "link"; target: LinkTarget; cycle?: boolean }
  | { type: "missing" | "special" };

export type LinkTarget = { real: string; type: "file" | "dir" | "special" } | { error: string };

export type Refusal =
  /** The path itself, or a folder above it, is excluded by this rule. */
  | { kind: "rule"; rule: Rule }
  /** The path leads (`target`, root-relative) somewhere this rule excludes. */
  | { kind: "target"; target: string; rule: Rule }
  /** The path leads out of the root (`target` is absolute). */
  | { kind: "outside"; target: string }
  /** The link cannot be resolved: `code` is the errno code (ENOENT dangling, ELOOP a loop). */
  | { kind: "unresolvable"; code: string }
  | { kind: "folder-link"; target: string }
  | { kind: "cycle"; target: string }
  | { kind: "special"; target?: string }
  /** A folder above the path (`link`) is a symlink, and links to folders are not followed. */
  | { kind: "under-link"; link: string }
  | { kind: "outside-root" }
  | { kind: "missing" };

export type Verdict =
  /** `rule`: the `!` pattern that re-included it, if one did; `target`: where it leads, if elsewhere. */
  | { admitted: true; type: "file" | "dir"; rule?: Rule; target?: string }
  /** `listed`: it stays a row (with the refusal as its reason) instead of vanishing. */
  | { admitted: false; listed: boolean; refusal: Refusal };

/** A verdict from the disk, with the size and mtime the row reports when it lists a file. */
export interface PathJudgement {
  verdict: Verdict;
  /** Of the content for admitted files (a link's target); of the link itself for refused rows. */
  size?: number;
  mtimeMs?: number;
}

/** Whether the verdict makes a file row: an admitted file, or a listed refusal. */
export function listsFile(verdict: Verdict): boolean {
  return verdict.admitted ? verdict.type === "file" : verdict.listed;
}

// The common answers, shared so that walking a large tree allocates nothing for them.
const ADMITTED_FILE: Verdict = { admitted: true, type: "file" };
const ADMITTED_DIR: Verdict = { admitted: true, type: "dir" };
const MISSING: Verdict = { admitted: false, listed: false, refusal: { kind: "missing" } };

export async function createAdmission(options: WalkOptions): Promise<Admission> {
  const resolved = resolveWalkOptions(options);
  return new Admission(await LazyIgnoreMatcher.create(resolved), resolved);
}

export class Admission {
  constructor(
    /** Lazily loaded rules for any path: link targets, and the paths the doors ask about. */
    private readonly matcher: LazyIgnoreMatcher,
    private readonly options: ResolvedWalkOptions,
  ) {}

  /** For the walker: judged by the rules it walks with. */
  static forWalk(rules: IgnoreRules, options: ResolvedWalkOptions): Admission {
    return new Admission(LazyIgnoreMatcher.over(rules, options), options);
  }

  get root(): string {
    return this.matcher.rules.root;
  }

  /**
   * The rule, for entry `name` of directory `frame` (`nameBytes` is toByteString(name)). It
   * reads nothing from disk itself, apart from .gitignore files of a link target's folders.
   */
  decideEntry(frame: DirFrame, name: string, nameBytes: string, facts: EntryFacts): Verdict {
    const follows =
      facts.type === "link" &&
      this.options.followSymlinks &&
      "real" in facts.target &&
      facts.target.type === "dir";
    // git matches a symlink as a file; a followed symlinked folder is matched as a folder.
    const own = this.matcher.rules.decidingRule(
      frame,
      name,
      nameBytes,
      facts.type === "dir" || follows,
    );
    if (excludes(own))
      return { admitted: false, listed: false, refusal: { kind: "rule", rule: own! } };
    switch (facts.type) {
      case "missing":
        return MISSING;
      case "special":
        // Sockets, FIFOs, devices: git does not list them, and they have no content to index.
        return { admitted: false, listed: false, refusal: { kind: "special" } };
      case "file":
      case "dir": {
        if (facts.real === undefined) {
          if (own === undefined) return facts.type === "file" ? ADMITTED_FILE : ADMITTED_DIR;
          return { admitted: true, type: facts.type, rule: own };
        }
        const through = this.judgeTarget(facts.real, facts.type === "dir");
        if ("refusal" in through) {
          return { admitted: false, listed: facts.type === "file", refusal: through.refusal };
        }
        return { admitted: true, type: facts.type, rule: own, target: through.rel };
      }
      case "link":
        return this.decideLink(facts.target, facts.cycle === true, own);
    }
  }

  private decideLink(target: LinkTarget, cycle: boolean, own: Rule | undefined): Verdict {
    const refuse = (refusal: Refusal): Verdict => ({ admitted: false, listed: true, refusal });
    if ("error" in target) return refuse({ kind: "unresolvable", code: target.error });
    const through = this.judgeTarget(target.real, target.type === "dir");
    if ("refusal" in through) return refuse(through.refusal);
    const rel = through.rel;
    if (target.type === "special") return refuse({ kind: "special", target: rel });
    if (target.type === "dir") {
      if (!this.options.followSymlinks) return refuse({ kind: "folder-link", target: rel });
      if (cycle) return refuse({ kind: "cycle", target: rel });
      return { admitted: true, type: "dir", rule: own, target: rel };
    }
    return { admitted: true, type: "file", rule: own, target: rel };
  }

  /** Where a path really leads (`real`, absolute), judged by the same rules as a path of its own. */
  private judgeTarget(real: string, isDir: boolean): { rel: string } | { refusal: Refusal } {
    const root = this.root;
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      return { refusal: { kind: "outside", target: real } };
    }
    const rel = relative(root, real).split(sep).join("/");
    const rule = this.matcher.rule(rel, isDir);
    if (excludes(rule)) return { refusal: { kind: "target", target: rel, rule: rule! } };
    return { rel };
  }

  /**
   * The verdict for one root-relative path, looked up on disk now: the doors that are handed
   * a path (watcher events, `reindex` paths, reads, `docindex explain`) ask this.
   */
  judgePath(input: string): PathJudgement {
    const path = normalizeRel(input);
    if (path === undefined) {
      return { verdict: { admitted: false, listed: false, refusal: { kind: "outside-root" } } };
    }
    if (path === "") return { verdict: ADMITTED_DIR };
    const slash = path.lastIndexOf("/");
    const dirRel = slash < 0 ? "" : path.slice(0, slash);
    const name = path.slice(slash + 1);
    const above = this.matcher.rule(dirRel, true);
    if (excludes(above)) {
      return {
        verdict: { admitted: false, listed: false, refusal: { kind: "rule", rule: above! } },
      };
    }
    const link = this.symlinkedFolder(dirRel);
    if (link !== undefined && !this.options.followSymlinks) {
      // The walker never enters such a folder, so nothing below it is listed.
      return { verdict: { admitted: false, listed: false, refusal: { kind: "under-link", link } } };
    }
    const abs = join(this.root, path);
    const found = factsAt(abs, link !== undefined);
    const verdict = this.decideEntry(
      this.matcher.frameAt(dirRel),
      name,
      toByteString(name),
      found.facts,
    );
    if (!listsFile(verdict)) return { verdict };
    // A refused row reports the link itself: nothing about the target, not even its size.
    const st = verdict.admitted ? (found.content ?? found.own) : found.own;
    return { verdict, size: st?.size, mtimeMs: st?.mtimeMs };
  }

  /** For the watcher: whether a path is left out by its own name (then it is not watched). */
  isIgnored(rel: string, isDir: boolean): boolean {
    return this.matcher.isIgnored(rel, isDir);
  }

  invalidate(gitignoreRel: string): void {
    this.matcher.invalidate(gitignoreRel);
  }

  /** The first folder of `dirRel` (root-relative) that is a symlink, if any. */
  private symlinkedFolder(dirRel: string): string | undefined {
    if (dirRel === "") return undefined;
    const abs = join(this.root, dirRel);
    try {
      if (realpathSync(abs) === abs) return undefined;
    } catch {
      return undefined; // Missing: the entry's own facts say so.
    }
    const parts = dirRel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join("/");
      if (lstatOrUndefined(join(this.root, rel))?.isSymbolicLink()) return rel;
    }
    // realpath differed for another reason (case-insensitive names): judge by the real path.
    return undefined;
  }
}

interface FoundFacts {
  facts: EntryFacts;
  /** lstat of the path itself. */
  own?: Stats;
  /** stat of what a link points at. */
  content?: Stats;
}

/** The facts for one path, from the disk (synchronously: the watcher asks from a callback). */
function factsAt(abs: string, belowLink: boolean): FoundFacts {
  const own = lstatOrUndefined(abs);
  if (own === undefined) return { facts: { type: "missing" } };
  if (own.isSymbolicLink()) {
    try {
      const real = realpathSync(abs);
      const content = statSync(real);
      return { facts: { type: "link", target: { real, type: typeOf(content) } }, own, content };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      return { facts: { type: "link", target: { error: code } }, own };
    }
  }
  const type = typeOf(own);
  if (type === "special") return { facts: { type }, own };
  let real: string | undefined;
  if (belowLink) {
    try {
      real = realpathSync(abs);
    } catch {
      return { facts: { type: "missing" } };
    }
  }
  return { facts: { type, real }, own };
}

function typeOf(st: Stats): "file" | "dir" | "special" {
  return st.isFile() ? "file" : st.isDirectory() ? "dir" : "special";
}

function lstatOrUndefined(abs: string): Stats | undefined {
  try {
    return lstatSync(abs);
  } catch {
    return undefined;
  }
}
