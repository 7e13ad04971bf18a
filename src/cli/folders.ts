/**
 * The check every command that takes folders makes first. In its own module so that commands
 * which only read (explain, inventory, serve) do not load the reindex pipeline to get it.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { DocindexError } from "../errors.js";

export function assertFolders(command: string, dirs: string[]): void {
  for (const dir of dirs) {
    const abs = resolve(dir);
    if (!existsSync(abs))
      throw new DocindexError("NOT_FOUND", `docindex ${command}: folder not found: ${dir}`);
    if (!statSync(abs).isDirectory())
      throw new DocindexError("USAGE", `docindex ${command}: not a folder: ${dir}`);
  }
}

/** The check of a command that takes one DIR at most (inventory, doctor), then assertFolders. */
export function assertOneFolderAtMost(command: string, dirs: string[]): void {
  if (dirs.length > 1) {
    throw new DocindexError(
      "USAGE",
      `docindex ${command}: takes one DIR at most (see \`docindex ${command} --help\`)`,
    );
  }
  assertFolders(command, dirs);
}
