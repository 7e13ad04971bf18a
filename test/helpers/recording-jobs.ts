/**
 * A real job queue whose runner records what it was asked to do instead of indexing: for
 * tests of what the watcher sends (the MCP tests cover the whole way into the index).
 */
import { loadSettings } from "../../src/config/load.js";
import { createLogger } from "../../src/log.js";
import { IndexJobs, type JobRequest } from "../../src/server/index-jobs.js";
import type { Settings } from "../../src/config/schema.js";

export function recordingJobs(root: string): {
  jobs: IndexJobs;
  requests: JobRequest[];
  settings: Settings;
  /** The root-relative paths every recorded request named for `root`. */
  pathsSent(): string[];
} {
  const requests: JobRequest[] = [];
  const jobs = new IndexJobs(
    async (request) => {
      requests.push(request);
      return {} as never;
    },
    createLogger({ level: "silent" }),
  );
  const settings = loadSettings({ cwd: root, env: {}, flags: { roots: [root] } }).settings;
  const pathsSent = () => requests.flatMap((r) => [...(r.paths?.get(root) ?? [])]);
  return { jobs, requests, settings, pathsSent };
}
