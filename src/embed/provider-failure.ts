/**
 * Sorts what the openai SDK throws into the few cases retry and error-reporting logic care
 * about. Shared by the embedders and the chat client: both run the shared retry policy
 * (indexers/resilience), and differ only in which HTTP statuses they try again.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from "openai";
import type { Verdict } from "../../indexers/resilience/failures.js";
import { retryAfterMs } from "../../indexers/resilience/retry-after.js";

export type ProviderFailure =
  | { kind: "timeout"; detail: string }
  | { kind: "network"; detail: string }
  | { kind: "status"; status: number; detail: string; retryAfterMs?: number }
  | { kind: "aborted"; detail: string }
  /** The SDK refused to send (no API key, bad options). */
  | { kind: "config"; detail: string }
  | { kind: "other"; detail: string };

export function classifyProviderFailure(error: unknown): ProviderFailure {
  if (error instanceof APIUserAbortError) return { kind: "aborted", detail: "cancelled" };
  if (error instanceof APIConnectionTimeoutError)
    return { kind: "timeout", detail: "request timed out" };
  if (error instanceof APIConnectionError) return { kind: "network", detail: networkDetail(error) };
  if (error instanceof APIError && typeof error.status === "number") {
    return {
      kind: "status",
      status: error.status,
      detail: providerMessage(error),
      retryAfterMs: retryAfterMs(error.headers),
    };
  }
  if (error instanceof OpenAIError) return { kind: "config", detail: firstLine(error.message) };
  if (error instanceof Error && error.name === "AbortError")
    return { kind: "aborted", detail: "cancelled" };
  return {
    kind: "other",
    detail: error instanceof Error ? firstLine(error.message) : String(error),
  };
}

/**
 * What a failure says about the provider. No answer (network, timeout) is transient; an HTTP
 * status is transient when `retryStatus` says so, else a refusal; anything else (a missing
 * key, a cancelled request) says nothing about the provider.
 */
export function providerVerdict(error: unknown, retryStatus: (status: number) => boolean): Verdict {
  const failure = classifyProviderFailure(error);
  switch (failure.kind) {
    case "network":
      return { kind: "transient" };
    case "timeout":
      return { kind: "transient", timedOut: true };
    case "status":
      return retryStatus(failure.status)
        ? { kind: "transient", retryAfterMs: failure.retryAfterMs }
        : { kind: "refused" };
    default:
      return { kind: "unrelated" };
  }
}

/** Statuses worth trying again: timeouts, conflicts, rate limits and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The error message the provider sent, without the SDK's status prefix. */
function providerMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === "string" && body.message !== "")
    return firstLine(body.message);
  return firstLine(error.message);
}

/** "fetch failed" says nothing; the cause (ECONNREFUSED 127.0.0.1:8080) does. */
function networkDetail(error: APIConnectionError): string {
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === "string") {
      return cause.message.includes(code)
        ? firstLine(cause.message)
        : `${code}: ${firstLine(cause.message)}`;
    }
    cause = cause.cause;
  }
  return firstLine(error.message);
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).slice(0, 300);
}

/** Messages may quote the key (some gateways echo it); it never reaches a log or a client. */
export function redact(message: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return message;
  return message.split(secret).join("***");
}
