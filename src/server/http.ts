/**
 * Streamable HTTP transport: `/mcp` with stateful sessions (one McpServer per session, all on
 * the shared context), `/health` for probes. Binds 127.0.0.1 unless told otherwise. Before a
 * request reaches the SDK it must pass, in order: the Host check (DNS-rebinding protection,
 * when bound to loopback), the Origin check (browsers), and the bearer token (when one is
 * configured). Sessions that go quiet are closed after an idle timeout, so clients that
 * vanish without a DELETE leave nothing behind.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describeError } from "../errors.js";
import type { ServerContext } from "./context.js";
import { createMcpServer, SERVER_VERSION } from "./create-server.js";
import type { McpLogForwarder } from "./mcp-logging.js";
import { searchReadersFor } from "./search-readers.js";

export interface HttpOptions {
  host: string;
  port: number;
  token?: string;
  /** Extra Origin values browsers may send (the server's own origins are always allowed). */
  allowedOrigins?: string[];
  /** Sessions idle this long are closed. */
  idleTimeoutMs?: number;
  maxBodyBytes?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  sessions(): number;
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function rpcError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { jsonrpc: "2.0", error: { code: -32000, message }, id: null }, headers);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw Object.assign(new Error(`request body larger than ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    throw Object.assign(new Error("request body is not valid JSON"), { status: 400 });
  }
}

export async function startHttpServer(
  ctx: ServerContext,
  forwarder: McpLogForwarder,
  options: HttpOptions,
): Promise<RunningHttpServer> {
  const sessions = new Map<string, Session>();
  // Many sessions at once: searches go to reader threads, the event loop keeps the transport.
  const readers = searchReadersFor(ctx.store);
  const sessionCtx: ServerContext = readers ? { ...ctx, searcher: readers } : ctx;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const log = ctx.log.child({ transport: "http" });
  let port = options.port;
  const hostIsLoopback = LOOPBACK.has(options.host);

  const allowedHosts = () =>
    new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${options.host}:${port}`]);
  const allowedOrigins = () =>
    new Set([
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      `http://[::1]:${port}`,
      ...(options.allowedOrigins ?? []),
    ]);

  const closeSession = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    forwarder.detach(session.server);
    await session.server.close().catch(() => undefined);
  };

  const handleMcp = async (req: IncomingMessage, res: ServerResponse) => {
    const sessionId = req.headers["mcp-session-id"];
    const id = Array.isArray(sessionId) ? sessionId[0] : sessionId;
    const body = req.method === "POST" ? await readJsonBody(req, maxBody) : undefined;
    if (id !== undefined) {
      const session = sessions.get(id);
      if (!session)
        return rpcError(
          res,
          404,
          "session not found (it ended or expired): start a new one with initialize",
        );
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return rpcError(
        res,
        400,
        "no mcp-session-id header: the first request of a session must be initialize",
      );
    }
    const server = createMcpServer(sessionCtx);
    forwarder.attach(server);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (newId) => {
        sessions.set(newId, { transport, server, lastSeen: Date.now() });
        log.info("session started", { sessionId: newId, sessions: sessions.size });
      },
      onsessionclosed: (closedId) => {
        void closeSession(closedId);
        log.info("session ended", { sessionId: closedId, sessions: sessions.size });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) void closeSession(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const httpServer: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (hostIsLoopback && !allowedHosts().has(req.headers.host ?? "")) {
      log.warn("request refused: Host", { host: req.headers.host });
      return rpcError(
        res,
        403,
        `Host '${req.headers.host ?? ""}' is not allowed (DNS-rebinding protection)`,
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      log.warn("request refused: Origin", { origin });
      return rpcError(res, 403, `Origin '${origin}' is not allowed`);
    }
    if (url.pathname === "/health") {
      return sendJson(res, 200, {
        status: "ok",
        name: "docindex",
        version: SERVER_VERSION,
        sessions: sessions.size,
      });
    }
    if (url.pathname !== "/mcp")
      return sendJson(res, 404, { error: "not found: the MCP endpoint is /mcp" });
    if (options.token !== undefined && !tokenMatches(req.headers.authorization, options.token)) {
      return rpcError(res, 401, "missing or wrong bearer token (Authorization: Bearer <token>)", {
        "www-authenticate": 'Bearer realm="docindex"',
      });
    }
    handleMcp(req, res).catch((error: unknown) => {
      const status = (error as { status?: number }).status ?? 500;
      if (status === 500) log.error("request failed", { error: describeError(error) });
      rpcError(res, status, describeError(error));
    });
  });

  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [id, session] of sessions) {
        if (now - session.lastSeen > idleTimeoutMs) {
          log.info("session expired", { sessionId: id });
          void session.transport.close().then(() => closeSession(id));
        }
      }
    },
    Math.min(60_000, idleTimeoutMs),
  );
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  port = (httpServer.address() as AddressInfo).port;
  const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}/mcp`;
  log.info("listening", { url });

  return {
    url,
    port,
    sessions: () => sessions.size,
    close: async () => {
      clearInterval(sweeper);
      await Promise.all([...sessions.keys()].map(closeSession));
      await readers?.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
