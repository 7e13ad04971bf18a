/**
 * A stand-in parser worker for pool tests, written to a temp dir as plain JavaScript. It
 * speaks the real protocol and misbehaves on purpose depending on the file name, so timeouts,
 * crashes and memory exhaustion can be tested for real. Production never loads it: the pool
 * only runs it when a test passes it as `workerScript`.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { TempDir } from "../parsers/helpers.js";

const MISBEHAVING_WORKER = `
import { parentPort } from "node:worker_threads";
parentPort.on("message", ({ id, absPath }) => {
  if (absPath.includes("hang")) for (;;) {}
  if (absPath.includes("exit")) process.exit(3);
  if (absPath.includes("throw")) throw new Error("boom");
  if (absPath.includes("oom")) {
    const hog = [];
    for (;;) hog.push(Array.from({ length: 1e5 }, (_, i) => ({ i })));
  }
  if (absPath.includes("garble")) return parentPort.postMessage({ nonsense: true });
  parentPort.postMessage({
    id,
    outcome: { ok: true, doc: { text: absPath, sections: [], linesMatchSource: true, metadata: {} } },
  });
});
`;

export function writeMisbehavingWorker(dir: TempDir): URL {
  dir.write("misbehaving-worker.mjs", MISBEHAVING_WORKER);
  return pathToFileURL(join(dir.path, "misbehaving-worker.mjs"));
}

/** Prints to stdout after installing the production stdout guard from dist/. */
export function writePrintingWorker(dir: TempDir, distRoot: string): URL {
  const guard = pathToFileURL(join(distRoot, "scanners", "pool", "stdout-guard.js")).href;
  dir.write(
    "printing-worker.mjs",
    `
import { parentPort } from "node:worker_threads";
import { routeStdoutToStderr } from ${JSON.stringify(guard)};
routeStdoutToStderr();
parentPort.on("message", ({ id }) => {
  console.log("PRINTED BY A PARSER");
  process.stdout.write("WRITTEN TO STDOUT\\n");
  parentPort.postMessage({ id, outcome: { ok: false, status: "skipped", reason: "printed" } });
});
`,
  );
  return pathToFileURL(join(dir.path, "printing-worker.mjs"));
}
