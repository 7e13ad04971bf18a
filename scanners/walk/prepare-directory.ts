/**
 * One directory, ready to walk: listed, its rules loaded, its entries filtered through them,
 * symlinks resolved, and sorted. Everything the walker needs to know before it can yield in
 * order. Plain files are not stat'ed: `readdir` with file types says what they are (Node
 * lstats by itself the entries whose d_type the file system leaves unknown), and their size
 * and mtime are read later by whoever needs them (file-facts.ts).
 */
import type { Dirent } from "node:fs";
import { sep } from "node:path";
import type { Admission, EntryFacts, LinkTarget, Verdict } from "./admission.js";
import { toByteString } from "./byte-string.js";
import { repoAt } from "./git-repo.js";
import { readGitignoreText } from "./gitignore-file.js";
import type { DirFrame, IgnoreRules } from "./ignore-rules.js";
import type { FileFacts } from "./file-facts.js";
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

/**
 * A file entry is listed with its verdict: admitted, or refused (a row that is never read).
 * `facts` only for a refused link: its own lstat, the one thing its row may report.
 */
export type WalkEntry =
  | { type: "file"; name: string; key: string; verdict: Verdict; facts?: FileFacts }
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

/** How many entries are decided between two looks at the clock. */
const CLOCK_EVERY = 256;

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

  const entries: WalkEntry[] = [];
  const links: { name: string; key: string }[] = [];
  for (let i = 0; i < dirents.length; i++) {
    const dirent = dirents[i] as Dirent;
    const name = dirent.name;
    const nameBytes = toByteString(name);
    // A folder of 100k entries must not hold the loop either.
    if (i % CLOCK_EVERY === CLOCK_EVERY - 1) await yieldIfDue(ctx);
    if (dirent.isSymbolicLink()) {
      // Decided once its target is known (resolveLinks).
      links.push({ name, key: nameBytes });
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
      entries.push({ type: "dir", name, key: `${nameBytes}/`, real: real as string });
    } else if (facts === FILE && (verdict.admitted || verdict.listed)) {
      entries.push({ type: "file", name, key: nameBytes, verdict });
    }
  }

  if (links.length > 0) await resolveLinks(ctx, task, frame, links, entries);
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  await yieldIfDue(ctx);
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

/** Symlinks, each judged by its target (which takes a realpath and a stat). */
async function resolveLinks(
  ctx: WalkContext,
  task: DirTask,
  frame: DirFrame,
  links: { name: string; key: string }[],
  out: WalkEntry[],
): Promise<void> {
  for (const link of links) {
    try {
      const entry = await resolveLink(ctx, task, frame, link, task.abs + sep + link.name);
      if (entry !== undefined) out.push(entry);
    } catch {
      // Gone since the listing, or unreadable: not listed, like an unreadable directory.
    }
  }
}

const TIME_SLICE_MS = 10;

/**
 * Gives the event loop a turn once the walk has held it for TIME_SLICE_MS, so a server running
 * a walk stays responsive: awaiting a listing that is ready already takes no turn.
 */
export async function yieldIfDue(ctx: WalkContext): Promise<void> {
  if (performance.now() <= ctx.slice.deadline) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  ctx.slice.deadline = performance.now() + TIME_SLICE_MS;
}

export function newTimeSlice(): { deadline: number } {
  return { deadline: performance.now() + TIME_SLICE_MS };
}

/**
 * A symlink, decided by the admission rule once its target is known. An admitted link to a
 * file is listed like a file (its figures, the target's, are read when it is opened); a
 * refused one is listed with its own lstat, and nothing of the target.
 */
async function resolveLink(
  ctx: WalkContext,
  task: DirTask,
  frame: DirFrame,
  item: { name: string; key: string },
  abs: string,
): Promise<WalkEntry | undefined> {
  const { fs } = ctx.options;
  let target: LinkTarget;
  try {
    const real = await fs.realpath(abs);
    const st = await fs.stat(real);
    target = { real, type: st.isFile() ? "file" : st.isDirectory() ? "dir" : "special" };
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
    return { type: "file", name: item.name, key: item.key, verdict };
  }
  if (!verdict.listed) return undefined;
  const result = fs.lstat(abs);
  const own = result instanceof Promise ? await result : result;
  const facts = { size: own.size, mtimeMs: own.mtimeMs };
  return { type: "file", name: item.name, key: item.key, verdict, facts };
}
