/**
 * The one check every client-supplied path goes through: it must name something inside one
 * of the configured roots, after resolving `..`, and after following symlinks (realpath), so
 * that neither `../../etc/passwd`, nor an absolute path elsewhere, nor a link that points out
 * of the root can be read. Returns the root and the root-relative POSIX path.
 */
import { realpathSync } from "node:fs";
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

/** realpath of the path, or of its deepest existing ancestor joined with the rest. */
function realpathAllowMissing(abs: string): string {
  const missing: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return resolve(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = resolve(current, "..");
      if (parent === current) return abs;
      missing.push(current.slice(parent.length).replace(/^[/\\]/, ""));
      current = parent;
    }
  }
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
    const real = realpathAllowMissing(abs);
    if (!isInside(root, real)) {
      throw new DocindexError(
        "OUTSIDE_ROOT",
        `path '${input}' leads outside the root ${root} (through a symbolic link)`,
      );
    }
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
