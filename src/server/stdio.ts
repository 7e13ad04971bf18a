/**
 * MCP over stdio: the SDK's serveStdio picks the protocol generation from the client's
 * opening (2026-07-28 per-request `_meta`, or the `initialize` handshake) and pins one server
 * instance to the connection. docindex adds the workspace instructions, log records for
 * clients that ask (handshake revisions), and change notices (connection-notices.ts); the
 * transport is wrapped only to read which documents a `subscriptions/listen` names.
 */
import {
  StdioServerTransport,
  serveStdio,
  type StdioServerHandle,
} from "@modelcontextprotocol/server/stdio";
import type { JSONRPCMessage, MessageExtraInfo, Transport } from "@modelcontextprotocol/server";
import { describeError } from "../errors.js";
import { ChangeNotices } from "./change-notices.js";
import { attachConnectionNotices, type ConnectionNotices } from "./connection-notices.js";
import type { ServerContext } from "./context.js";
import { createMcpServer } from "./create-server.js";
import { cancelledRequestOf, listenRequestOf } from "./listen-requests.js";
import type { McpLogForwarder } from "./mcp-logging.js";
import { WorkspaceInstructions } from "./workspace-instructions.js";

/** A transport that shows every inbound message to `peek` before the entry gets it. */
class PeekingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    peek: (message: JSONRPCMessage) => void,
  ) {
    inner.onmessage = (message, extra) => {
      peek(message);
      this.onmessage?.(message, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(...args: Parameters<Transport["send"]>): Promise<void> {
    return this.inner.send(...args);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export async function serveOverStdio(
  ctx: ServerContext,
  forwarder: McpLogForwarder,
): Promise<StdioServerHandle> {
  const instructions = new WorkspaceInstructions(ctx);
  await instructions.refresh();
  const notices = new ChangeNotices(ctx);
  // The instance the connection is pinned to (the factory's last; a discarded discovery
  // probe is replaced by the instance made after it).
  let connection: ConnectionNotices | undefined;
  const transport = new PeekingTransport(new StdioServerTransport(), (message) => {
    const listen = listenRequestOf(message);
    if (listen) connection?.listen(listen.id, listen.uris);
    const cancelled = cancelledRequestOf(message);
    if (cancelled !== undefined) connection?.cancel(cancelled);
  });
  const handle = serveStdio(
    ({ era }) => {
      const server = createMcpServer(ctx, instructions.current());
      forwarder.attach(server);
      connection = attachConnectionNotices(server, notices, era);
      return server;
    },
    {
      transport,
      onerror: (error) => ctx.log.warn("MCP message failed", { error: describeError(error) }),
    },
  );
  return {
    close: async () => {
      await handle.close();
      notices.close();
      instructions.close();
    },
  };
}
