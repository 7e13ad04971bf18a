/**
 * The reconciler on its own, on a real folder tree: what it sends once quiet for changes no
 * event reported. A lost event is played by not telling the reconciler about a file: the
 * @parcel/watcher race that drops one (reconciler.ts) cannot be provoked on demand.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { admissionFor } from "../../../src/pipeline/walk-options.js";
import { Reconciler } from "../../../src/watcher/reconciler.js";
import type { Admission } from "../../../scanners/walk/index.js";
import { eventually } from "../../helpers/mcp.js";
import { recordingJobs } from "../../helpers/recording-jobs.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function setup(files: Record<string, string>) {
  const root = makeTempDir();
  writeTree(root, files);
  cleanups.push(() => removeDir(root));
  const { jobs, requests, settings, pathsSent } = recordingJobs(root);
  const admission: Admission = await admissionFor(root, settings);
  const reconciler = new Reconciler({
    jobs,
    admission: () => admission,
    quietMs: 50,
    unwatched: async () => undefined,
  });
  cleanups.push(() => reconciler.close());
  return { root, reconciler, requests, pathsSent };
}

describe("reconciler", () => {
  it("lists the folders events touched, once quiet: a change whose event was lost is sent", async () => {
    const { root, reconciler, pathsSent } = await setup({
      ".gitignore": "*.log\n",
      "docs/a.md": "a",
      "docs/sub/deep.md": "deep",
      "other/c.md": "c",
    });
    writeFileSync(join(root, "docs/a.md"), "a, saved");
    reconciler.note(root, "change", "docs/a.md", 1);
    // Written in the same burst, reported by no event.
    writeFileSync(join(root, "docs/unreported.md"), "never reported");
    writeFileSync(join(root, "docs/noise.log"), "ignored");
    const sent = await eventually(
      async () => (new Set(pathsSent()).has("docs/unreported.md") ? new Set(pathsSent()) : undefined),
      5_000,
      "the unreported file",
    );
    // Only the touched folder, not its sub-folders, nor folders no event touched, nor ignored files.
    expect([...sent].sort()).toEqual(["docs/a.md", "docs/unreported.md"]);
  });

  it("lists the root itself for an event at the top", async () => {
    const { root, reconciler, pathsSent } = await setup({ "top.md": "t", "docs/a.md": "a" });
    writeFileSync(join(root, "new.md"), "n");
    writeFileSync(join(root, "unreported.md"), "u");
    reconciler.note(root, "add", "new.md", 1);
    const sent = await eventually(
      async () => (new Set(pathsSent()).has("unreported.md") ? new Set(pathsSent()) : undefined),
      5_000,
      "the unreported file at the top",
    );
    expect([...sent].sort()).toEqual(["new.md", "top.md", "unreported.md"]);
  });

  it("sends nothing once closed", async () => {
    const { root, reconciler, requests } = await setup({ "a.md": "a" });
    reconciler.note(root, "change", "a.md", 1);
    reconciler.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toEqual([]);
  });
});
