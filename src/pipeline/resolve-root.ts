import { realpathSync, statSync } from "node:fs";
import { DocindexError } from "../errors.js";

/**
 * The canonical form of a root: its realpath. Stores key documents by it, so the same folder
 * reached through a symlink or a relative path is one root, not two.
 */
export function resolveRoot(root: string): string {
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    throw new DocindexError("NOT_FOUND", `folder not found: ${root}`);
  }
  if (!statSync(real).isDirectory()) throw new DocindexError("USAGE", `not a folder: ${root}`);
  return real;
}
