/**
 * Opening the parts a run needs from Settings: the store (in the index folder) and the parser
 * pool. Every entry point (CLI, MCP server, watcher, benchmarks) goes through here, so they
 * all agree on where the index lives and how parsers are limited.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ParserPool } from "../../scanners/pool/parser-pool.js";
import type { Store } from "../../indexers/store.js";
import { StoreError } from "../../indexers/store.js";
import { effectiveWorkers, type Settings } from "../config/schema.js";
import { DocindexError } from "../errors.js";
import { openSelfHealingIndex } from "./self-heal.js";

export const INDEX_DB_FILE = "index.db";

/**
 * Creates the index folder with a `.gitignore` of `*`, so that git and docindex's own walker
 * both ignore it even when default excludes are off.
 */
function prepareIndexDir(indexDir: string): void {
  mkdirSync(indexDir, { recursive: true });
  const gitignore = join(indexDir, ".gitignore");
  if (!existsSync(gitignore)) writeFileSync(gitignore, "# created by docindex\n*\n");
}

/**
 * The configured store. SQLite's is checked on open and heals itself when damaged
 * (self-heal.ts): the caller finds the recovery in `healerOf(store)` and rebuilds. Elasticsearch keeps the index on the cluster; the local index folder
 * still holds the embedding cache, so moving from SQLite to Elasticsearch embeds nothing twice.
 */
export async function openStore(
  settings: Settings,
  options: {
    create: boolean;
    /** A full rebuild follows: a damaged Elasticsearch index is replaced, not refused. */
    repair?: boolean;
  },
): Promise<Store> {
  if (settings.store === "elasticsearch")
    return openElasticsearch(settings, options.repair === true);
  const dbPath = join(settings.indexDir, INDEX_DB_FILE);
  if (!options.create && !existsSync(dbPath)) {
    throw new DocindexError(
      "NOT_FOUND",
      `no index at ${settings.indexDir}: run \`docindex reindex ${settings.roots[0] ?? "DIR"}\` first`,
    );
  }
  prepareIndexDir(settings.indexDir);
  return openSelfHealingIndex(dbPath);
}

export function createParserPool(settings: Settings): ParserPool {
  return new ParserPool({
    size: effectiveWorkers(settings),
    timeoutMs: settings.parseTimeoutSec * 1000,
    maxMemoryMb: settings.workerMemoryMb,
    parseOptions: {
      passwords: settings.pdfPasswords,
      officePasswords: settings.officePasswords,
      pdfEngine: settings.pdfEngine,
      timeLimitMs: settings.parseTimeoutSec * 1000,
      ocr: {
        mode: settings.ocr,
        languages: settings.ocrLanguages,
        pageTimeLimitMs: settings.ocrPageTimeoutSec * 1000,
      },
      syntax: settings.syntax,
    },
  });
}

async function openElasticsearch(settings: Settings, repair: boolean): Promise<Store> {
  if (!settings.esUrl || settings.esUrl.length === 0) {
    throw new DocindexError(
      "CONFIG",
      "store is elasticsearch but no cluster is named: set esUrl in mcp.json, ELASTICSEARCH_URL or --es-url",
    );
  }
  prepareIndexDir(settings.indexDir);
  try {
    // Loaded only for this store: the Elasticsearch client is large, and SQLite runs never need it.
    const { openElasticsearchStore } = await import("../../indexers/elasticsearch/index.js");
    return await openElasticsearchStore({
      node: settings.esUrl,
      repair,
      apiKey: process.env.ELASTICSEARCH_API_KEY || undefined,
      username: settings.esUsername,
      password: process.env.ELASTICSEARCH_PASSWORD || undefined,
      caCertPath: settings.esCaCert,
      indexPrefix: settings.esIndexPrefix,
      shards: settings.esShards,
      replicas: settings.esReplicas,
    });
  } catch (error) {
    if (error instanceof StoreError)
      throw new DocindexError(error.code === "DAMAGED" ? "DAMAGED" : "UNAVAILABLE", error.message, {
        cause: error,
      });
    throw error;
  }
}
