/**
 * Finding the git repository a directory belongs to, and the repository-wide ignore sources
 * ($GIT_DIR/info/exclude, core.excludesFile), without running git. Runs rarely (once per
 * repository), so it reads synchronously; the lazy IgnoreMatcher needs that anyway.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { bufferToByteString } from "./byte-string.js";
import { globalConfigFiles, resolveExcludesFile, type ConfigLocation } from "./git-config.js";
import { parseGitignore } from "./gitignore-parse.js";
import type { PatternList } from "./pattern-match.js";

export interface RepoInfo {
  /** Absolute path of the working tree's top directory. */
  top: string;
  gitDir: string;
  /** Where config and info/ live: differs from gitDir in linked worktrees. */
  commonDir: string;
}

/** The repository whose working tree top is exactly `dir`, if `dir/.git` is a usable git dir or gitfile. */
export function repoAt(dir: string): RepoInfo | undefined {
  const dotGit = join(dir, ".git");
  const st = statOrUndefined(dotGit);
  if (st === undefined) return undefined;
  let gitDir: string;
  if (st.isDirectory()) {
    gitDir = dotGit;
  } else if (st.isFile()) {
    const target = readGitFile(dotGit);
    if (target === undefined) return undefined;
    gitDir = resolve(dir, target);
  } else {
    return undefined;
  }
  const commonDir = readCommonDir(gitDir);
  // git's is_git_directory(): a stray `.git` folder without these is not a repository.
  if (!statOrUndefined(join(gitDir, "HEAD"))) return undefined;
  if (!statOrUndefined(join(commonDir, "objects"))?.isDirectory()) return undefined;
  if (!statOrUndefined(join(commonDir, "refs"))?.isDirectory()) return undefined;
  return { top: dir, gitDir, commonDir };
}

/** The nearest repository containing `dir` (itself included), walking up as git does. */
export function findRepo(dir: string): RepoInfo | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const repo = repoAt(current);
    if (repo !== undefined) return repo;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The repository-wide lists in git's precedence order: info/exclude before core.excludesFile.
 * Without a repository only the global excludes file applies, as it would to a fresh `git init`.
 */
export function repoWideLists(
  repo: RepoInfo | undefined,
  top: string,
  loc: ConfigLocation,
): PatternList[] {
  const lists: PatternList[] = [];
  if (repo !== undefined) {
    const infoExclude = join(repo.commonDir, "info", "exclude");
    const patterns = readPatterns(infoExclude);
    if (patterns.length > 0) {
      lists.push({ patterns, baseLength: 0, coordinate: "repo", source: infoExclude });
    }
  }
  const configFiles = globalConfigFiles(loc);
  if (repo !== undefined) configFiles.push(join(repo.commonDir, "config"));
  const excludesFile = resolveExcludesFile(loc, configFiles, top);
  if (excludesFile !== undefined) {
    const patterns = readPatterns(excludesFile);
    if (patterns.length > 0) {
      lists.push({ patterns, baseLength: 0, coordinate: "repo", source: excludesFile });
    }
  }
  return lists;
}

function readPatterns(file: string): ReturnType<typeof parseGitignore> {
  try {
    return parseGitignore(bufferToByteString(readFileSync(file)));
  } catch {
    return [];
  }
}

function readGitFile(file: string): string | undefined {
  try {
    const match = /^gitdir: (.+?)\r?\n?$/m.exec(readFileSync(file, "utf8"));
    return match?.[1];
  } catch {
    return undefined;
  }
}

function readCommonDir(gitDir: string): string {
  try {
    const rel = readFileSync(join(gitDir, "commondir"), "utf8").trim();
    return rel === "" ? gitDir : resolve(gitDir, rel);
  } catch {
    return gitDir;
  }
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
