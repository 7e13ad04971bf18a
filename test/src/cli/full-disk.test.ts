/**
 * A full disk, for real: the index folder is a 600 KB tmpfs (mounted in a user and mount
 * namespace of its own, `unshare --user --map-root-user --mount`, so no privilege is needed
 * where unprivileged namespaces are allowed) and the workspace holds more than fits. `reindex`
 * must stop with one line that names the folder and exit 1; once space is freed (the tmpfs
 * grown), the index is whole, `inventory` lists every file (the ones not written as pending),
 * and the next `reindex` indexes the rest.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH } from "../../helpers/cli.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

const FILES = 300;

/** Whether this machine lets a process mount a tmpfs in namespaces of its own. */
function namespacesAllowed(): boolean {
  const probe = spawnSync("unshare", ["--user", "--map-root-user", "--mount", "true"], {
    stdio: "ignore",
  });
  return probe.status === 0;
}

const allowed = namespacesAllowed();
if (!allowed)
  process.stderr.write("skipping: the full-disk test needs `unshare --user --mount` (a tmpfs)\n");

let root: string;
let work: string;

beforeAll(() => {
  root = makeTempDir();
  work = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++)
    files[`f${i}.txt`] = `file ${i} ` + `${i.toString(36)}-words and more words `.repeat(300);
  writeTree(root, files);
  mkdirSync(join(work, "disk"));
});

afterAll(() => {
  removeDir(root);
  removeDir(work);
});

describe.skipIf(!allowed)("a full disk", () => {
  it("stops reindex with one line naming the folder; the index stays whole, files wait as pending", () => {
    const disk = join(work, "disk");
    const index = join(disk, "idx");
    const cli = `"${process.execPath}" "${CLI_PATH}"`;
    const script = [
      "set -u",
      `mount -t tmpfs -o size=600k tmpfs "${disk}"`,
      `${cli} reindex "${root}" --index "${index}" > "${work}/first.out" 2> "${work}/first.err"`,
      `echo $? > "${work}/first.code"`,
      // Space is freed: the tmpfs grows. What the first run committed must be whole.
      `mount -o remount,size=64m "${disk}"`,
      `${cli} doctor "${root}" --index "${index}" --json > "${work}/doctor.json"`,
      `${cli} inventory "${root}" --index "${index}" --out "${work}" --json > "${work}/registry.json"`,
      `${cli} reindex "${root}" --index "${index}" --json > "${work}/second.json" 2> "${work}/second.err"`,
      `echo $? > "${work}/second.code"`,
    ].join("\n");
    const run = spawnSync("unshare", ["--user", "--map-root-user", "--mount", "sh", "-c", script], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 300_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const read = (name: string) => readFileSync(join(work, name), "utf8");

    expect(read("first.code").trim()).toBe("1");
    const lines = read("first.err").trim().split("\n");
    expect(lines, read("first.err")).toHaveLength(1);
    expect(lines[0]).toContain(`docindex: no space left for the index in ${index} (`);
    expect(lines[0]).toContain("pending");

    const doctor = JSON.parse(read("doctor.json")) as {
      findings: { check: string; status: string }[];
    };
    expect(doctor.findings.find((f) => f.check === "index")?.status).toBe("ok");
    const registry = JSON.parse(read("registry.json")) as { files: { status: string }[] };
    expect(registry.files).toHaveLength(FILES);
    const pending = registry.files.filter((f) => f.status === "pending").length;
    const indexed = registry.files.filter((f) => f.status === "indexed").length;
    expect(pending).toBeGreaterThan(0);
    expect(indexed + pending).toBe(FILES);

    expect(read("second.code").trim(), read("second.err")).toBe("0");
    const second = JSON.parse(read("second.json")) as { totals: { byStatus: { indexed: number } } };
    expect(second.totals.byStatus.indexed).toBe(FILES);
  }, 300_000);
});
