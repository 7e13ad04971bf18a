/**
 * The watcher on its own, in-process: batching, ignored folders, and the fallback when the OS
 * refuses to watch. The failure is injected through the same error path chokidar reports
 * ENOSPC on (the OS watch limit cannot be lowered safely on a shared machine); the watching
 * and polling after it are real.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log.js";
import { admissionFor } from "../../../src/pipeline/walk-options.js";
import { WorkspaceWatcher } from "../../../src/watcher/workspace-watcher.js";
import { eventually } from "../../helpers/mcp.js";
import { recordingJobs } from "../../helpers/recording-jobs.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const log = createLogger({ level: "silent" });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BACKENDS = ["parcel", "chokidar"] as const;

/**
 * How long a change may take to arrive. Generous: two cores are shared with the rest of the
 * suite, and a change whose event @parcel/watcher dropped arrives only with the reconciler's
 * listing, after a second of quiet (src/watcher/README.md); a change that never arrives fails.
 */
const ARRIVAL_MS = 30_000;

describe.each(BACKENDS)("workspace watcher (%s)", (backend) => {
  async function setup(files: Record<string, string>) {
    const root = makeTempDir();
    writeTree(root, files);
    const { jobs, requests, settings, pathsSent } = recordingJobs(root);
    const watcher = new WorkspaceWatcher({
      roots: [root],
      jobs,
      admission: (root: string) => admissionFor(root, settings),
      log,
      debounceMs: 50,
      pollIntervalMs: 100,
      backend,
    });
    cleanups.push(
      () => removeDir(root),
      () => watcher.close(),
    );
    await watcher.start();
    return { root, watcher, requests, pathsSent };
  }

  it("sends changed paths in batches, and nothing from ignored folders", async () => {
    const { root, watcher, pathsSent } = await setup({
      ".gitignore": "build/\n",
      "a.md": "a",
      "build/x.txt": "x",
    });
    expect(watcher.status().mode).toBe("watching");
    for (let i = 0; i < 20; i++) writeFileSync(join(root, `n${i}.md`), `note ${i}`);
    writeFileSync(join(root, "build/y.txt"), "ignored");
    await eventually(
      async () => (new Set(pathsSent()).size >= 20 ? true : undefined),
      ARRIVAL_MS,
      "20 paths",
    );
    expect(pathsSent().some((p) => p.startsWith("build/"))).toBe(false);
    expect(watcher.status().batches).toBeLessThan(20);
  });

  it("falls back to polling when watching fails, says why, and keeps delivering changes", async () => {
    const { root, watcher, requests, pathsSent } = await setup({ "a.md": "a" });
    await watcher.onWatchError(
      root,
      Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), {
        code: "ENOSPC",
      }),
      false,
    );
    const status = watcher.status();
    expect(status.mode).toBe("polling");
    expect(status.detail).toMatch(/ENOSPC/);
    // A catch-up rescan is queued for what changed while the watch was down.
    await eventually(
      async () => (requests.some((r) => r.roots?.includes(root)) ? true : undefined),
      5_000,
      "catch-up rescan",
    );
    mkdirSync(join(root, "sub"));
    writeFileSync(join(root, "sub/polled.md"), "seen by polling");
    await eventually(
      async () => (pathsSent().includes("sub/polled.md") ? true : undefined),
      ARRIVAL_MS,
      "polled change",
    );
  });

  it("falls back to periodic rescans when polling fails too", async () => {
    const { root, watcher } = await setup({ "a.md": "a" });
    await watcher.onWatchError(root, new Error("EMFILE: too many open files"), true);
    expect(watcher.status().mode).toBe("rescanning");
    expect(watcher.status().detail).toMatch(/rescanning every/);
  });
});
