/**
 * The gate in front of every read of a path a client names (read_document, the resources,
 * analyze): the path must lie in a root, and the root's admission rule must admit it now. So
 * the target of a refused symlink is never served, not even from an index written before the
 * rule refused it (by an older version, or before a .gitignore change reached the index).
 */
import { verdictLine } from "../../scanners/walk/index.js";
import { DocindexError } from "../errors.js";
import { confinePath, type ConfinedPath } from "./confine.js";
import type { ServerContext } from "./context.js";

export async function readablePath(
  ctx: Pick<ServerContext, "roots" | "admission">,
  input: string,
  rootHint?: string,
): Promise<ConfinedPath> {
  const confined = confinePath(ctx.roots, input, rootHint);
  const { verdict } = (await ctx.admission(confined.root)).judgePath(confined.path);
  // A file deleted since it was indexed leads nowhere any more; its stored text was admitted
  // when it was written, and the next run removes it.
  if (verdict.admitted || verdict.refusal.kind === "missing") return confined;
  throw new DocindexError(
    "NOT_FOUND",
    `'${confined.path}' may not be read: ${verdictLine(verdict, confined.root)}`,
  );
}
