/**
 * The document row the vector benchmarks write for each synthetic document: one in ten of kind
 * pdf (what their filtered searches keep), the rest Markdown.
 */
import { createHash } from "node:crypto";
import type { DocumentRecord } from "../indexers/store.js";

export function syntheticDocument(root: string, path: string, doc: number): DocumentRecord {
  return {
    root,
    path,
    kind: doc % 10 === 0 ? "pdf" : "markdown",
    size: 1000,
    mtimeMs: 0,
    sha256: createHash("sha256").update(path).digest("hex"),
    status: "indexed",
    indexedAt: Date.now(),
  };
}
