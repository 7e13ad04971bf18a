import { DocindexError } from "../../errors.js";
import { createLogger, parseLogLevel } from "../../log.js";
import { createServerContext } from "../../server/context.js";
import { startHttpServer } from "../../server/http.js";
import { serveOverStdio } from "../../server/stdio.js";
import { McpLogForwarder } from "../../server/mcp-logging.js";
import { parseCommandArgs, stringFlag } from "../args.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";
import { assertFolders } from "../folders.js";

export const SERVE_HELP = `Usage: docindex serve [--root DIR]... [options]

Runs the MCP server: over stdio (default; stdout carries only JSON-RPC, logs go to stderr),
or over Streamable HTTP with --http. Speaks MCP 2026-07-28 (no handshake, no HTTP session)
and, for older clients, the initialize handshake of 2025-11-25, 2025-06-18 and 2025-03-26. Tools: search, inventory, analyze, read_document,
reindex, index_status. An existing index answers at once; a catch-up scan for changes made
while the server was down runs in the background, and a watcher keeps the index fresh.

Options:
  --root DIR              a folder to serve (repeatable; default: configured roots, else .)
  --http [HOST:]PORT      serve Streamable HTTP at http://HOST:PORT/mcp (HOST default 127.0.0.1)
  --token TOKEN           require Authorization: Bearer TOKEN over HTTP (or DOCINDEX_TOKEN)
  --allow-origin ORIGIN   a browser Origin to accept over HTTP (repeatable)
  --no-watch              do not watch files (reindex with the reindex tool)
  -h, --help              show this help

Logs: JSON lines on stderr; level from DOCINDEX_LOG_LEVEL (debug, info, warn, error).

${SETTINGS_HELP}`;

export function parseHttpAddress(value: string): { host: string; port: number } {
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) {
    throw new DocindexError(
      "USAGE",
      `docindex serve: --http must be PORT or HOST:PORT (e.g. 127.0.0.1:8765), got '${value}'`,
    );
  }
  const host = (match[1] ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  return { host, port };
}

export async function runServe(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("serve", argv, {
    ...SETTINGS_OPTIONS,
    root: { type: "string", multiple: true },
    http: { type: "string" },
    token: { type: "string" },
    "allow-origin": { type: "string", multiple: true },
    "no-watch": { type: "boolean" },
  });
  if (parsed.values.help) {
    process.stdout.write(SERVE_HELP + "\n");
    return 0;
  }
  if (parsed.positionals.length > 0) {
    throw new DocindexError(
      "USAGE",
      `docindex serve: unexpected argument '${parsed.positionals[0]}' (use --root DIR)`,
    );
  }
  const rootFlags = (parsed.values.root as string[] | undefined) ?? [];
  assertFolders("serve", rootFlags);
  const httpFlag = stringFlag(parsed.values, "http");
  const http = httpFlag !== undefined ? parseHttpAddress(httpFlag) : undefined;
  const token = stringFlag(parsed.values, "token") ?? (process.env.DOCINDEX_TOKEN || undefined);
  if (token !== undefined && token.length < 8) {
    throw new DocindexError("USAGE", "docindex serve: --token must be at least 8 characters");
  }
  const { settings } = settingsFromFlags("serve", parsed, rootFlags);

  const forwarder = new McpLogForwarder();
  const log = createLogger({
    level: parseLogLevel(process.env.DOCINDEX_LOG_LEVEL, "info"),
    fields: { component: "server" },
    onRecord: (record) => forwarder.forward(record),
  });
  const ctx = await createServerContext({
    settings,
    log,
    watch: parsed.values["no-watch"] !== true,
  });
  // Tools answer from the existing index at once; changes made while the server was down
  // are picked up by this scan in the background.
  ctx.jobs.enqueue({ kind: "catch-up", roots: ctx.roots });

  let stop: () => Promise<void>;
  if (http) {
    const running = await startHttpServer(ctx, forwarder, {
      ...http,
      token,
      allowedOrigins: (parsed.values["allow-origin"] as string[] | undefined) ?? [],
    });
    process.stderr.write(
      `docindex: serving MCP at ${running.url}${token ? " (bearer token required)" : ""}\n`,
    );
    stop = () => running.close();
  } else {
    const connection = await serveOverStdio(ctx, forwarder);
    stop = () => connection.close();
    process.stdin.on("end", () => void shutdown("stdin closed"));
  }

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { why });
    await stop().catch(() => undefined);
    await ctx.close().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  await new Promise<never>(() => undefined);
  return 0;
}
