/**
 * The server's settings, as read from mcp.json (under the top-level "docindex" key), from .env
 * and the process environment (DOCINDEX_* variables), and from command-line flags, in that
 * order of precedence from lowest to highest. Every layer is validated against this schema,
 * so a bad value is reported with the key and the file it came from.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import { LANGUAGE_CODE } from "../../scanners/ocr/languages.js";

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
    /** Passwords tried on password-protected Word, Excel and PowerPoint files (agile encryption). */
    officePasswords: z.array(z.string()),
    /** PDF text engine: "auto" uses poppler's pdftotext when it is on PATH, else pdf-parse (pdf.js). */
    pdfEngine: z.enum(["auto", "pdftotext", "pdf-parse"]),
    /** OCR (scanners/ocr): "auto" reads image files and the PDF pages without a text layer; "off" neither. */
    ocr: z.enum(["auto", "off"]),
    /** Tesseract languages, each from its npm package @tesseract.js-data/<code> (checked at load). */
    ocrLanguages: z
      .array(z.string().regex(LANGUAGE_CODE, "tesseract language codes such as eng, deu, chi_sim"))
      .min(1),
    /** Time the OCR of one page may take; a file's pages together stay within parseTimeoutSec. */
    ocrPageTimeoutSec: z.number().positive().max(3600),
    /** tree-sitter for code (scanners/syntax): "auto" gives syntax chunks and symbols; "off" line chunks only. */
    syntax: z.enum(["auto", "off"]),
    /** Which index implementation to use. */
    store: z.enum(["sqlite", "elasticsearch"]),

    /** Embeddings: "none" keeps search lexical. */
    embedder: z.enum(["none", "openai", "azure", "local"]),
    /** Provider model, Azure deployment, or local model id (Hugging Face layout). */
    embedModel: z.string().min(1).optional(),
    /** Shorter vectors, for models that support it (text-embedding-3-*). */
    embedDimensions: z.number().int().positive().max(16_384).optional(),
    /** An OpenAI-compatible endpoint (Ollama, LM Studio, vLLM, LiteLLM, OpenRouter...). Default: OPENAI_BASE_URL. */
    embedBaseUrl: z.url().optional(),
    embedBatchSize: z.number().int().positive().max(2048).optional(),
    azureEndpoint: z.url().optional(),
    azureDeployment: z.string().min(1).optional(),
    azureApiVersion: z.string().min(1).optional(),
    /** A folder of local models (<folder>/<model id>/...), used offline. */
    localModelPath: z.string().min(1).optional(),
    /** Where downloaded local models are kept. */
    modelCacheDir: z.string().min(1).optional(),
    /** Never download a local model. */
    offline: z.boolean(),
    /** Local model weights: quantized (q8, onnx/model_quantized.onnx) or full precision (fp32, onnx/model.onnx). */
    embedDtype: z.enum(["q8", "fp32"]),
    /**
     * Threads the local model's inference uses (default: one per core). Fewer leave cores to
     * other work on a shared machine; a backlog then takes longer.
     */
    embedThreads: z.number().int().positive().max(256).optional(),
    /** How often chunks waiting for an unavailable embedder are tried again (server). */
    embedRetrySec: z.number().min(1).max(86_400),

    /**
     * Reciprocal rank fusion constant for hybrid search. 20 with 100 candidates per ranking:
     * the best region of the k x candidates grid on the SciFact train queries (bench/README.md).
     */
    rrfK: z.number().int().min(1).max(1000),
    /** How many lexical and how many semantic candidates hybrid search fuses. */
    hybridCandidates: z.number().int().min(10).max(1000),

    /** An OpenAI-compatible chat model for summaries in `analyze` (off when unset). */
    llmModel: z.string().min(1).optional(),
    llmFallbackModel: z.string().min(1).optional(),
    llmBaseUrl: z.url().optional(),

    /** Elasticsearch node URL(s), comma-separated in the environment. */
    esUrl: z.array(z.url()).min(1).optional(),
    esIndexPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, - and _")
      .max(100),
    esShards: z.number().int().min(1).max(1024),
    /** Default: 0 on a one-node cluster, 1 otherwise. */
    esReplicas: z.number().int().min(0).max(16).optional(),
    esCaCert: z.string().min(1).optional(),
    /** How soon index work deferred because the store was unreachable is tried again (server). */
    storeRetrySec: z.number().min(1).max(86_400),
    /**
     * The file watcher: @parcel/watcher (default; one inotify watch per folder, a 50,000-file
     * tree in a few tens of MB), or chokidar, which holds a watch and a Stats object per file
     * (about 3x the server's memory on 50,000 files: bench/README.md, watcher) and is used
     * anyway when the native module cannot load on this platform.
     */
    watcher: z.enum(["chokidar", "parcel"]),
    esUsername: z.string().min(1).optional(),
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
type OptionalKeys = {
  [K in keyof Settings]-?: undefined extends Settings[K] ? K : never;
}[keyof Settings];

export const DEFAULT_SETTINGS: Omit<Settings, "roots" | "indexDir" | OptionalKeys> = {
  defaultExcludes: true,
  excludes: [],
  maxFileSizeMb: 50,
  parseTimeoutSec: 30,
  workerMemoryMb: 512,
  workers: 0,
  chunkTokens: 400,
  pdfPasswords: [],
  officePasswords: [],
  pdfEngine: "auto",
  ocr: "auto",
  ocrLanguages: ["eng"],
  ocrPageTimeoutSec: 30,
  syntax: "auto",
  store: "sqlite",
  embedder: "none",
  offline: false,
  embedDtype: "q8",
  embedRetrySec: 30,
  rrfK: 20,
  hybridCandidates: 100,
  esIndexPrefix: "docindex",
  esShards: 1,
  storeRetrySec: 10,
  watcher: "parcel",
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
  officePasswords: "DOCINDEX_OFFICE_PASSWORDS",
  pdfEngine: "DOCINDEX_PDF_ENGINE",
  ocr: "DOCINDEX_OCR",
  ocrLanguages: "DOCINDEX_OCR_LANGUAGES",
  ocrPageTimeoutSec: "DOCINDEX_OCR_PAGE_TIMEOUT_SEC",
  syntax: "DOCINDEX_SYNTAX",
  store: "DOCINDEX_STORE",
  embedder: "DOCINDEX_EMBEDDER",
  embedModel: "DOCINDEX_EMBED_MODEL",
  embedDimensions: "DOCINDEX_EMBED_DIMENSIONS",
  embedBaseUrl: "DOCINDEX_EMBED_BASE_URL",
  embedBatchSize: "DOCINDEX_EMBED_BATCH_SIZE",
  azureEndpoint: "AZURE_OPENAI_ENDPOINT",
  azureDeployment: "DOCINDEX_AZURE_DEPLOYMENT",
  azureApiVersion: "OPENAI_API_VERSION",
  localModelPath: "DOCINDEX_LOCAL_MODEL_PATH",
  modelCacheDir: "DOCINDEX_MODEL_CACHE_DIR",
  offline: "DOCINDEX_OFFLINE",
  embedDtype: "DOCINDEX_EMBED_DTYPE",
  embedThreads: "DOCINDEX_EMBED_THREADS",
  embedRetrySec: "DOCINDEX_EMBED_RETRY_SEC",
  rrfK: "DOCINDEX_RRF_K",
  hybridCandidates: "DOCINDEX_HYBRID_CANDIDATES",
  llmModel: "DOCINDEX_LLM_MODEL",
  llmFallbackModel: "DOCINDEX_LLM_FALLBACK_MODEL",
  llmBaseUrl: "DOCINDEX_LLM_BASE_URL",
  esUrl: "ELASTICSEARCH_URL",
  esIndexPrefix: "DOCINDEX_ES_INDEX_PREFIX",
  esShards: "DOCINDEX_ES_SHARDS",
  esReplicas: "DOCINDEX_ES_REPLICAS",
  esCaCert: "ELASTICSEARCH_CA_CERT",
  storeRetrySec: "DOCINDEX_STORE_RETRY_SEC",
  watcher: "DOCINDEX_WATCHER",
  esUsername: "ELASTICSEARCH_USERNAME",
};

/** How an environment value is read for each setting that is not a plain string. */
export const ENV_VALUE_TYPES: Partial<Record<keyof Settings, "list" | "boolean" | "number">> = {
  roots: "list",
  excludes: "list",
  pdfPasswords: "list",
  officePasswords: "list",
  ocrLanguages: "list",
  esUrl: "list",
  defaultExcludes: "boolean",
  offline: "boolean",
  maxFileSizeMb: "number",
  parseTimeoutSec: "number",
  ocrPageTimeoutSec: "number",
  workerMemoryMb: "number",
  workers: "number",
  chunkTokens: "number",
  embedDimensions: "number",
  embedBatchSize: "number",
  embedThreads: "number",
  embedRetrySec: "number",
  rrfK: "number",
  hybridCandidates: "number",
  esShards: "number",
  storeRetrySec: "number",
  esReplicas: "number",
};

/** Parser workers to start: the setting, or one per core when it is 0. */
export function effectiveWorkers(settings: Pick<Settings, "workers">): number {
  return settings.workers > 0 ? settings.workers : availableParallelism();
}
