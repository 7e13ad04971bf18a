/**
 * Log records as MCP logging notifications, for the clients that ask for them with
 * logging/setLevel (and only at or above the level each asked for). Clients that never ask
 * get none: the log stays on stderr.
 */
import type { LoggingLevel, McpServer } from "@modelcontextprotocol/server";
import type { LogRecord } from "../log.js";

const SEVERITY: Record<LoggingLevel, number> = {
  debug: 0,
  info: 1,
  notice: 2,
  warning: 3,
  error: 4,
  critical: 5,
  alert: 6,
  emergency: 7,
};

const FROM_RECORD: Record<LogRecord["level"], LoggingLevel> = {
  debug: "debug",
  info: "info",
  warn: "warning",
  error: "error",
};

export class McpLogForwarder {
  private readonly levels = new Map<McpServer, LoggingLevel>();

  attach(server: McpServer): void {
    server.server.setRequestHandler("logging/setLevel", (request) => {
      this.levels.set(server, request.params.level);
      return {};
    });
    const previous = server.server.onclose;
    server.server.onclose = () => {
      this.levels.delete(server);
      previous?.();
    };
  }

  detach(server: McpServer): void {
    this.levels.delete(server);
  }

  forward(record: LogRecord): void {
    const level = FROM_RECORD[record.level];
    for (const [server, wanted] of this.levels) {
      if (SEVERITY[level] < SEVERITY[wanted]) continue;
      server.server
        .sendLoggingMessage({ level, logger: "docindex", data: record })
        .catch(() => this.levels.delete(server));
    }
  }
}
