/**
 * The gate in front of every read of a path a client names (read_document, the resources,
 * analyze): the path must lie in a root, and the root's admission rule must admit it now. So
 * the target of a refused symlink is never served, not even from an index written before the
 * rule refused it (by an older version, or before a .gitignore change reached the index).
 * A document found inside a file is judged by that file.
 */
import { verdictLine } from "../../scanners/walk/index.js";
import { DocindexError } from "../errors.js";
import { confinePath, type ConfinedPath } from "./confine.js";
import type { ServerContext } from "./context.js";

export async function readablePath(
  ctx: Pick<ServerContext, "roots" | "admission" | "store">,
  input: string,
  rootHint?: string,
): Promise<ConfinedPath> {
  const confined = confinePath(ctx.roots, input, rootHint);
  // A document inside a file (an attachment, `m.eml#a.pdf`) is not on disk: it may be read
  // when the file it was found in may be read. Only the store says which paths those are.
  const container = (await ctx.store.getDocument(confined.root, confined.path))?.container;
  const judged = container ?? confined.path;
  const { verdict } = (await ctx.admission(confined.root)).judgePath(judged);
  // A file deleted since it was indexed leads nowhere any more; its stored text was admitted
  // when it was written, and the next run removes it.
  if (verdict.admitted || verdict.refusal.kind === "missing") return confined;
  throw new DocindexError(
    "NOT_FOUND",
    `'${confined.path}' may not be read: ${container === undefined ? "" : `it is inside '${container}', and `}${verdictLine(verdict, confined.root)}`,
  );
}
