/**
 * The server's job queue (src/server/index-jobs.ts) and its journal of deferred work, on a real
 * server context: jobs run the real pipeline over a real folder into a SQLite index.
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../../src/config/load.js";
import { createLogger, type LogRecord } from "../../../src/log.js";
import {
  createServerContext,
  JOURNAL_FILE,
  type ServerContext,
} from "../../../src/server/context.js";
import { JobJournal } from "../../../src/server/job-journal.js";
import { eventually } from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const open: { ctx: ServerContext; dir: string }[] = [];
afterEach(async () => {
  for (const { ctx, dir } of open.splice(0)) {
    await ctx.close();
    removeDir(dir);
  }
});

/** A server context over a fresh folder of `files`, and the log records it writes. */
async function context(
  files: Record<string, string>,
  options: {
    beforeStart?: (indexDir: string, root: string) => void;
    deferredRetryMs?: number;
  } = {},
) {
  const dir = makeTempDir();
  const root = join(dir, "root");
  writeTree(root, files);
  const indexDir = join(dir, "index");
  options.beforeStart?.(indexDir, root);
  const records: LogRecord[] = [];
  const log = createLogger({ level: "silent", onRecord: (record) => records.push(record) });
  const { settings } = loadSettings({ cwd: root, env: {}, flags: { indexDir, workers: 1 } });
  const ctx = await createServerContext({
    settings,
    log,
    watch: false,
    deferredRetryMs: options.deferredRetryMs,
  });
  open.push({ ctx, dir });
  return { ctx, root: ctx.roots[0]!, records };
}

const DOCS = { "a.md": "# A\n\nAbout badgers.\n", "b.md": "# B\n\nAbout voles.\n" };

describe("the job queue", () => {
  it("runs one job at a time and merges watcher batches that wait into one job", async () => {
    const { ctx, root } = await context(DOCS);
    const first = ctx.jobs.enqueue({ kind: "catch-up", roots: [root] });
    // The queue starts a job as soon as it is free, before enqueue returns.
    expect(first.state).toBe("running");
    expect(ctx.jobs.active()?.id).toBe(first.id);
    const watchA = ctx.jobs.enqueue({ kind: "watch", paths: new Map([[root, new Set(["a.md"])]]) });
    const watchB = ctx.jobs.enqueue({
      kind: "watch",
      paths: new Map([[root, new Set(["a.md", "b.md"])]]),
      roots: [root],
    });
    expect(watchB.id).toBe(watchA.id);
    expect(watchA).toMatchObject({ state: "queued", paths: 2, roots: [root] });
    expect(ctx.jobs.pending()).toBe(1);
    const reindex = ctx.jobs.enqueue({ kind: "reindex", roots: [root] });
    expect(reindex.id).not.toBe(watchA.id);

    await ctx.jobs.idle();
    expect(ctx.jobs.list().map((job) => [job.id, job.state])).toEqual([
      [reindex.id, "done"],
      [watchA.id, "done"],
      [first.id, "done"],
    ]);
    expect(first.summary).toMatchObject({ added: 2, indexed: 2 });
    expect(reindex.summary).toMatchObject({ unchanged: 2, indexed: 0 });
    expect(ctx.jobs.active()).toBeUndefined();
    expect(ctx.jobs.deferredWork()).toBeUndefined();
  });

  it("reports progress to subscribers, and a subscriber that throws harms no one", async () => {
    const { ctx, root, records } = await context(DOCS);
    const job = ctx.jobs.enqueue({ kind: "reindex", roots: [root] });
    const seen: string[] = [];
    ctx.jobs.subscribe(job.id, (update) => seen.push(`${update.state} ${update.progress.done}`));
    ctx.jobs.subscribe(job.id, () => {
      throw new Error("listener bug");
    });
    const done = await ctx.jobs.wait(job.id);
    expect(done.state).toBe("done");
    expect(seen.at(-1)).toBe("done 2");
    expect(seen.some((line) => line.startsWith("running"))).toBe(true);
    expect(records).toContainEqual(
      expect.objectContaining({ level: "warn", msg: "progress listener failed", jobId: job.id }),
    );
    // A finished job answers wait() at once; an unknown id is an error.
    expect(await ctx.jobs.wait(job.id)).toBe(done);
    await expect(ctx.jobs.wait("job-404")).rejects.toThrow("unknown job job-404");
  });

  it("marks a job failed with the reason, logs it, and goes on with the next", async () => {
    const { ctx, root, records } = await context(DOCS);
    const missing = join(root, "..", "no-such-folder");
    const bad = ctx.jobs.enqueue({ kind: "reindex", roots: [missing] });
    const good = ctx.jobs.enqueue({ kind: "reindex", roots: [root] });
    expect((await ctx.jobs.wait(bad.id)).state).toBe("failed");
    expect(bad.error).toBe(`folder not found: ${missing}`);
    expect(records).toContainEqual(
      expect.objectContaining({ level: "error", msg: "index job failed", jobId: bad.id }),
    );
    expect((await ctx.jobs.wait(good.id)).state).toBe("done");
    // Not the store being away: nothing is kept for later.
    expect(ctx.jobs.deferredWork()).toBeUndefined();
  });

  it("keeps the last 50 finished jobs", async () => {
    const { ctx } = await context({ ".keep": "" });
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const job = ctx.jobs.enqueue({ kind: "reindex" });
      ids.push(job.id);
      await ctx.jobs.wait(job.id);
    }
    const listed = ctx.jobs.list().map((job) => job.id);
    // Trimmed when a job is queued: 50 finished ones and the one just queued.
    expect(listed).toEqual(ids.slice(9).reverse());
    expect(ctx.jobs.get(ids[8]!)).toBeUndefined();
  });
});

describe("deferred work across a restart", () => {
  it("applies work a previous server kept in its journal, then deletes the journal", async () => {
    let journalPath = "";
    const { ctx } = await context(DOCS, {
      deferredRetryMs: 50,
      beforeStart: (indexDir, root) => {
        journalPath = join(indexDir, JOURNAL_FILE);
        // What a server whose store went away wrote before it stopped.
        new JobJournal(journalPath).save([{ kind: "watch", roots: [realpathSync(root)] }]);
      },
    });
    expect(ctx.jobs.deferredWork()).toEqual({ roots: 1, paths: 0 });
    const applied = await eventually(
      async () => ctx.jobs.list().find((job) => job.state === "done"),
      15_000,
      "the deferred work to run",
    );
    expect(applied).toMatchObject({ kind: "reindex", summary: { added: 2, indexed: 2 } });
    await eventually(async () => (existsSync(journalPath) ? undefined : true), 5_000, "journal");
    expect(ctx.jobs.deferredWork()).toBeUndefined();
  });
});

describe("the journal", () => {
  it("keeps roots, paths (sorted) and full through save and load", () => {
    const dir = makeTempDir();
    try {
      const journal = new JobJournal(join(dir, "nested", "pending-work.json"));
      expect(journal.load()).toEqual([]);
      journal.save([
        {
          kind: "watch",
          roots: ["/r1"],
          paths: new Map([["/r2", new Set(["b.md", "a.md"])]]),
          full: true,
        },
        { kind: "reindex" },
      ]);
      const stored = JSON.parse(readFileSync(journal.path, "utf8")) as unknown[];
      expect(stored[0]).toEqual({
        kind: "watch",
        roots: ["/r1"],
        full: true,
        paths: { "/r2": ["a.md", "b.md"] },
      });
      const [first, second] = journal.load();
      expect(first).toEqual({
        kind: "watch",
        roots: ["/r1"],
        full: true,
        paths: new Map([["/r2", new Set(["a.md", "b.md"])]]),
      });
      expect(second).toEqual({
        kind: "reindex",
        roots: undefined,
        full: undefined,
        paths: undefined,
      });
      journal.save([]);
      expect(existsSync(journal.path)).toBe(false);
    } finally {
      removeDir(dir);
    }
  });

  it("treats an unreadable journal as empty", () => {
    const dir = makeTempDir();
    try {
      const path = join(dir, "pending-work.json");
      writeFileSync(path, '[{"kind": "watch", "roots": [');
      expect(new JobJournal(path).load()).toEqual([]);
    } finally {
      removeDir(dir);
    }
  });
});
