/**
 * One directory, ready to walk: listed, its rules loaded, its entries filtered through them,
 * stat'ed and sorted. Everything the walker needs to know before it can yield in order.
 */
import type { Dirent } from "node:fs";
import { sep } from "node:path";
import type { Admission, EntryFacts, LinkTarget, Verdict } from "./admission.js";
import { toByteString } from "./byte-string.js";
import { repoAt } from "./git-repo.js";
import { readGitignoreText } from "./gitignore-file.js";
import type { DirFrame, IgnoreRules } from "./ignore-rules.js";
import type { ResolvedWalkOptions } from "./options.js";

export interface WalkContext {
  rules: IgnoreRules;
  /** Decides every entry: the walker asks the same rule as every other door. */
  admission: Admission;
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

/** A file entry is listed with its verdict: admitted, or refused (a row that is never read). */
export type WalkEntry =
  | { type: "file"; name: string; key: string; size: number; mtimeMs: number; verdict: Verdict }
  | { type: "dir"; name: string; key: string; real: string };

export interface PreparedDir {
  frame: DirFrame;
  ancestry: Ancestry;
  /** Sorted by key: the name's bytes, plus "/" for directories, which gives git's path order. */
  entries: WalkEntry[];
}

// Facts of plain entries, shared: a walk of 44k files allocates none.
const FILE: EntryFacts = { type: "file" };
const DIR: EntryFacts = { type: "dir" };
const SPECIAL: EntryFacts = { type: "special" };

type Pending =
  | { type: "file"; name: string; key: string; verdict: Verdict }
  | { type: "link"; name: string; key: string }
  | { type: "dir"; name: string; key: string; real: string };

export async function prepareDirectory(ctx: WalkContext, task: DirTask): Promise<PreparedDir> {
  const { rules, admission } = ctx;
  let dirents: Dirent[];
  try {
    dirents = await ctx.options.fs.readdir(task.abs);
  } catch {
    dirents = [];
  }
  const frame =
    task.parent === undefined
      ? rules.rootFrame
      : await childFrame(ctx, task.parent, task.name, task.abs, dirents);
  // Below a followed symlinked folder an entry's real path differs from its path: judged too.
  const belowLink = task.ancestry.real !== task.abs;

  const pending: Pending[] = [];
  for (const dirent of dirents) {
    const name = dirent.name;
    const nameBytes = toByteString(name);
    if (dirent.isSymbolicLink()) {
      // Decided once its target is known (resolveEntries).
      pending.push({ type: "link", name, key: nameBytes });
      continue;
    }
    const facts = dirent.isDirectory() ? DIR : dirent.isFile() ? FILE : SPECIAL;
    const real = facts === DIR || belowLink ? task.ancestry.real + sep + name : undefined;
    const verdict = admission.decideEntry(
      frame,
      name,
      nameBytes,
      belowLink && facts !== SPECIAL ? { type: facts.type as "file" | "dir", real } : facts,
    );
    if (verdict.admitted && verdict.type === "dir") {
      pending.push({ type: "dir", name, key: `${nameBytes}/`, real: real as string });
    } else if (facts === FILE && (verdict.admitted || verdict.listed)) {
      pending.push({ type: "file", name, key: nameBytes, verdict });
    }
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
          verdict: item.verdict,
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
 * A symlink, decided by the admission rule once its target is known. An admitted link to a
 * file reports the target's size and mtime, since that is the content the pipeline reads; a
 * refused one is listed with its own, and nothing of the target.
 */
async function resolveLink(
  ctx: WalkContext,
  task: DirTask,
  frame: DirFrame,
  item: Pending,
  abs: string,
): Promise<WalkEntry | undefined> {
  const { fs } = ctx.options;
  let target: LinkTarget;
  let size = 0;
  let mtimeMs = 0;
  try {
    const real = await fs.realpath(abs);
    const st = await fs.stat(real);
    target = { real, type: st.isFile() ? "file" : st.isDirectory() ? "dir" : "special" };
    ({ size, mtimeMs } = st);
  } catch (error) {
    target = { error: (error as NodeJS.ErrnoException).code ?? "error" };
  }
  let cycle = false;
  if ("real" in target) {
    for (let a: Ancestry | undefined = task.ancestry; a !== undefined; a = a.parent) {
      if (a.real === target.real) cycle = true;
    }
  }
  const verdict = ctx.admission.decideEntry(frame, item.name, item.key, {
    type: "link",
    target,
    cycle,
  });
  if (verdict.admitted) {
    if (verdict.type === "dir" && "real" in target) {
      return { type: "dir", name: item.name, key: `${item.key}/`, real: target.real };
    }
    return { type: "file", name: item.name, key: item.key, size, mtimeMs, verdict };
  }
  if (!verdict.listed) return undefined;
  const result = fs.lstat(abs);
  const own = result instanceof Promise ? await result : result;
  return {
    type: "file",
    name: item.name,
    key: item.key,
    size: own.size,
    mtimeMs: own.mtimeMs,
    verdict,
  };
}
