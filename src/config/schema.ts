/**
 * The server's settings, as read from mcp.json (under the top-level "docindex" key), from .env
 * and the process environment (DOCINDEX_* variables), and from command-line flags, in that
 * order of precedence from lowest to highest. Every layer is validated against this schema,
 * so a bad value is reported with the key and the file it came from.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";

export const settingsSchema = z
  .object({
    /** Folders to index. Relative paths in mcp.json are relative to the mcp.json's folder. */
    roots: z.array(z.string().min(1)).min(1),
    /** Where the index lives. Default: <first root>/.docindex */
    indexDir: z.string().min(1),
    /** Apply docindex's own excludes (index folder, secret-looking files) on top of git's rules. */
    defaultExcludes: z.boolean(),
    /** Extra gitignore-syntax patterns, applied after the root .gitignore. */
    excludes: z.array(z.string()),
    /** Files larger than this are listed as skipped ("too large"). */
    maxFileSizeMb: z.number().positive().max(100_000),
    /** A parser that runs longer than this on one file is stopped; the file is "timed out". */
    parseTimeoutSec: z.number().positive().max(3600),
    /** Memory cap of each parser worker (V8 old generation). */
    workerMemoryMb: z.number().int().min(32).max(65_536),
    /** Parser workers; 0 means one per core. */
    workers: z.number().int().min(0).max(256),
    /** Target chunk size in estimated tokens. */
    chunkTokens: z.number().int().min(32).max(8192),
    /** Passwords tried on encrypted PDFs, after the empty password. */
    pdfPasswords: z.array(z.string()),
    /** Which index implementation to use. */
    store: z.enum(["sqlite"]),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

/** Any layer may set any subset of the settings. */
export const partialSettingsSchema = settingsSchema.partial().strict();
export type PartialSettings = z.infer<typeof partialSettingsSchema>;

/**
 * Why 400 tokens: the default local embedding models (bge-small, MiniLM) read 512 tokens; 400
 * leaves room for the heading path that is prepended when embedding, and keeps lexical hits
 * and snippets specific enough to cite.
 */
export const DEFAULT_SETTINGS: Omit<Settings, "roots" | "indexDir"> = {
  defaultExcludes: true,
  excludes: [],
  maxFileSizeMb: 50,
  parseTimeoutSec: 30,
  workerMemoryMb: 512,
  workers: 0,
  chunkTokens: 400,
  pdfPasswords: [],
  store: "sqlite",
};

/** The environment variable for each setting (in .env or the process environment). */
export const ENV_KEYS: Record<keyof Settings, string> = {
  roots: "DOCINDEX_ROOTS",
  indexDir: "DOCINDEX_INDEX_DIR",
  defaultExcludes: "DOCINDEX_DEFAULT_EXCLUDES",
  excludes: "DOCINDEX_EXCLUDES",
  maxFileSizeMb: "DOCINDEX_MAX_FILE_SIZE_MB",
  parseTimeoutSec: "DOCINDEX_PARSE_TIMEOUT_SEC",
  workerMemoryMb: "DOCINDEX_WORKER_MEMORY_MB",
  workers: "DOCINDEX_WORKERS",
  chunkTokens: "DOCINDEX_CHUNK_TOKENS",
  pdfPasswords: "DOCINDEX_PDF_PASSWORDS",
  store: "DOCINDEX_STORE",
};

/** Parser workers to start: the setting, or one per core when it is 0. */
export function effectiveWorkers(settings: Pick<Settings, "workers">): number {
  return settings.workers > 0 ? settings.workers : availableParallelism();
}
