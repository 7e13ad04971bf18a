/**
 * Streamable HTTP transport: `/mcp` for MCP, `/health` for probes; binds 127.0.0.1 unless
 * told otherwise. Before a request reaches the SDK it must pass, in order: the Host check
 * (DNS-rebinding protection, when bound to loopback), the Origin check (browsers), the bearer
 * token (when one is configured) and the body limit (http-guards.ts).
 *
 * Two protocol generations share the endpoint. A request that carries its protocol version
 * in `_meta` (2026-07-28) is answered by a fresh server instance made for that one exchange
 * (the SDK's createMcpHandler): nothing about the client is kept between requests, so any
 * `docindex serve --http` process sharing the index can answer it. Such a POST gets a single
 * JSON body unless the handler sends something before its result (progress notifications,
 * when the request asked for them with a progress token), in which case it is an SSE stream.
 * Everything else belongs to the handshake revisions and goes to legacy-sessions.ts.
 *
 * Change notices (change-notices.ts) reach 2026-07-28 listeners through the SDK's listen
 * bus; the documents a listen names are read off its request here, since the SDK does not
 * say, and tracked while its stream is open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import {
  createMcpHandler,
  InMemoryServerEventBus,
  isLegacyRequest,
  type ServerEventBus,
} from "@modelcontextprotocol/server";
import { describeError } from "../errors.js";
import type { ServerContext } from "./context.js";
import { createMcpServer, SERVER_VERSION } from "./create-server.js";
import {
  BodyError,
  isLoopback,
  readJsonBody,
  rpcError,
  sendJson,
  tokenMatches,
} from "./http-guards.js";
import { ChangeNotices } from "./change-notices.js";
import { attachConnectionNotices } from "./connection-notices.js";
import { LegacySessions } from "./legacy-sessions.js";
import { listenRequestOf } from "./listen-requests.js";
import type { McpLogForwarder } from "./mcp-logging.js";
import { searchReadersFor } from "./search-readers.js";
import { WorkspaceInstructions } from "./workspace-instructions.js";

export interface HttpOptions {
  host: string;
  port: number;
  token?: string;
  /** Extra Origin values browsers may send (the server's own origins are always allowed). */
  allowedOrigins?: string[];
  /** Handshake sessions idle this long are closed. */
  idleTimeoutMs?: number;
  maxBodyBytes?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Open handshake sessions (2026-07-28 clients have none). */
  sessions(): number;
  /** Where change notices for `subscriptions/listen` streams are published. */
  bus: ServerEventBus;
  close(): Promise<void>;
}

/** The request line and headers as a web Request, for classification with a parsed body. */
function headersOnly(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Request(new URL(req.url ?? "/", "http://localhost"), { method: "POST", headers });
}

export async function startHttpServer(
  ctx: ServerContext,
  forwarder: McpLogForwarder,
  options: HttpOptions,
): Promise<RunningHttpServer> {
  // Many clients at once: searches go to reader threads, the event loop keeps the transport.
  const readers = searchReadersFor(ctx.store);
  const serverCtx: ServerContext = readers ? { ...ctx, searcher: readers } : ctx;
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const log = ctx.log.child({ transport: "http" });
  let port = options.port;
  const hostIsLoopback = isLoopback(options.host);
  const onerror = (error: Error) => log.warn("MCP request failed", { error: describeError(error) });

  const instructions = new WorkspaceInstructions(ctx);
  await instructions.refresh();
  const bus = new InMemoryServerEventBus(onerror);
  const notices = new ChangeNotices(ctx);
  const stopPublishing = notices.onChange((event) => bus.publish(event));
  const modern = createMcpHandler(() => createMcpServer(serverCtx, instructions.current()), {
    legacy: "reject",
    responseMode: "auto",
    maxRequestBodySize: maxBody,
    bus,
    onerror,
  });
  const serveModern = toNodeHandler(modern, { onerror, maxRequestBodySize: maxBody });
  const legacy = new LegacySessions({
    createServer: () => {
      const server = createMcpServer(serverCtx, instructions.current());
      forwarder.attach(server);
      attachConnectionNotices(server, notices, "legacy");
      return server;
    },
    onServerClosed: (server) => forwarder.detach(server),
    idleTimeoutMs: options.idleTimeoutMs ?? 30 * 60_000,
    log,
  });

  const allowedHosts = () =>
    new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${options.host}:${port}`]);
  const allowedOrigins = () =>
    new Set([
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      `http://[::1]:${port}`,
      ...(options.allowedOrigins ?? []),
    ]);

  const handleMcp = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || req.headers["mcp-session-id"] !== undefined) {
      // GET streams and DELETE exist only in handshake sessions.
      return legacy.handle(req, res, undefined);
    }
    const body = await readJsonBody(req, maxBody);
    // The SDK's own routing rule: from the parsed body and the headers (no second body read).
    if (await isLegacyRequest(headersOnly(req), body, { maxRequestBodySize: maxBody }))
      return legacy.handle(req, res, body);
    // A listen stream lasts as long as its response: the documents it names are looked at
    // after each indexing job until then.
    const listen = listenRequestOf(body);
    if (listen) {
      const untrack = listen.uris.map((uri) => notices.track(uri));
      res.once("close", () => untrack.forEach((stop) => stop()));
    }
    return serveModern(req, res, body);
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
        sessions: legacy.size,
      });
    }
    if (url.pathname !== "/mcp")
      return sendJson(res, 404, { error: "not found: the MCP endpoint is /mcp" });
    if (options.token !== undefined && !tokenMatches(req.headers.authorization, options.token)) {
      return rpcError(res, 401, "missing or wrong bearer token (Authorization: Bearer <token>)", {
        headers: { "www-authenticate": 'Bearer realm="docindex"' },
      });
    }
    handleMcp(req, res).catch((error: unknown) => {
      if (error instanceof BodyError) {
        log.info("request refused: body", { error: error.message });
        return rpcError(res, error.status, error.message, {
          code: error.code,
          // The rest of an oversized body is not read: the connection cannot be reused.
          headers: error.status === 413 ? { connection: "close" } : {},
        });
      }
      log.error("request failed", { error: describeError(error) });
      rpcError(res, 500, describeError(error));
    });
  });

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
    sessions: () => legacy.size,
    bus,
    close: async () => {
      await legacy.closeAll();
      await modern.close();
      stopPublishing();
      notices.close();
      instructions.close();
      await readers?.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
