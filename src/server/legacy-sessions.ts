/**
 * Streamable HTTP sessions for clients of the handshake revisions (2025-11-25, 2025-06-18,
 * 2025-03-26): `initialize` opens a session (one McpServer and one SDK transport, kept in
 * memory), `Mcp-Session-Id` routes the requests after it, DELETE or an idle timeout ends it.
 * 2026-07-28 clients never get here: they need no session (see http.ts).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";
import { isInitializeRequest, type McpServer } from "@modelcontextprotocol/server";
import type { Logger } from "../log.js";
import { rpcError } from "./http-guards.js";

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
}

export interface LegacySessionsOptions {
  /** A new server instance for a new session. */
  createServer: () => McpServer;
  /** Called when a session's server goes away (to stop sending it log records). */
  onServerClosed: (server: McpServer) => void;
  idleTimeoutMs: number;
  log: Logger;
}

export class LegacySessions {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: LegacySessionsOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, options.idleTimeoutMs));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Serves a request of a handshake client; `body` is the parsed POST body, if any. */
  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const header = req.headers["mcp-session-id"];
    const id = Array.isArray(header) ? header[0] : header;
    if (id !== undefined) {
      const session = this.sessions.get(id);
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
        "no mcp-session-id header: the first request of a session must be initialize " +
          "(or, on protocol 2026-07-28, every request carries its version in _meta)",
      );
    }
    const server = this.options.createServer();
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (newId) => {
        this.sessions.set(newId, { transport, server, lastSeen: Date.now() });
        this.options.log.info("session started", { sessionId: newId, sessions: this.size });
      },
      onsessionclosed: (closedId) => {
        void this.close(closedId);
        this.options.log.info("session ended", { sessionId: closedId, sessions: this.size });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) void this.close(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.options.onServerClosed(session.server);
    await session.server.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  /** Every open session's server, for notices meant for all handshake clients. */
  servers(): McpServer[] {
    return [...this.sessions.values()].map((session) => session.server);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) {
      if (now - session.lastSeen > this.options.idleTimeoutMs) {
        this.options.log.info("session expired", { sessionId: id });
        void session.transport.close().then(() => this.close(id));
      }
    }
  }
}
