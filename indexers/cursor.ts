/**
 * Opaque page cursors for `Store.documents`, the same in every store: the last (root, path)
 * key of a page, so pages stay stable under writes.
 */
import { StoreError } from "./store.js";

export function encodeCursor(root: string, path: string): string {
  return Buffer.from(JSON.stringify([root, path]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "string" &&
      typeof value[1] === "string"
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // Falls through to the error below: a cursor that is not ours is the caller's mistake.
  }
  throw new StoreError(
    "INVALID_CURSOR",
    "Invalid page cursor: pass back the nextCursor of a previous page unchanged.",
  );
}
