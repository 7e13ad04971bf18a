/**
 * The ignore decision for one directory entry, shared by the walker and the IgnoreMatcher.
 * Each directory gets a frame holding the pattern lists in force inside it, highest precedence
 * first: the stack git builds in prep_exclude(). Deciding an entry is then "the first list
 * with a matching pattern decides; within a list the last matching pattern decides".
 */
import { realpath, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { toByteString } from "./byte-string.js";
import {
  defaultExcludeRule,
  isAlwaysExcluded,
  type DefaultExcludeConfig,
} from "./default-excludes.js";
import { findRepo, repoWideLists, type RepoInfo } from "./git-repo.js";
import { readGitignoreTextSync } from "./gitignore-file.js";
import { parseGitignore, type GitPattern } from "./gitignore-parse.js";
import { WalkError, type ResolvedWalkOptions } from "./options.js";
import { lastMatchingPattern, SETTINGS_SOURCE, type PatternList } from "./pattern-match.js";

/**
 * What decided an entry: git's own folder, a default exclude (named as README.md lists it), or
 * a pattern of some list, which re-includes when it is a `!` pattern.
 */
export type Rule =
  | { kind: "git" }
  | { kind: "default"; label: string }
  | { kind: "pattern"; list: PatternList; pattern: GitPattern };

const GIT_RULE: Rule = { kind: "git" };

/** Whether the deciding rule leaves the entry out (no rule: it stays in). */
export function excludes(rule: Rule | undefined): boolean {
  return rule !== undefined && (rule.kind !== "pattern" || !rule.pattern.negative);
}

export interface DirFrame {
  /** Walk-root-relative POSIX path ("" for the root). */
  rel: string;
  relBytes: string;
  /** Path relative to the top of the repository this directory belongs to (byte string). */
  repoRelBytes: string;
  /** Basename of the directory ("" for the root). */
  name: string;
  /** The .gitignore lists (and extraExcludes) in force here, highest precedence first. */
  lists: readonly PatternList[];
  /** info/exclude and core.excludesFile of the repository this directory belongs to. */
  repoLists: readonly PatternList[];
}

export class IgnoreRules {
  readonly rootFrame: DirFrame;
  private readonly defaults: DefaultExcludeConfig;

  private constructor(
    readonly root: string,
    private readonly options: ResolvedWalkOptions,
    private readonly extras: PatternList | undefined,
  ) {
    this.defaults = { enabled: options.defaultExcludes, indexDirName: options.indexDirName };
    this.rootFrame = this.buildRootFrame();
  }

  static async create(options: ResolvedWalkOptions): Promise<IgnoreRules> {
    return IgnoreRules.createForRealRoot(options, await realRoot(options.root));
  }

  /** Synchronous, so the matcher can rebuild after a change; `root` must already be a realpath. */
  static createForRealRoot(options: ResolvedWalkOptions, root: string): IgnoreRules {
    const patterns = parseGitignore(toByteString(options.extraExcludes.join("\n")));
    const extras: PatternList | undefined =
      patterns.length > 0
        ? { patterns, baseLength: 0, coordinate: "walk", source: SETTINGS_SOURCE }
        : undefined;
    return new IgnoreRules(root, options, extras);
  }

  private buildRootFrame(): DirFrame {
    const repo = findRepo(this.root);
    const top = repo?.top ?? this.root;
    const parts = relative(top, this.root)
      .split(sep)
      .filter((p) => p !== "");
    const rootRepoRel = toByteString(parts.join("/"));
    // The .gitignore files from the repository top down to the root's parent: deepest first.
    const ancestors: PatternList[] = [];
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = join(top, ...parts.slice(0, depth));
      const list = gitignoreList(
        readGitignoreTextSync(dir),
        toByteString(parts.slice(0, depth).join("/")),
        dir,
      );
      if (list !== undefined) ancestors.unshift(list);
    }
    const own = gitignoreList(readGitignoreTextSync(this.root), rootRepoRel, this.root);
    return {
      rel: "",
      relBytes: "",
      repoRelBytes: rootRepoRel,
      name: "",
      lists: present([this.extras, own, ...ancestors]),
      repoLists: repoWideLists(repo, top, this.configLocation()),
    };
  }

  private configLocation(): { env: ResolvedWalkOptions["env"]; home: string | undefined } {
    return { env: this.options.env, home: this.options.homeDir };
  }

  /**
   * The frame of directory `name` inside `parent`. `gitignore` is its .gitignore as a byte
   * string, if any; `nestedRepo` is set when the directory is the top of another repository,
   * whose own rules then replace the enclosing repository's (see README, "Nested repositories").
   */
  childFrame(
    parent: DirFrame,
    name: string,
    gitignore: string | undefined,
    nestedRepo: RepoInfo | undefined,
  ): DirFrame {
    const nameBytes = toByteString(name);
    const rel = joinRel(parent.rel, name);
    const relBytes = joinRel(parent.relBytes, nameBytes);
    const repoRelBytes = nestedRepo !== undefined ? "" : joinRel(parent.repoRelBytes, nameBytes);
    const own = gitignoreList(gitignore, repoRelBytes, join(this.root, rel));
    if (nestedRepo !== undefined) {
      return {
        rel,
        relBytes,
        repoRelBytes,
        name,
        lists: present([own, this.extras]),
        repoLists: repoWideLists(nestedRepo, nestedRepo.top, this.configLocation()),
      };
    }
    const lists = own === undefined ? parent.lists : [own, ...parent.lists];
    return { rel, relBytes, repoRelBytes, name, lists, repoLists: parent.repoLists };
  }

  /** Whether entry `name` of directory `frame` is left out. `nameBytes` is toByteString(name). */
  isExcluded(frame: DirFrame, name: string, nameBytes: string, isDir: boolean): boolean {
    return excludes(this.decidingRule(frame, name, nameBytes, isDir));
  }

  /** The rule that decides entry `name` of directory `frame`, or undefined when none applies. */
  decidingRule(frame: DirFrame, name: string, nameBytes: string, isDir: boolean): Rule | undefined {
    if (isAlwaysExcluded(name)) return GIT_RULE;
    const label = defaultExcludeRule(this.defaults, name, frame.name, isDir);
    if (label !== undefined) return { kind: "default", label };
    const repoPath = joinRel(frame.repoRelBytes, nameBytes);
    let walkPath: string | undefined;
    for (const list of frame.lists) {
      let path = repoPath;
      if (list.coordinate === "walk") path = walkPath ??= joinRel(frame.relBytes, nameBytes);
      const pattern = lastMatchingPattern(list, path, nameBytes.length, isDir);
      if (pattern !== undefined) return { kind: "pattern", list, pattern };
    }
    for (const list of frame.repoLists) {
      const pattern = lastMatchingPattern(list, repoPath, nameBytes.length, isDir);
      if (pattern !== undefined) return { kind: "pattern", list, pattern };
    }
    return undefined;
  }
}

/** `dirAbs`: the absolute path of the directory the .gitignore is in (its `source`). */
function gitignoreList(
  text: string | undefined,
  dirRepoRelBytes: string,
  dirAbs: string,
): PatternList | undefined {
  if (text === undefined) return undefined;
  const patterns = parseGitignore(text);
  if (patterns.length === 0) return undefined;
  const baseLength = dirRepoRelBytes === "" ? 0 : dirRepoRelBytes.length + 1;
  return { patterns, baseLength, coordinate: "repo", source: join(dirAbs, ".gitignore") };
}

function present(lists: (PatternList | undefined)[]): PatternList[] {
  return lists.filter((l): l is PatternList => l !== undefined);
}

export function joinRel(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

async function realRoot(root: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(resolve(root));
  } catch (err) {
    throw new WalkError(
      "ROOT_NOT_FOUND",
      `Cannot open the root folder ${root}: ${(err as Error).message}. Check that the path exists and is readable.`,
    );
  }
  if (!(await stat(real)).isDirectory()) {
    throw new WalkError(
      "ROOT_NOT_DIRECTORY",
      `The root ${root} is a file, not a folder. Configure the folder that contains it instead.`,
    );
  }
  return real;
}
