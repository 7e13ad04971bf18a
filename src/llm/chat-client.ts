/**
 * A chat-completion client for OpenAI-compatible servers, used to write summaries. Requests run
 * under the shared retry policy (indexers/resilience), with one difference from the embedders:
 * network errors and timeouts are retried with backoff (the request may never have arrived),
 * but an HTTP error answer is not retried on the same model, because the server did answer and
 * the fallback model is the better second try. After the primary model fails either way, the
 * fallback model (if configured) gets the same request and the same policy. No circuit breaker:
 * summaries are single requests a person asked for, not a backlog that could hammer a server.
 * The prompt is cut to a token budget before sending, and each call writes one log line under
 * the caller's correlation id.
 */
import OpenAI from "openai";
import { estimateTokens } from "../../scanners/chunk/tokens.js";
import { AttemptTimedOut, GaveUp } from "../../indexers/resilience/failures.js";
import { Resilience, type RetrySettings } from "../../indexers/resilience/resilience.js";
import { classifyProviderFailure, providerVerdict, redact } from "../embed/provider-failure.js";
import { truncateToTokens } from "../embed/token-budget.js";
import type { Logger } from "../log.js";

export type ChatErrorCode = "UNAVAILABLE" | "AUTH" | "BAD_REQUEST" | "BAD_RESPONSE" | "CONFIG";

export class ChatError extends Error {
  readonly code: ChatErrorCode;

  constructor(code: ChatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ChatError";
    this.code = code;
  }
}

export interface ChatClientOptions {
  model: string;
  /** Asked when the primary model fails after its retries or answers with an HTTP error. */
  fallbackModel?: string;
  /** Default: OPENAI_BASE_URL, else https://api.openai.com/v1. */
  baseURL?: string;
  /** Default: OPENAI_API_KEY. */
  apiKey?: string;
  /** Per attempt (a retry gets a fresh timeout); default 60 000 ms. */
  timeoutMs?: number;
  /** Default 3 attempts, 500 ms base, 8 s cap. */
  retries?: Partial<RetrySettings>;
  /** System plus prompt, in estimated tokens; the prompt's tail is cut to fit. Default 8 000. */
  maxInputTokens?: number;
  /**
   * The name of the output limit in the request. Older OpenAI-compatible servers know only
   * max_tokens; OpenAI's reasoning models accept only max_completion_tokens. Default max_tokens.
   */
  maxTokensParameter?: "max_tokens" | "max_completion_tokens";
  log: Logger;
}

export interface SummarizeRequest {
  system: string;
  prompt: string;
  /** Output limit in tokens. */
  maxTokens: number;
  correlationId: string;
  signal?: AbortSignal;
}

export interface SummarizeResult {
  text: string;
  /** The model that answered. */
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
  usedFallback: boolean;
  /** Whether the prompt was cut to fit maxInputTokens. */
  trimmed: boolean;
}

const CHAT_RETRY: RetrySettings = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };
/** Role markers and message framing cost a few tokens per message. */
const MESSAGE_OVERHEAD = 8;
const TRUNCATION_MARK = "\n[… truncated to fit the model's input budget]";

export class ChatClient {
  private readonly client: OpenAI;
  private readonly policy: Resilience;
  private readonly maxInputTokens: number;

  constructor(private readonly options: ChatClientOptions) {
    this.maxInputTokens = options.maxInputTokens ?? 8000;
    this.policy = new Resilience({
      retry: { ...CHAT_RETRY, ...options.retries },
      attemptTimeoutMs: options.timeoutMs ?? 60_000,
      // Every HTTP status is an answer: the fallback model, not a retry, handles it.
      classify: (error) => providerVerdict(error, () => false),
    });
    try {
      // No SDK retries and no SDK timeout: the shared policy owns both, per attempt.
      this.client = new OpenAI({
        apiKey: options.apiKey,
        maxRetries: 0,
        ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
      });
    } catch (error) {
      throw new ChatError(
        "CONFIG",
        `chat client (${options.model}): ${this.clean(error)}. Set OPENAI_API_KEY or the summary model's apiKey`,
        { cause: error },
      );
    }
  }

  async summarize(request: SummarizeRequest): Promise<SummarizeResult> {
    const started = performance.now();
    const log = this.options.log.child({ correlationId: request.correlationId });
    const budget = this.maxInputTokens - estimateTokens(request.system) - 2 * MESSAGE_OVERHEAD;
    if (budget < estimateTokens(TRUNCATION_MARK) + 1) {
      throw new ChatError(
        "BAD_REQUEST",
        `the system prompt alone exceeds the input budget of ${this.maxInputTokens} tokens`,
      );
    }
    let prompt = request.prompt;
    const trimmed = estimateTokens(prompt) > budget;
    if (trimmed)
      prompt = truncateToTokens(prompt, budget - estimateTokens(TRUNCATION_MARK)) + TRUNCATION_MARK;

    const models = [
      this.options.model,
      ...(this.options.fallbackModel !== undefined ? [this.options.fallbackModel] : []),
    ];
    const failures: string[] = [];
    let lastError: ChatError | undefined;
    const attempts = { count: 0 };
    for (const [i, model] of models.entries()) {
      try {
        const answer = await this.complete(model, request, prompt, attempts);
        const result: SummarizeResult = {
          ...answer,
          model,
          latencyMs: Math.round(performance.now() - started),
          usedFallback: i > 0,
          trimmed,
        };
        log.info("chat completion", {
          model,
          usedFallback: result.usedFallback,
          promptTokens: result.usage.promptTokens,
          completionTokens: result.usage.completionTokens,
          latencyMs: result.latencyMs,
          trimmed,
          attempts: attempts.count,
          ...(failures.length > 0 ? { primaryFailure: failures[0] } : {}),
        });
        return result;
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason ?? error;
        lastError =
          error instanceof ChatError
            ? error
            : new ChatError("BAD_RESPONSE", this.clean(error), { cause: error });
        failures.push(`${model}: ${lastError.message}`);
        if (lastError.code === "CONFIG") break;
      }
    }
    const latencyMs = Math.round(performance.now() - started);
    log.warn("chat completion failed", {
      model: this.options.model,
      fallbackModel: this.options.fallbackModel,
      latencyMs,
      attempts: attempts.count,
      reasons: failures,
    });
    throw new ChatError(lastError?.code ?? "UNAVAILABLE", failures.join("; "), {
      cause: lastError,
    });
  }

  private async complete(
    model: string,
    request: SummarizeRequest,
    prompt: string,
    attempts: { count: number },
  ): Promise<Pick<SummarizeResult, "text" | "usage">> {
    const where = `chat model ${model} at ${this.client.baseURL}`;
    const limitField = this.options.maxTokensParameter ?? "max_tokens";
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.policy.run((signal) => {
        attempts.count++;
        return this.client.chat.completions.create(
          {
            model,
            messages: [
              { role: "system", content: request.system },
              { role: "user", content: prompt },
            ],
            [limitField]: request.maxTokens,
          },
          { maxRetries: 0, signal },
        );
      }, request.signal);
    } catch (error) {
      throw this.toChatError(where, error);
    }
    const text = completion.choices?.[0]?.message?.content;
    if (typeof text !== "string" || text.trim() === "") {
      throw new ChatError(
        "BAD_RESPONSE",
        `${where} returned no text (finish_reason ${completion.choices?.[0]?.finish_reason ?? "none"})`,
      );
    }
    return {
      text,
      usage: {
        promptTokens:
          completion.usage?.prompt_tokens ??
          estimateTokens(request.system) + estimateTokens(prompt),
        completionTokens: completion.usage?.completion_tokens ?? estimateTokens(text),
      },
    };
  }

  /** The ChatError for what the policy threw; a cancelled request is passed on as it is. */
  private toChatError(where: string, error: unknown): unknown {
    if (error instanceof GaveUp) {
      const last = error.cause;
      const failure = classifyProviderFailure(last);
      const what =
        last instanceof AttemptTimedOut
          ? `did not answer within ${last.timeoutMs} ms`
          : failure.kind === "timeout"
            ? "timed out"
            : `is unreachable: ${redact(failure.detail, this.options.apiKey)}`;
      return new ChatError("UNAVAILABLE", `${where} ${what} (after ${error.attempts} attempts)`, {
        cause: last,
      });
    }
    const failure = classifyProviderFailure(error);
    const detail = redact(failure.detail, this.options.apiKey);
    switch (failure.kind) {
      case "aborted":
        return error;
      case "config":
        return new ChatError("CONFIG", `${where}: ${detail}`, { cause: error });
      case "status": {
        const code =
          failure.status === 401 || failure.status === 403
            ? "AUTH"
            : failure.status >= 500 || failure.status === 429
              ? "UNAVAILABLE"
              : "BAD_REQUEST";
        return new ChatError(code, `${where} answered ${failure.status}: ${detail}`, {
          cause: error,
        });
      }
      default:
        return new ChatError("BAD_RESPONSE", `${where}: ${detail}`, { cause: error });
    }
  }

  private clean(error: unknown): string {
    return redact(
      (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "",
      this.options.apiKey,
    );
  }
}
