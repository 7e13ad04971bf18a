/**
 * A real server context (SQLite, parser pool) over a folder, indexed once, with the SDK's own
 * Client joined to docindex's McpServer by the in-memory transport: how the tool tests call
 * tools without spawning a process.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadSettings } from "../../src/config/load.js";
import { createLogger } from "../../src/log.js";
import { createServerContext, type ServerContext } from "../../src/server/context.js";
import { createMcpServer } from "../../src/server/create-server.js";

export async function startIndexedServer(
  dir: string,
  clientName: string,
): Promise<{ ctx: ServerContext; client: Client }> {
  const { settings } = loadSettings({
    cwd: dir,
    env: {},
    flags: { indexDir: join(dir, ".docindex"), workers: 1 },
  });
  const ctx = await createServerContext({
    settings,
    log: createLogger({ level: "silent" }),
    watch: false,
  });
  await ctx.jobs.wait(ctx.jobs.enqueue({ kind: "reindex", roots: ctx.roots }).id);
  const server = createMcpServer(ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: clientName, version: "1.0.0" });
  await client.connect(clientSide);
  return { ctx, client };
}
