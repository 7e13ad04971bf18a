/**
 * Change notices from the spawned `docindex serve` with its watcher on: a client that read a
 * document and listens is told when the file is edited (re-indexed) and removed, and when a
 * new file changes the document list. 2026-07-28 clients (SDK v2, `subscriptions/listen`)
 * over stdio and HTTP, handshake clients (SDK v1, `resources/subscribe`) over HTTP and stdio.
 * Each server has a folder of its own (one watcher writing each index).
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import {
  connectHttp,
  connectModernHttp,
  connectModernStdio,
  connectStdio,
  eventually,
  startHttpServerProcess,
  type HttpServerProcess,
} from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

/** What a test sees of a client, whichever SDK and protocol generation it speaks. */
interface Listener {
  /** Reads the note as a resource and asks to hear of it and of the list. */
  readAndListen(): Promise<string>;
  updated: string[];
  listChanged: number;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function workspace(): string {
  const root = makeTempDir();
  writeTree(root, { "notes/heron.md": "# Heron\n\nThe heron waits by the water.\n" });
  expect(runCli(["reindex", root]).code).toBe(0);
  cleanups.push(() => removeDir(root));
  return root;
}

async function serveHttp(root: string): Promise<HttpServerProcess> {
  const server = await startHttpServerProcess(["--root", root]);
  cleanups.push(() => server.close());
  return server;
}

interface ResourceReader {
  listResources(): Promise<{ resources: { name: string; uri: string }[] }>;
  readResource(params: { uri: string }): Promise<unknown>;
  close(): Promise<void>;
}

/** A listener that reads the note, then asks to hear of it the way `listen` says. */
function listenerFor<C extends ResourceReader>(
  client: C,
  listen: (client: C, uri: string, listener: Listener) => Promise<void>,
): Listener {
  const listener: Listener = {
    updated: [],
    listChanged: 0,
    readAndListen: async () => {
      const { resources } = await client.listResources();
      const uri = resources.find((r) => r.name === "notes/heron.md")!.uri;
      await client.readResource({ uri });
      await listen(client, uri, listener);
      return uri;
    },
    close: () => client.close(),
  };
  return listener;
}

type ModernClient = Awaited<ReturnType<typeof connectModernHttp>>;

/** 2026-07-28: one `subscriptions/listen` names the document and the list. */
function modern(client: ModernClient): Listener {
  return listenerFor(client, async (c, uri, listener) => {
    c.setNotificationHandler("notifications/resources/updated", (n) => {
      listener.updated.push(n.params.uri);
    });
    c.setNotificationHandler("notifications/resources/list_changed", () => {
      listener.listChanged++;
    });
    const subscription = await c.listen({
      resourceSubscriptions: [uri],
      resourcesListChanged: true,
    });
    expect(subscription.honoredFilter).toEqual({
      resourceSubscriptions: [uri],
      resourcesListChanged: true,
    });
  });
}

type LegacyClient = Awaited<ReturnType<typeof connectHttp>>;

/** The handshake revisions: `resources/subscribe` per document; list changes come unasked. */
function legacy(client: LegacyClient): Listener {
  return listenerFor(client, async (c, uri, listener) => {
    c.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      listener.updated.push(n.params.uri);
    });
    c.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      listener.listChanged++;
    });
    await c.subscribeResource({ uri });
  });
}

const CLIENTS: [string, (root: string) => Promise<Listener>][] = [
  [
    "2026-07-28 over stdio",
    async (root) => modern((await connectModernStdio(["--root", root])).client),
  ],
  [
    "2026-07-28 over HTTP",
    async (root) => modern(await connectModernHttp((await serveHttp(root)).url)),
  ],
  ["2025-11-25 over HTTP", async (root) => legacy(await connectHttp((await serveHttp(root)).url))],
  ["2025-11-25 over stdio", async (root) => legacy((await connectStdio(["--root", root])).client)],
];

describe.each(CLIENTS)("change notices, %s", (_name, connect) => {
  it("tells a listening client of edits to a document it read, its removal, and new files", async () => {
    const root = workspace();
    const client = await connect(root);
    cleanups.push(() => client.close());
    const uri = await client.readAndListen();
    // The watcher is set up in the background; edit until the first notice arrives.
    await eventually(
      async () => {
        writeFileSync(join(root, "notes/heron.md"), `# Heron\n\nEdited at ${Date.now()}.\n`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return client.updated.includes(uri) ? true : undefined;
      },
      20_000,
      "a notice of the edit",
    );
    writeFileSync(join(root, "notes/egret.md"), "# Egret\n\nA new note.\n");
    await eventually(
      async () => (client.listChanged > 0 ? true : undefined),
      10_000,
      "a notice that the list changed",
    );
    const before = client.updated.length;
    rmSync(join(root, "notes/heron.md"));
    await eventually(
      async () => (client.updated.length > before ? true : undefined),
      10_000,
      "a notice of the removal",
    );
    expect(new Set(client.updated)).toEqual(new Set([uri]));
  }, 60_000);
});
