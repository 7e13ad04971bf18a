/**
 * The walker's options, their defaults, and its one error class.
 */
import { lstatSync, type Dirent, type Stats } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";

/** The file system calls the walker makes; tests inject one to observe which directories are read. */
export interface WalkFs {
  readdir(path: string): Promise<Dirent[]>;
  /** Only for a refused symlink, whose row reports the link's own size and mtime. */
  lstat(path: string): Stats | Promise<Stats>;
  stat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  /** `flag` is a numeric open(2) flag set (the walker passes O_NOFOLLOW for .gitignore). */
  readFile(path: string, flag: number): Promise<Buffer>;
}

export const nodeWalkFs: WalkFs = {
  readdir: (path) => readdir(path, { withFileTypes: true }),
  lstat: (path) => lstatSync(path),
  stat: (path) => stat(path),
  realpath: (path) => realpath(path),
  readFile: (path, flag) => readFile(path, { flag }),
};

export interface WalkOptions {
  /** Absolute or relative; resolved, then realpath'ed. */
  root: string;
  /** Default true: leave out the index folder and secret-looking files (see README). `.git` is always left out. */
  defaultExcludes?: boolean;
  /** gitignore-syntax lines from user config, applied like a root .gitignore placed after the root .gitignore. */
  extraExcludes?: string[];
  /** Default 50 MiB. Bigger files are still yielded; this limit is judged when they are opened. */
  maxFileSizeBytes?: number;
  /** Default false. When true, symlinked directories whose target stays inside the root are walked. */
  followSymlinks?: boolean;
  /** Default ".docindex". */
  indexDirName?: string;
  signal?: AbortSignal;
  /** Environment for git's config lookup (HOME, XDG_CONFIG_HOME, GIT_CONFIG_*). Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for `~` and the global git config. Default env.HOME, as git does. */
  homeDir?: string;
  /** Default: node:fs/promises. */
  fs?: WalkFs;
}

export interface ResolvedWalkOptions {
  root: string;
  defaultExcludes: boolean;
  extraExcludes: readonly string[];
  maxFileSizeBytes: number;
  followSymlinks: boolean;
  indexDirName: string;
  signal: AbortSignal | undefined;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string | undefined;
  fs: WalkFs;
}

export const DEFAULT_MAX_FILE_SIZE_BYTES = 50 * 1024 * 1024;
export const DEFAULT_INDEX_DIR_NAME = ".docindex";

export function resolveWalkOptions(options: WalkOptions): ResolvedWalkOptions {
  const env = options.env ?? process.env;
  return {
    root: options.root,
    defaultExcludes: options.defaultExcludes ?? true,
    extraExcludes: options.extraExcludes ?? [],
    maxFileSizeBytes: options.maxFileSizeBytes ?? DEFAULT_MAX_FILE_SIZE_BYTES,
    followSymlinks: options.followSymlinks ?? false,
    indexDirName: options.indexDirName ?? DEFAULT_INDEX_DIR_NAME,
    signal: options.signal,
    env,
    homeDir: options.homeDir ?? (env.HOME || undefined),
    fs: options.fs ?? nodeWalkFs,
  };
}

export type WalkErrorCode = "ROOT_NOT_FOUND" | "ROOT_NOT_DIRECTORY";

export class WalkError extends Error {
  override readonly name = "WalkError";
  constructor(
    readonly code: WalkErrorCode,
    message: string,
  ) {
    super(message);
  }
}
