/**
 * A real HTTP server on 127.0.0.1 that speaks the two OpenAI endpoints docindex uses:
 * POST …/embeddings (deterministic vectors from a hash of each input; float or base64) and
 * POST …/chat/completions (scripted answers with usage). Paths may carry any prefix, so both
 * /v1/embeddings and Azure's /openai/deployments/<name>/embeddings work.
 *
 * Tests script faults per request (status codes with Retry-After, delays longer than the
 * client's timeout, wrong dimensions, dropped connections), can stop the server mid-run and
 * start it again on the same port, and read what arrived: every request, and every input the
 * server answered, so "zero calls" and "nothing embedded twice" are assertions on real traffic.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type EmbeddingFault =
  | { status: number; retryAfter?: string; retryAfterMs?: string; message?: string }
  /** Answer normally, but only after this long. */
  | { delayMs: number }
  /** Answer with vectors of this size instead. */
  | { dimensions: number }
  /** Destroy the connection without answering. */
  | { drop: true }
  /** Answer base64 whatever encoding_format asked for. */
  | { base64: true };

export type ChatStep =
  | { content: string; promptTokens?: number; completionTokens?: number; delayMs?: number }
  | { status: number; message?: string }
  | { drop: true };

export interface EmbeddingRequestRecord {
  path: string;
  model: string;
  inputs: string[];
  dimensions?: number;
  encodingFormat?: string;
  authorization?: string;
  apiKeyHeader?: string;
  /** The status the server answered with; undefined when it dropped or the client left first. */
  status?: number;
}

export interface ChatRequestRecord {
  path: string;
  model: string;
  messages: { role: string; content: string }[];
  maxTokens?: number;
  maxCompletionTokens?: number;
  status?: number;
}

export class FakeOpenAIServer {
  /** Size of the vectors answered; change it between tests or mid-run. */
  dimensions: number;
  /** When set, requests must carry this key (Bearer or api-key header), else 401. */
  apiKey: string | undefined;
  readonly embeddingRequests: EmbeddingRequestRecord[] = [];
  /** Every input answered with a vector (status 200), in order. */
  readonly embeddedInputs: string[] = [];
  readonly chatRequests: ChatRequestRecord[] = [];
  /** Consumed one per embeddings request, first in first out. */
  readonly embeddingFaults: EmbeddingFault[] = [];
  /** Consumed one per chat request; when empty, the server answers "summary of <model>". */
  readonly chatScript: ChatStep[] = [];

  /** Most embeddings requests the server was handling at once. */
  maxConcurrentEmbeddings = 0;

  private inFlight = 0;
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopCountdown: number | undefined;

  private constructor(
    private portNumber: number,
    dimensions: number,
  ) {
    this.dimensions = dimensions;
  }

  static async start(
    options: { dimensions?: number; apiKey?: string } = {},
  ): Promise<FakeOpenAIServer> {
    const fake = new FakeOpenAIServer(0, options.dimensions ?? 16);
    fake.apiKey = options.apiKey;
    await fake.restart();
    return fake;
  }

  get port(): number {
    return this.portNumber;
  }

  /** The OpenAI-style base URL, ending in /v1. */
  get baseURL(): string {
    return `http://127.0.0.1:${this.portNumber}/v1`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Embedding requests received (answered or not). */
  get embeddingCalls(): number {
    return this.embeddingRequests.length;
  }

  /** The server stops itself (as if it crashed) right after its next `n` successful embeddings answers. */
  stopAfterEmbeddings(n: number): void {
    this.stopCountdown = n;
  }

  failEmbeddings(...faults: EmbeddingFault[]): void {
    this.embeddingFaults.push(...faults);
  }

  /** The vector this server answers for `input` (unit length), for tests that compare. */
  vectorFor(input: string, dimensions = this.dimensions): Float32Array {
    const vector = new Float32Array(dimensions);
    for (let block = 0; block * 8 < dimensions; block++) {
      const digest = createHash("sha256").update(`${block}:${input}`).digest();
      for (let i = 0; i < 8 && block * 8 + i < dimensions; i++) {
        vector[block * 8 + i] = digest.readUInt32LE(i * 4) / 0xffffffff - 0.5;
      }
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((x) => x / norm);
  }

  /** Stops listening and cuts every open connection, like a crashed provider. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Listens again, on the same port once one was assigned. */
  async restart(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.portNumber, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  close(): Promise<void> {
    return this.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      this.send(res, 400, {
        error: { message: "invalid JSON body", type: "invalid_request_error" },
      });
      return;
    }
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method === "POST" && path.endsWith("/embeddings")) {
      this.inFlight++;
      this.maxConcurrentEmbeddings = Math.max(this.maxConcurrentEmbeddings, this.inFlight);
      res.once("close", () => this.inFlight--);
      return this.embeddings(req, res, path, body);
    }
    if (req.method === "POST" && path.endsWith("/chat/completions"))
      return this.chat(req, res, path, body);
    this.send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  private authorized(req: IncomingMessage): boolean {
    if (this.apiKey === undefined) return true;
    return (
      req.headers.authorization === `Bearer ${this.apiKey}` ||
      req.headers["api-key"] === this.apiKey
    );
  }

  private async embeddings(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const raw = body.input;
    const inputs = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    const record: EmbeddingRequestRecord = {
      path,
      model: String(body.model ?? ""),
      inputs,
      ...(typeof body.dimensions === "number" ? { dimensions: body.dimensions } : {}),
      ...(typeof body.encoding_format === "string" ? { encodingFormat: body.encoding_format } : {}),
      ...(req.headers.authorization !== undefined
        ? { authorization: req.headers.authorization }
        : {}),
      ...(typeof req.headers["api-key"] === "string"
        ? { apiKeyHeader: req.headers["api-key"] }
        : {}),
    };
    this.embeddingRequests.push(record);
    if (!this.authorized(req)) {
      record.status = 401;
      this.send(res, 401, {
        error: {
          message: "Incorrect API key provided",
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      });
      return;
    }
    const fault = this.embeddingFaults.shift();
    let dimensions = typeof body.dimensions === "number" ? body.dimensions : this.dimensions;
    let base64 = body.encoding_format === "base64";
    if (fault !== undefined) {
      if ("drop" in fault) {
        req.socket.destroy();
        return;
      }
      if ("status" in fault) {
        record.status = fault.status;
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = fault.retryAfterMs;
        this.send(
          res,
          fault.status,
          { error: { message: fault.message ?? `scripted ${fault.status}`, type: "server_error" } },
          headers,
        );
        return;
      }
      if ("delayMs" in fault) await this.wait(fault.delayMs);
      if ("dimensions" in fault) dimensions = fault.dimensions;
      if ("base64" in fault) base64 = true;
    }
    if (res.destroyed || req.socket.destroyed || !this.running) return;
    const data = inputs.map((input, index) => {
      const vector = this.vectorFor(input, dimensions);
      return {
        object: "embedding",
        index,
        embedding: base64
          ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64")
          : Array.from(vector),
      };
    });
    record.status = 200;
    this.embeddedInputs.push(...inputs);
    const tokens = inputs.reduce((sum, input) => sum + input.split(/\s+/).length, 0);
    this.send(res, 200, {
      object: "list",
      model: record.model,
      data,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    if (this.stopCountdown !== undefined && --this.stopCountdown <= 0) {
      this.stopCountdown = undefined;
      res.once("finish", () => void this.stop());
    }
  }

  private async chat(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const record: ChatRequestRecord = {
      path,
      model: String(body.model ?? ""),
      messages: Array.isArray(body.messages)
        ? (body.messages as { role: string; content: string }[])
        : [],
      ...(typeof body.max_tokens === "number" ? { maxTokens: body.max_tokens } : {}),
      ...(typeof body.max_completion_tokens === "number"
        ? { maxCompletionTokens: body.max_completion_tokens }
        : {}),
    };
    this.chatRequests.push(record);
    if (!this.authorized(req)) {
      record.status = 401;
      this.send(res, 401, {
        error: { message: "Incorrect API key provided", code: "invalid_api_key" },
      });
      return;
    }
    const step = this.chatScript.shift() ?? { content: `summary of ${record.model}` };
    if ("drop" in step) {
      req.socket.destroy();
      return;
    }
    if ("status" in step) {
      record.status = step.status;
      this.send(res, step.status, {
        error: { message: step.message ?? `scripted ${step.status}` },
      });
      return;
    }
    if (step.delayMs !== undefined) await this.wait(step.delayMs);
    if (res.destroyed || req.socket.destroyed || !this.running) return;
    record.status = 200;
    const promptTokens =
      step.promptTokens ??
      record.messages.reduce((sum, m) => sum + String(m.content).split(/\s+/).length, 0);
    const completionTokens = step.completionTokens ?? step.content.split(/\s+/).length;
    this.send(res, 200, {
      id: `chatcmpl-${this.chatRequests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: record.model,
      choices: [
        { index: 0, message: { role: "assistant", content: step.content }, finish_reason: "stop" },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private send(
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(payload));
  }
}
