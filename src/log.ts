/**
 * Structured JSON logs on stderr. stdout belongs to JSON-RPC in stdio mode and to command
 * output in the CLI, so nothing here ever writes to it. Each line carries a level, a time,
 * a message and whatever context the logger was given (component, correlation id).
 */
import { randomUUID } from "node:crypto";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const LEVEL_RANK: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

export type LogSink = (line: string) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  readonly level: LogLevel;
}

export function parseLogLevel(value: string | undefined, fallback: LogLevel): LogLevel {
  if (value === undefined || value === "") return fallback;
  const lower = value.toLowerCase();
  return lower in LEVEL_RANK ? (lower as LogLevel) : fallback;
}

const stderrSink: LogSink = (line) => {
  process.stderr.write(line + "\n");
};

export interface LogRecord {
  level: Exclude<LogLevel, "silent">;
  time: string;
  msg: string;
  [field: string]: unknown;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  fields?: Record<string, unknown>;
  /** Also receives every record, whatever `level` says (MCP clients choose their own level). */
  onRecord?: (record: LogRecord) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLogLevel(process.env.DOCINDEX_LOG_LEVEL, "info");
  const sink = options.sink ?? stderrSink;
  const base = options.fields ?? {};
  const write = (
    at: Exclude<LogLevel, "silent">,
    message: string,
    fields?: Record<string, unknown>,
  ) => {
    const wanted = LEVEL_RANK[at] >= LEVEL_RANK[level];
    if (!wanted && !options.onRecord) return;
    const record: LogRecord = {
      level: at,
      time: new Date().toISOString(),
      msg: message,
      ...base,
      ...fields,
    };
    if (wanted) sink(JSON.stringify(record));
    options.onRecord?.(record);
  };
  return {
    level,
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ ...options, level, sink, fields: { ...base, ...fields } }),
  };
}

/** A short correlation id for a tool call or an indexing run. */
export function newCorrelationId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
