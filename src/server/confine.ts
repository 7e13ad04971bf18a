/**
 * Where a client-supplied path points: a root and a root-relative POSIX path, after resolving
 * `..`, so that neither `../../etc/passwd` nor an absolute path elsewhere names anything. This
 * is only the lexical half: where a symlink on the way leads is the admission rule's to judge
 * (scanners/walk/admission.ts), which every read (readable-path.ts) and every path run asks.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { DocindexError } from "../errors.js";

export interface ConfinedPath {
  root: string;
  /** Root-relative, POSIX separators; "" for the root itself. */
  path: string;
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === "" || (!rel.startsWith(".." + sep) && rel !== ".." && !isAbsolute(rel));
}

function toPosix(rel: string): string {
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/**
 * @param roots realpaths of the configured roots
 * @param input a root-relative or absolute path from a client
 * @param rootHint optional root (absolute path, or a root's folder name) to resolve relative paths against
 */
export function confinePath(roots: string[], input: string, rootHint?: string): ConfinedPath {
  if (input.includes("\0")) throw new DocindexError("OUTSIDE_ROOT", "path contains a NUL byte");
  const candidates = rootHint !== undefined ? [pickRoot(roots, rootHint)] : roots;
  for (const root of candidates) {
    const abs = isAbsolute(input) ? resolve(input) : resolve(root, input);
    if (!isInside(root, abs)) continue;
    return { root, path: toPosix(relative(root, abs)) };
  }
  throw new DocindexError(
    "OUTSIDE_ROOT",
    `path '${input}' is outside the indexed roots (${roots.join(", ")}); give a path relative to a root`,
  );
}

/** A root by absolute path or by folder name, as search results and resources show it. */
export function pickRoot(roots: string[], hint: string): string {
  const byPath = roots.find((root) => root === resolve(hint));
  if (byPath) return byPath;
  const byName = roots.filter((root) => root.split(sep).pop() === hint);
  if (byName.length === 1) return byName[0]!;
  throw new DocindexError("OUTSIDE_ROOT", `unknown root '${hint}'; roots: ${roots.join(", ")}`);
}
