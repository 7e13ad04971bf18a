/**
 * Messages between the parser pool and its workers. A worker receives requests (several may
 * wait in its port), handles them one at a time in the order sent, and answers each with
 * exactly one response carrying the same id, in that order. Anything sent across is
 * structured-cloned, so outcomes must stay plain objects (no classes, no functions).
 */
import type { ChunkOptions } from "../chunk/index.js";
import type { ParseOptions } from "../parsers/parse-options.js";
import type { FileKind, ParseOutcome } from "../types.js";
import type { PreparedOutcome } from "./prepare-document.js";

export interface ParseRequest {
  id: number;
  absPath: string;
  kind: FileKind;
  /**
   * Present: read, hash, parse and chunk the file, answering a PreparedOutcome (`path` is the
   * root-relative path chunk ids derive from). Absent: parse only, answering a ParseOutcome.
   */
  prepare?: { path: string; chunk: ChunkOptions; sizeLimit?: number };
}

export interface ParseResponse {
  id: number;
  outcome: ParseOutcome | PreparedOutcome;
}

/** What every worker gets as `workerData`. */
export interface WorkerInit {
  parseOptions: ParseOptions;
}

export function isParseResponse(value: unknown): value is ParseResponse {
  if (value === null || typeof value !== "object") return false;
  const { id, outcome } = value as { id?: unknown; outcome?: unknown };
  return (
    typeof id === "number" &&
    outcome !== null &&
    typeof outcome === "object" &&
    typeof (outcome as { ok?: unknown }).ok === "boolean"
  );
}
