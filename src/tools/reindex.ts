/**
 * The `reindex` and `index_status` tools. `reindex` queues a background job and answers at
 * once with its id; with `wait: true` it answers when the job is done and sends MCP progress
 * notifications meanwhile (progress needs a request in flight, so it goes with waiting).
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { DocindexError } from "../errors.js";
import { confinePath, pickRoot } from "../server/confine.js";
import type { ServerContext } from "../server/context.js";
import type { IndexJob, JobRequest } from "../server/index-jobs.js";
import { jobSchema, publicJob } from "./inventory.js";
import { runTool, toolResult } from "./tool-kit.js";

export const reindexInput = {
  paths: z
    .array(z.string().min(1).max(4096))
    .max(1000)
    .optional()
    .describe("Only these files or folders (relative to their root). Default: every root."),
  root: z.string().optional().describe("Only this root (absolute path or folder name)."),
  full: z
    .boolean()
    .default(false)
    .describe("Parse unchanged files again too (default false: only new and changed files)."),
  wait: z
    .boolean()
    .default(false)
    .describe(
      "Answer when the job is done, with progress notifications (default false: answer at once).",
    ),
};

const jobOutput = jobSchema.extend({
  summary: z
    .object({
      scanned: z.number(),
      added: z.number(),
      changed: z.number(),
      unchanged: z.number(),
      deleted: z.number(),
      indexed: z.number(),
      skipped: z.number(),
      failed: z.number(),
      durationMs: z.number(),
    })
    .optional(),
});

export const reindexOutput = { jobId: z.string(), job: jobOutput };
export const indexStatusInput = {
  jobId: z
    .string()
    .max(100)
    .optional()
    .describe("A job id from `reindex`. Default: every recent job."),
};
export const indexStatusOutput = { jobs: z.array(jobOutput), queued: z.number() };

type ReindexArgs = z.infer<z.ZodObject<typeof reindexInput>>;

function describeJob(job: IndexJob) {
  const base = publicJob(job);
  if (!job.summary) return base;
  const s = job.summary;
  return {
    ...base,
    summary: {
      scanned: s.scanned,
      added: s.added,
      changed: s.changed,
      unchanged: s.unchanged,
      deleted: s.deleted,
      indexed: s.indexed,
      skipped: s.skipped,
      failed: s.failed,
      durationMs: s.durationMs,
    },
  };
}

function jobLine(job: ReturnType<typeof describeJob>): string {
  const p = job.progress;
  let line = `${job.id} (${job.kind}): ${job.state}, ${p.done}/${p.total} files parsed, ${p.scanned} scanned`;
  if ("summary" in job && job.summary) {
    const s = job.summary;
    line += `; ${s.added} new, ${s.changed} changed, ${s.deleted} removed, ${s.unchanged} unchanged; ${s.failed} failed, ${s.skipped} skipped`;
  }
  if (job.error) line += `; error: ${job.error}`;
  return line;
}

function requestFrom(ctx: ServerContext, args: ReindexArgs): JobRequest {
  const root = args.root !== undefined ? pickRoot(ctx.roots, args.root) : undefined;
  if (!args.paths || args.paths.length === 0) {
    return { kind: "reindex", roots: root ? [root] : ctx.roots, full: args.full };
  }
  const paths = new Map<string, Set<string>>();
  for (const input of args.paths) {
    const confined = confinePath(ctx.roots, input, root);
    if (confined.path === "")
      throw new DocindexError(
        "USAGE",
        `'${input}' is a root: leave out \`paths\` to reindex whole roots`,
      );
    const set = paths.get(confined.root) ?? new Set<string>();
    set.add(confined.path);
    paths.set(confined.root, set);
  }
  return { kind: "reindex", paths, full: args.full };
}

export function registerReindexTools(server: McpServer, ctx: ServerContext): void {
  server.registerTool(
    "reindex",
    {
      title: "Reindex the workspace",
      description:
        "Start indexing in the background: whole roots, or given files and folders. Only new and changed files " +
        "are parsed unless `full` is true. Answers at once with a job id (follow it with `index_status`), or, " +
        "with `wait: true`, when the job is done. The index normally follows file changes by itself; use this " +
        "after changing settings or when `inventory` shows the watcher is off.",
      inputSchema: reindexInput,
      outputSchema: reindexOutput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      runTool(ctx, "reindex", async () => {
        const job = ctx.jobs.enqueue(requestFrom(ctx, args));
        if (!args.wait) {
          const described = describeJob(job);
          return toolResult(
            { jobId: job.id, job: described },
            `Queued ${jobLine(described)}. Follow it with index_status.`,
          );
        }
        const token = extra.mcpReq._meta?.progressToken;
        const unsubscribe =
          token !== undefined
            ? ctx.jobs.subscribe(job.id, (current) => {
                void extra.mcpReq
                  .notify({
                    method: "notifications/progress",
                    params: {
                      progressToken: token,
                      progress: current.progress.done,
                      total: current.progress.total || undefined,
                      message: `${current.state}: ${current.progress.done}/${current.progress.total} files`,
                    },
                  })
                  .catch(() => undefined);
              })
            : () => undefined;
        try {
          const abort = new Promise<never>((_, reject) =>
            extra.mcpReq.signal.addEventListener("abort", () =>
              reject(new DocindexError("USAGE", "cancelled by the client; the job goes on")),
            ),
          );
          const finished = await Promise.race([ctx.jobs.wait(job.id), abort]);
          const described = describeJob(finished);
          return toolResult({ jobId: job.id, job: described }, jobLine(described));
        } finally {
          unsubscribe();
        }
      }),
  );

  server.registerTool(
    "index_status",
    {
      title: "Indexing job status",
      description:
        "State, progress and results of indexing jobs (started by `reindex`, by the start-up catch-up scan, or " +
        "by the file watcher). Give `jobId` for one job, or nothing for the recent ones, newest first.",
      inputSchema: indexStatusInput,
      outputSchema: indexStatusOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(ctx, "index_status", async () => {
        let jobs: IndexJob[];
        if (args.jobId !== undefined) {
          const job = ctx.jobs.get(args.jobId);
          if (!job)
            throw new DocindexError(
              "NOT_FOUND",
              `no job '${args.jobId}' (only the last 50 jobs are kept)`,
            );
          jobs = [job];
        } else {
          jobs = ctx.jobs.list().slice(0, 20);
        }
        const described = jobs.map(describeJob);
        const text =
          described.length > 0 ? described.map(jobLine).join("\n") : "No indexing jobs yet.";
        return toolResult({ jobs: described, queued: ctx.jobs.pending() }, text);
      }),
  );
}
