/**
 * The store's options, their defaults, and the client they make. The lead's settings layer
 * maps ELASTICSEARCH_URL, ELASTICSEARCH_API_KEY, ELASTICSEARCH_USERNAME/PASSWORD,
 * ELASTICSEARCH_CA_CERT and DOCINDEX_ES_INDEX_PREFIX onto these.
 */
import { readFileSync } from "node:fs";
import { Client, type ClientOptions } from "@elastic/elasticsearch";
import type { QueryOptions } from "../text/query-terms.js";
import type { VectorModel } from "../store.js";
import type { BreakerPolicy, RetryPolicy } from "./connection.js";
import type { ColumnWeights } from "./queries.js";

export interface ElasticsearchStoreOptions {
  /** One URL or several (every node, or a load balancer); the client fails over between them. */
  node: string | string[];
  /**
   * Open a damaged index (damage.ts) by moving its alias to a new, empty index, for a full
   * rebuild to fill; without it a damaged index is an error (StoreError DAMAGED).
   */
  repair?: boolean;
  apiKey?: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the cluster's certificate (Elasticsearch's http_ca.crt). */
  caCertPath?: string;
  /** Names of the store's aliases and indices start with this. Default "docindex". */
  indexPrefix?: string;
  /** Primary shards of a new index. Default 1 (enough for millions of chunks). */
  shards?: number;
  /** Replicas of a new index. Default 0 on a one-node cluster, else 1. */
  replicas?: number;
  /** `refresh_interval` of a new index. Default "1s". */
  refreshInterval?: string;
  /** Per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Operations per `_bulk` request at most. Default 500. */
  bulkBatchSize?: number;
  /** Bytes per `_bulk` request at most (a single larger operation goes alone). Default 5 MiB. */
  bulkMaxBytes?: number;
  /** Declared on open, as setVectorModel would. */
  vectorModel?: VectorModel;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
  /** Field weights of the BM25F ranking; see README.md. */
  weights?: Partial<ColumnWeights>;
  query?: QueryOptions;
}

export const DEFAULT_WEIGHTS: ColumnWeights = { title: 1, heading: 1, path: 1, body: 1 };
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5000 };
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 3, cooldownMs: 15_000 };

export function nodeList(node: string | string[]): string[] {
  const nodes = (Array.isArray(node) ? node : [node]).map((n) => n.trim()).filter((n) => n !== "");
  if (nodes.length === 0)
    throw new Error("Elasticsearch store: no node URL given (set ELASTICSEARCH_URL).");
  return nodes;
}

/** The URLs without user info, for messages. */
export function displayUrls(nodes: string[]): string[] {
  return nodes.map((n) => {
    try {
      const url = new URL(n);
      url.username = "";
      url.password = "";
      return url.toString().replace(/\/$/, "");
    } catch {
      return n;
    }
  });
}

export function makeClient(options: ElasticsearchStoreOptions, nodes: string[]): Client {
  const config: ClientOptions = {
    nodes,
    // One retry policy, ours (connection.ts); the client would retry without backoff.
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
  };
  if (options.apiKey !== undefined && options.apiKey !== "")
    config.auth = { apiKey: options.apiKey };
  else if (options.username !== undefined && options.username !== "") {
    config.auth = { username: options.username, password: options.password ?? "" };
  }
  if (options.caCertPath !== undefined && options.caCertPath !== "") {
    let ca: Buffer;
    try {
      ca = readFileSync(options.caCertPath);
    } catch (error) {
      throw new Error(
        `Cannot read the Elasticsearch CA certificate ${options.caCertPath} (ELASTICSEARCH_CA_CERT): ${(error as Error).message}`,
      );
    }
    config.tls = { ca };
  }
  return new Client(config);
}
