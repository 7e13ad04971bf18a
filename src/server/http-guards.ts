/**
 * What every HTTP request must pass before MCP sees it, and the JSON-RPC shapes of its
 * refusals: the Host check (DNS-rebinding protection when bound to loopback), the Origin
 * check (browsers), the bearer token, and a body read under a size limit that answers a
 * protocol error (never a crash) for bodies too large or not JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";

/** JSON-RPC error codes of the refusals made here, before a message reaches the SDK. */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
/** The code transports use for their own refusals (no session, wrong token, ...). */
export const RPC_TRANSPORT_ERROR = -32000;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export function rpcError(
  res: ServerResponse,
  status: number,
  message: string,
  options: { code?: number; headers?: Record<string, string> } = {},
): void {
  sendJson(
    res,
    status,
    { jsonrpc: "2.0", error: { code: options.code ?? RPC_TRANSPORT_ERROR, message }, id: null },
    options.headers,
  );
}

export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A refusal of the body: its HTTP status and JSON-RPC code travel with it. */
export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * Reads and parses a POST body, refusing it past `limit` bytes (a declared Content-Length
 * over the limit is refused before anything is read).
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () =>
    new BodyError(`request body larger than ${limit} bytes`, 413, RPC_INVALID_REQUEST);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new BodyError("request body is empty", 400, RPC_INVALID_REQUEST);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError("request body is not valid JSON", 400, RPC_PARSE_ERROR);
  }
}
