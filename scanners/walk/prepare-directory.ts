/**
 * One directory, ready to walk: listed, its rules loaded, its entries filtered through them,
 * stat'ed and sorted. Everything the walker needs to know before it can yield in order.
 */
import type { Dirent } from "node:fs";
import { relative, sep } from "node:path";
import { toByteString } from "./byte-string.js";
import { repoAt } from "./git-repo.js";
import { readGitignoreText } from "./gitignore-file.js";
import type { DirFrame, IgnoreRules } from "./ignore-rules.js";
import type { ResolvedWalkOptions } from "./options.js";

export interface WalkContext {
  rules: IgnoreRules;
  options: ResolvedWalkOptions;
  /** When the walk must next let the event loop run. */
  slice: { deadline: number };
}

/** A directory on the current descent path, with its realpath, to detect symlink cycles. */
export interface Ancestry {
  real: string;
  parent: Ancestry | undefined;
}

export interface DirTask {
  /** undefined for the root. */
  parent: DirFrame | undefined;
  name: string;
  abs: string;
  ancestry: Ancestry;
}

export type WalkEntry =
  | { type: "file"; name: string; key: string; size: number; mtimeMs: number }
  | { type: "dir"; name: string; key: string; real: string };

export interface PreparedDir {
  frame: DirFrame;
  ancestry: Ancestry;
  /** Sorted by key: the name's bytes, plus "/" for directories, which gives git's path order. */
  entries: WalkEntry[];
}

type Pending =
  | { type: "file"; name: string; key: string }
  | { type: "link"; name: string; key: string }
  | { type: "dir"; name: string; key: string; real: string };

export async function prepareDirectory(ctx: WalkContext, task: DirTask): Promise<PreparedDir> {
  const { rules, options } = ctx;
  let dirents: Dirent[];
  try {
    dirents = await options.fs.readdir(task.abs);
  } catch {
    dirents = [];
  }
  const frame =
    task.parent === undefined
      ? rules.rootFrame
      : await childFrame(ctx, task.parent, task.name, task.abs, dirents);

  const pending: Pending[] = [];
  for (const dirent of dirents) {
    const name = dirent.name;
    const nameBytes = toByteString(name);
    if (dirent.isDirectory()) {
      if (!rules.isExcluded(frame, name, nameBytes, true)) {
        pending.push({
          type: "dir",
          name,
          key: `${nameBytes}/`,
          real: task.ancestry.real + sep + name,
        });
      }
    } else if (dirent.isFile()) {
      if (!rules.isExcluded(frame, name, nameBytes, false)) {
        pending.push({ type: "file", name, key: nameBytes });
      }
    } else if (dirent.isSymbolicLink()) {
      // git sees a symlink as a file (it never follows one), so it is matched as a file,
      // unless it may be walked into.
      if (options.followSymlinks || !rules.isExcluded(frame, name, nameBytes, false)) {
        pending.push({ type: "link", name, key: nameBytes });
      }
    }
    // Sockets, FIFOs and devices: git does not list them, and they have no content to index.
  }

  const entries = await resolveEntries(ctx, task, frame, pending);
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { frame, ancestry: task.ancestry, entries };
}

async function childFrame(
  ctx: WalkContext,
  parent: DirFrame,
  name: string,
  abs: string,
  dirents: Dirent[],
): Promise<DirFrame> {
  let hasGitignore = false;
  let hasDotGit = false;
  for (const d of dirents) {
    if (d.name === ".gitignore" && d.isFile()) hasGitignore = true;
    else if (d.name === ".git") hasDotGit = true;
  }
  const gitignore = hasGitignore ? await readGitignoreText(ctx.options.fs, abs) : undefined;
  const nestedRepo = hasDotGit ? repoAt(abs) : undefined;
  return ctx.rules.childFrame(parent, name, gitignore, nestedRepo);
}

/**
 * stat what needs it. Files are lstat'ed synchronously (see WalkFs.lstat) and the walk gives
 * the event loop a turn every TIME_SLICE_MS, so a server running it stays responsive.
 */
async function resolveEntries(
  ctx: WalkContext,
  task: DirTask,
  frame: DirFrame,
  pending: Pending[],
): Promise<WalkEntry[]> {
  const { fs } = ctx.options;
  const out: WalkEntry[] = [];
  for (const item of pending) {
    if (item.type === "dir") {
      out.push(item);
      continue;
    }
    const abs = task.abs + sep + item.name;
    try {
      if (item.type === "file") {
        const result = fs.lstat(abs);
        const st = result instanceof Promise ? await result : result;
        out.push({
          type: "file",
          name: item.name,
          key: item.key,
          size: st.size,
          mtimeMs: st.mtimeMs,
        });
      } else {
        const entry = await resolveLink(ctx, task, frame, item, abs);
        if (entry !== undefined) out.push(entry);
      }
    } catch {
      // Gone since the listing, or unreadable: not listed, like an unreadable directory.
    }
    if (performance.now() > ctx.slice.deadline) await yieldToEventLoop(ctx);
  }
  return out;
}

const TIME_SLICE_MS = 10;

async function yieldToEventLoop(ctx: WalkContext): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  ctx.slice.deadline = performance.now() + TIME_SLICE_MS;
}

export function newTimeSlice(): { deadline: number } {
  return { deadline: performance.now() + TIME_SLICE_MS };
}

/**
 * A symlink is kept only if its target stays inside the root (tools must never read outside
 * it) and is not itself left out by the default excludes. Its target's size and mtime are
 * reported, since that is the content the pipeline reads.
 */
async function resolveLink(
  ctx: WalkContext,
  task: DirTask,
  frame: DirFrame,
  item: Pending,
  abs: string,
): Promise<WalkEntry | undefined> {
  const { rules, options } = ctx;
  const real = await options.fs.realpath(abs);
  if (!isInside(rules.root, real)) return undefined;
  const st = await options.fs.stat(real);
  const targetRel = relative(rules.root, real).split(sep).join("/");
  if (rules.isDefaultExcludedTarget(targetRel, st.isDirectory())) return undefined;
  if (st.isFile()) {
    if (options.followSymlinks && rules.isExcluded(frame, item.name, item.key, false)) {
      return undefined;
    }
    return { type: "file", name: item.name, key: item.key, size: st.size, mtimeMs: st.mtimeMs };
  }
  if (!st.isDirectory() || !options.followSymlinks) return undefined;
  if (rules.isExcluded(frame, item.name, item.key, true)) return undefined;
  for (let a: Ancestry | undefined = task.ancestry; a !== undefined; a = a.parent) {
    if (a.real === real) return undefined;
  }
  return { type: "dir", name: item.name, key: `${item.key}/`, real };
}

function isInside(root: string, real: string): boolean {
  if (real === root) return true;
  return real.startsWith(root.endsWith(sep) ? root : root + sep);
}
