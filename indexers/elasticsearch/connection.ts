/**
 * Every request to Elasticsearch goes through `call`, under the shared retry-and-breaker policy
 * (../resilience): bounded retries with jittered backoff for what passes (connection refused or
 * reset, timeouts, 429, 502-504, a node leaving the cluster), a circuit breaker so a cluster
 * that is down costs callers one fast error instead of a retry storm, and errors a person can
 * act on: UNAVAILABLE and AUTH StoreErrors that name the URL. The client's own retries are off
 * so there is exactly one retry policy.
 */
import { errors, type Client } from "@elastic/elasticsearch";
import { CircuitOpen, GaveUp, type Verdict } from "../resilience/failures.js";
import { Resilience, type BreakerSettings } from "../resilience/resilience.js";
import { retryAfterMs } from "../resilience/retry-after.js";
import { StoreError } from "../store.js";

export interface RetryPolicy {
  /** Tries per call, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Consecutive calls that failed for want of a cluster, and how long the breaker stays open. */
export type BreakerPolicy = BreakerSettings;

/** Error types a cluster answers with while shards move after a node left. */
const TRANSIENT_TYPES = new Set([
  "es_rejected_execution_exception",
  "cluster_block_exception",
  "no_shard_available_action_exception",
  "unavailable_shards_exception",
  "node_not_connected_exception",
  "node_disconnected_exception",
  "node_closed_exception",
  "connect_transport_exception",
  "primary_missing_action_exception",
  "search_context_missing_exception",
  "shard_not_found_exception",
  "not_master_exception",
  "master_not_discovered_exception",
]);

function errorType(error: errors.ResponseError): string {
  const body = error.body as
    { error?: { type?: string; root_cause?: { type?: string }[] } } | undefined;
  return body?.error?.root_cause?.[0]?.type ?? body?.error?.type ?? "";
}

export function responseReason(error: errors.ResponseError): string {
  const body = error.body as
    | { error?: { type?: string; reason?: string; root_cause?: { reason?: string }[] } | string }
    | undefined;
  if (typeof body?.error === "string") return body.error;
  const reason = body?.error?.root_cause?.[0]?.reason ?? body?.error?.reason;
  return `${body?.error?.type ?? `HTTP ${error.statusCode}`}${reason ? `: ${reason}` : ""}`;
}

export function isStatus(error: unknown, status: number): error is errors.ResponseError {
  return error instanceof errors.ResponseError && error.statusCode === status;
}

export function isTransient(error: unknown): boolean {
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    return !isTlsProblem(error);
  }
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    if (status === 429 || status === 502 || status === 503 || status === 504) return true;
    return TRANSIENT_TYPES.has(errorType(error));
  }
  return false;
}

function isTlsProblem(error: Error): boolean {
  return /certificate|self[- ]signed|SSL|TLS/i.test(error.message);
}

/**
 * What a failure says about the cluster. A response other than the transient ones is an
 * answer: the cluster is up, whatever it said. Our own StoreErrors, TLS and product checks are
 * passed on untouched.
 */
export function classifyEsFailure(error: unknown): Verdict {
  if (isTransient(error)) {
    return {
      kind: "transient",
      timedOut: error instanceof errors.TimeoutError,
      retryAfterMs:
        error instanceof errors.ResponseError
          ? retryAfterMs(error.headers as Record<string, string> | undefined)
          : undefined,
    };
  }
  return error instanceof errors.ResponseError ? { kind: "refused" } : { kind: "unrelated" };
}

function failedUrl(error: unknown): string | undefined {
  const meta = (error as { meta?: { meta?: { connection?: { url?: URL } | null } } }).meta;
  const url = meta?.meta?.connection?.url;
  if (url === undefined) return undefined;
  // Credentials in the URL must not reach a log.
  const copy = new URL(url.toString());
  copy.username = "";
  copy.password = "";
  return copy.toString().replace(/\/$/, "");
}

/** The index Elasticsearch says does not exist (404 index_not_found_exception), if that is the error. */
function missingIndex(error: unknown): string | undefined {
  if (!isStatus(error, 404)) return undefined;
  const body = (error.meta as { body?: { error?: { type?: string; index?: string } } }).body;
  return body?.error?.type === "index_not_found_exception" ? body.error.index : undefined;
}

export class EsConnection {
  private readonly policy: Resilience;
  /**
   * What a missing index means to the store, when it means more than "not found": the store
   * opened on its live alias, so that alias vanishing is damage (damage.ts), said as such.
   */
  explainMissingIndex: ((index: string) => StoreError | undefined) | undefined;

  constructor(
    readonly client: Client,
    /** The configured node URLs, without credentials, for messages. */
    readonly urls: string[],
    retry: RetryPolicy,
    breaker: BreakerPolicy,
  ) {
    this.policy = new Resilience({
      retry: {
        maxAttempts: retry.attempts,
        baseDelayMs: retry.baseDelayMs,
        maxDelayMs: retry.maxDelayMs,
      },
      breaker,
      classify: classifyEsFailure,
    });
  }

  /** Runs one request with the retry policy; `what` names it in error messages. */
  async call<T>(what: string, request: (client: Client) => Promise<T>): Promise<T> {
    return this.attempt(what, () => request(this.client));
  }

  /**
   * Runs a multi-request operation (a search inside a point in time) as one unit: a transient
   * failure anywhere restarts the whole operation.
   */
  async attempt<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.run(() => operation());
    } catch (error) {
      if (error instanceof CircuitOpen) {
        throw new StoreError(
          "UNAVAILABLE",
          `Elasticsearch at ${this.where()} is unavailable (${what} not attempted: ${error.failures} calls in a row failed, ` +
            `retrying after ${new Date(error.retryAt).toISOString()}). Last error: ${message(error.lastFailure)}`,
        );
      }
      if (error instanceof GaveUp) throw this.unavailable(what, error.cause, error.attempts);
      if (error instanceof StoreError) throw error;
      const missing = missingIndex(error);
      const explained = missing !== undefined ? this.explainMissingIndex?.(missing) : undefined;
      if (explained !== undefined) throw explained;
      throw this.describe(what, error);
    }
  }

  private where(error?: unknown): string {
    return (error === undefined ? undefined : failedUrl(error)) ?? this.urls.join(", ");
  }

  private unavailable(what: string, error: unknown, attempts: number): StoreError {
    const detail =
      error instanceof errors.ResponseError
        ? `${error.statusCode} ${responseReason(error)}`
        : message(error);
    return new StoreError(
      "UNAVAILABLE",
      `Elasticsearch at ${this.where(error)} is unavailable (${what}, ${attempts} attempts): ${detail}. ` +
        "Check that the cluster is running and that ELASTICSEARCH_URL points at it.",
    );
  }
  private describe(what: string, error: unknown): unknown {
    if (error instanceof errors.ConnectionError && isTlsProblem(error)) {
      return new StoreError(
        "UNAVAILABLE",
        `Elasticsearch at ${this.where(error)}: TLS failed (${error.message}). ` +
          "Set ELASTICSEARCH_CA_CERT to the cluster's CA certificate (http_ca.crt), or use the right https/http scheme.",
      );
    }
    if (error instanceof errors.ProductNotSupportedError) {
      return new StoreError(
        "UNAVAILABLE",
        `${this.where(error)} did not answer as Elasticsearch (${error.message}). Check ELASTICSEARCH_URL.`,
      );
    }
    if (
      error instanceof errors.ResponseError &&
      (error.statusCode === 401 || error.statusCode === 403)
    ) {
      const message =
        error.statusCode === 401
          ? "rejected the credentials (401). Check ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD"
          : `refused ${what} (403: the credentials lack a privilege). Grant the user or API key all privileges on the store's indices`;
      return new StoreError(
        "AUTH",
        `Elasticsearch at ${this.where(error)} ${message}. ${responseReason(error)}`,
      );
    }
    return error;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
