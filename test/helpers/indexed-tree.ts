/**
 * A folder of files indexed in this process by the real pipeline (walker, parser workers,
 * SQLite store), for tests of what reads the index: inventory, analysis.
 */
import { join } from "node:path";
import type { Store } from "../../indexers/store.js";
import { loadSettings } from "../../src/config/load.js";
import type { PartialSettings, Settings } from "../../src/config/schema.js";
import { createLogger } from "../../src/log.js";
import { reindex } from "../../src/pipeline/reindex.js";
import { resolveRoot } from "../../src/pipeline/resolve-root.js";
import { createParserPool, openStore } from "../../src/pipeline/runtime.js";
import { makeTempDir, removeDir, writeTree } from "./tree.js";

export interface IndexedTree {
  /** The root's realpath, as the store keys documents. */
  root: string;
  settings: Settings;
  store: Store;
  close(): Promise<void>;
}

export async function indexTree(
  files: Record<string, string | Buffer>,
  flags: PartialSettings = {},
): Promise<IndexedTree> {
  const dir = makeTempDir();
  writeTree(
    dir,
    Object.fromEntries(Object.entries(files).map(([path, body]) => [`root/${path}`, body])),
  );
  const root = resolveRoot(join(dir, "root"));
  const { settings } = loadSettings({
    cwd: root,
    env: {},
    flags: { indexDir: join(dir, "index"), workers: 1, ...flags },
  });
  const store = await openStore(settings, { create: true });
  const parser = createParserPool(settings);
  try {
    await reindex({ settings, store, parser, log: createLogger({ level: "silent" }) });
  } finally {
    await parser.close();
  }
  return {
    root,
    settings,
    store,
    close: async () => {
      await store.close();
      removeDir(dir);
    },
  };
}
