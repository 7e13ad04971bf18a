/**
 * Messages between the parser pool and its workers. A worker receives one request at a time
 * and answers it with exactly one response carrying the same id. Anything sent across is
 * structured-cloned, so outcomes must stay plain objects (no classes, no functions).
 */
import type { ParseOptions } from "../parsers/parse-options.js";
import type { FileKind, ParseOutcome } from "../types.js";

export interface ParseRequest {
  id: number;
  absPath: string;
  kind: FileKind;
}

export interface ParseResponse {
  id: number;
  outcome: ParseOutcome;
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
