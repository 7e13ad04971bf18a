/**
 * The parser pool with real worker threads: the compiled parse worker on the real dataset
 * (run `npx tsc -p tsconfig.json` first; `npm test` does), and a deliberately misbehaving test
 * worker for timeouts, crashes and out-of-memory.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { chunkDocument } from "../../../scanners/chunk/index.js";
import { parseFile, type ParseOptions } from "../../../scanners/parsers/index.js";
import { CANCELLED_REASON, ParserPool } from "../../../scanners/pool/parser-pool.js";
import { defaultWorkerScript } from "../../../scanners/pool/worker-script.js";
import type { FileKind, ParseOutcome } from "../../../scanners/types.js";
import { DATASETS, HAVE_DOCS } from "../parsers/datasets.js";
import { tempDir } from "../parsers/helpers.js";
import { writeMisbehavingWorker, writePrintingWorker } from "./test-workers.js";

const dir = tempDir("docindex-pool-");
afterAll(() => dir.remove());
const misbehaving = writeMisbehavingWorker(dir);

const textOf = (outcome: ParseOutcome): string =>
  outcome.ok ? outcome.doc.text : `${outcome.status}: ${outcome.reason}`;

describe.skipIf(!HAVE_DOCS)("ParserPool with the real parse worker", () => {
  it("parses the whole PDF and DOCX dataset concurrently, exactly as parseFile does in-process", async () => {
    const files: { path: string; kind: FileKind }[] = [];
    for (const kind of ["pdf", "docx"] as const) {
      for (const name of readdirSync(join(DATASETS, kind)).filter((n) => n.endsWith(`.${kind}`))) {
        files.push({ path: join(DATASETS, kind, name), kind });
      }
    }
    files.push({ path: dir.write("notes.md", "# Notes\n\ntext\n"), kind: "markdown" });
    files.push({ path: dir.write("page.html", "<h1>Hi</h1><p>there</p>"), kind: "html" });
    // OCR off: the image-only PDFs would be cut short by the time limit in the pool and not in
    // process; OCR in the pool has its own tests (test/scanners/ocr).
    const options: ParseOptions = { passwords: ["asdfzxcv"], ocr: { mode: "off" } };
    const pool = new ParserPool({ size: 4, parseOptions: options });
    try {
      const pooled = await Promise.all(files.map((f) => pool.parse(f.path, f.kind)));
      const direct = await Promise.all(files.map((f) => parseFile(f.path, f.kind, options)));
      expect(pooled).toEqual(direct);
      expect(pooled.filter((o) => o.ok).length).toBeGreaterThan(30);
      const r4 = files.findIndex((f) => f.path.endsWith("r4-aes-user-password.pdf"));
      expect(pooled[r4]?.ok).toBe(true);
    } finally {
      await pool.close();
    }
  }, 240_000); // the whole dataset twice (pool and in-process): most of a minute on two busy cores
});

describe("ParserPool.prepare (read once, hash, parse, chunk in the worker)", () => {
  it("lets go of the files it has handed out while others still wait", async () => {
    // The pipeline keeps more files submitted than the workers hold, so the queue never runs
    // empty during a run. Handed-out tasks hold their outcome (text and chunks) through their
    // resolve function: they must leave the queue then, not at the end of the run.
    const path = dir.write("many.md", "# Many\n\nThe same small file, parsed again and again.\n");
    const pool = new ParserPool({ size: 1, queuePerWorker: 1 });
    const queued = () => (pool as unknown as { queue: unknown[] }).queue.length;
    try {
      const all = Array.from({ length: 400 }, () => pool.prepare(path, "many.md", "markdown", {}));
      expect(queued()).toBeGreaterThan(390);
      const first = await Promise.all(all.slice(0, 300));
      expect(first.every((o) => o.ok)).toBe(true);
      expect(queued()).toBeLessThanOrEqual(200);
      await Promise.all(all);
      expect(queued()).toBe(0);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("answers the fstat facts, the sha256 of the bytes and the chunks chunkDocument makes", async () => {
    // A budget of 8 tokens cuts the text into several chunks: they cross threads as ranges.
    const body = "# Guide\n\nHow to feed the newts.\n\n## Water\n\nChange it daily.\n";
    const path = dir.write("guide.md", body);
    const pool = new ParserPool({ size: 1 });
    try {
      const prepared = await pool.prepare(path, "docs/guide.md", "markdown", { maxTokens: 8 });
      const parsed = await parseFile(path, "markdown");
      if (!prepared.ok || !parsed.ok) throw new Error("expected both to parse");
      const st = statSync(path);
      expect(prepared.facts).toEqual({
        size: st.size,
        mtimeMs: st.mtimeMs,
        sha256: createHash("sha256").update(readFileSync(path)).digest("hex"),
      });
      expect(prepared.doc).toEqual(parsed.doc);
      const direct = chunkDocument("docs/guide.md", parsed.doc, { maxTokens: 8 });
      expect(direct.length).toBeGreaterThan(1);
      expect(prepared.chunks).toEqual(direct);
      const gone = await pool.prepare(join(dir.path, "gone.md"), "gone.md", "markdown", {});
      expect(gone).toMatchObject({ ok: false, status: "failed" });
      expect(gone.ok === false && gone.reason).toMatch(/^unreadable: ENOENT/);
      expect(gone.ok === false && gone.facts).toBeUndefined();
    } finally {
      await pool.close();
    }
  });
});

describe("ParserPool failure handling (misbehaving test worker)", () => {
  it("times out a hanging worker, replaces it and goes on with the queue", async () => {
    const pool = new ParserPool({ size: 1, timeoutMs: 500, workerScript: misbehaving });
    try {
      const results = await Promise.all([
        pool.parse("/x/hang.txt", "text"),
        pool.parse("/x/a.txt", "text"),
        pool.parse("/x/b.txt", "text"),
      ]);
      expect(results.map(textOf)).toEqual([
        "failed: timed out after 0.5 s",
        "/x/a.txt",
        "/x/b.txt",
      ]);
    } finally {
      await pool.close();
    }
  });

  it("sends files ahead to a worker, and gives those behind a crash to a fresh one", async () => {
    const pool = new ParserPool({ size: 1, queuePerWorker: 3, workerScript: misbehaving });
    try {
      const results = await Promise.all(
        ["/s/1", "/s/exit", "/s/2", "/s/3", "/s/4"].map((p) => pool.parse(p, "text")),
      );
      expect(results.map(textOf)).toEqual([
        "/s/1",
        "failed: worker crashed: exited with code 3",
        "/s/2",
        "/s/3",
        "/s/4",
      ]);
    } finally {
      await pool.close();
    }
  });

  it("states the time limit in seconds", async () => {
    const pool = new ParserPool({ size: 1, timeoutMs: 1000, workerScript: misbehaving });
    try {
      expect(await pool.parse("/x/hang", "text")).toEqual({
        ok: false,
        status: "failed",
        reason: "timed out after 1 s",
      });
    } finally {
      await pool.close();
    }
  });

  it("replaces a worker that exits or throws", async () => {
    const pool = new ParserPool({ size: 2, workerScript: misbehaving });
    try {
      const results = await Promise.all([
        pool.parse("/x/exit", "text"),
        pool.parse("/x/throw", "text"),
        pool.parse("/x/garble", "text"),
        pool.parse("/x/ok-1", "text"),
        pool.parse("/x/ok-2", "text"),
      ]);
      expect(results.map(textOf)).toEqual([
        "failed: worker crashed: exited with code 3",
        "failed: worker crashed: boom",
        "failed: worker crashed: malformed reply",
        "/x/ok-1",
        "/x/ok-2",
      ]);
    } finally {
      await pool.close();
    }
  });

  it("reports a worker that runs out of memory, and carries on", async () => {
    const pool = new ParserPool({
      size: 1,
      maxMemoryMb: 32,
      timeoutMs: 60_000,
      workerScript: misbehaving,
    });
    try {
      const [oom, next] = await Promise.all([
        pool.parse("/x/oom", "text"),
        pool.parse("/x/after", "text"),
      ]);
      expect(oom).toEqual({ ok: false, status: "failed", reason: "out of memory (limit 32 MB)" });
      expect(textOf(next!)).toBe("/x/after");
    } finally {
      await pool.close();
    }
  });

  it("starts queued files in FIFO order", async () => {
    const pool = new ParserPool({ size: 1, workerScript: misbehaving });
    const order: string[] = [];
    try {
      await Promise.all(
        ["/q/1", "/q/2", "/q/3", "/q/4", "/q/5"].map((p) =>
          pool.parse(p, "text").then((o) => order.push(textOf(o))),
        ),
      );
      expect(order).toEqual(["/q/1", "/q/2", "/q/3", "/q/4", "/q/5"]);
    } finally {
      await pool.close();
    }
  });

  it("close() finishes queued and running work, then refuses new work", async () => {
    const pool = new ParserPool({ size: 1, workerScript: misbehaving });
    const pending = [pool.parse("/c/1", "text"), pool.parse("/c/2", "text")];
    await pool.close();
    expect((await Promise.all(pending)).map(textOf)).toEqual(["/c/1", "/c/2"]);
    await expect(pool.parse("/c/3", "text")).rejects.toThrow("ParserPool is closed");
  });

  it("terminate() cancels running and queued work at once", async () => {
    const pool = new ParserPool({ size: 1, timeoutMs: 60_000, workerScript: misbehaving });
    const pending = [pool.parse("/t/hang", "text"), pool.parse("/t/queued", "text")];
    await new Promise((resolve) => setTimeout(resolve, 100));
    await pool.terminate();
    expect(await Promise.all(pending)).toEqual([
      { ok: false, status: "failed", reason: CANCELLED_REASON },
      { ok: false, status: "failed", reason: CANCELLED_REASON },
    ]);
  });

  it("parses in a process started with heap flags that a worker would refuse", () => {
    const poolUrl = pathToFileURL(
      join(process.cwd(), "dist", "scanners", "pool", "parser-pool.js"),
    );
    const file = dir.write("flags.md", "# Flags\n\nParsed all the same.\n");
    const script = `
      const { ParserPool } = await import(${JSON.stringify(poolUrl.href)});
      const pool = new ParserPool({ size: 1 });
      const outcome = await pool.parse(${JSON.stringify(file)}, "markdown");
      await pool.close();
      process.stderr.write("outcome: " + (outcome.ok ? "ok" : outcome.reason) + "\\n");
    `;
    const flags = ["--max-old-space-size=256", "--stack-size=2000", "--input-type=module"];
    const child = spawnSync(process.execPath, [...flags, "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(child.stderr).toContain("outcome: ok");
    expect(child.status).toBe(0);
  });

  it("keeps parser output off stdout, and an idle pool does not hold the process open", () => {
    const distRoot = join(process.cwd(), "dist");
    const printing = writePrintingWorker(dir, distRoot);
    const poolUrl = pathToFileURL(join(distRoot, "scanners", "pool", "parser-pool.js")).href;
    // No close(): the child must still exit once the pool is idle.
    const script = `
      const { ParserPool } = await import(${JSON.stringify(poolUrl)});
      const pool = new ParserPool({ size: 2, workerScript: new URL(${JSON.stringify(printing.href)}) });
      const outcomes = await Promise.all([pool.parse("/p/1", "text"), pool.parse("/p/2", "text")]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.stderr.write("reasons: " + outcomes.map((o) => o.reason).join(",") + "\\n");
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(child.stdout).toBe("");
    expect(child.stderr).toContain("PRINTED BY A PARSER");
    expect(child.stderr).toContain("WRITTEN TO STDOUT");
    expect(child.stderr).toContain("reasons: printed,printed");
  });
});

describe("ParserPool setup", () => {
  it("maps a TypeScript source location to the compiled worker in dist/", () => {
    expect(defaultWorkerScript("file:///repo/scanners/pool/parser-pool.ts").href).toBe(
      "file:///repo/dist/scanners/pool/parse-worker.js",
    );
    expect(defaultWorkerScript("file:///repo/dist/scanners/pool/parser-pool.js").href).toBe(
      "file:///repo/dist/scanners/pool/parse-worker.js",
    );
  });

  it("fails fast with an actionable message when the worker is not built, and on bad options", () => {
    expect(
      () => new ParserPool({ workerScript: pathToFileURL(join(dir.path, "missing.js")) }),
    ).toThrow(/run `npm run build`/);
    expect(() => new ParserPool({ size: 0 })).toThrow(/size must be a positive integer/);
    expect(() => new ParserPool({ timeoutMs: 1.5 })).toThrow(/timeoutMs/);
  });
});
