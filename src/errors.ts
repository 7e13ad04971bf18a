/**
 * One error class for everything docindex reports to a person or a client. The code tells
 * callers how to react (the CLI maps USAGE and CONFIG to exit code 2); the message says what
 * is wrong and what to do about it, never a stack trace.
 */
export type ErrorCode =
  | "USAGE" // bad command line: unknown flag, missing argument, bad value
  | "CONFIG" // bad configuration file or environment value
  | "NOT_FOUND" // a folder, file or index that does not exist
  | "OUTSIDE_ROOT" // a path that escapes the configured roots
  | "UNAVAILABLE" // a feature that is not configured (e.g. semantic search without an embedder)
  | "DISK_FULL" // the disk holding the index has no space left
  | "DAMAGED" // an index that cannot be trusted (Elasticsearch); the message names the remedy
  | "INTERNAL";

export class DocindexError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DocindexError";
    this.code = code;
  }
}

export function isDocindexError(error: unknown): error is DocindexError {
  return error instanceof DocindexError;
}

/** A short, single-line description of any thrown value, for logs and failure reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}
