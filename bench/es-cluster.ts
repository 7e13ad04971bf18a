/**
 * One real Elasticsearch 8.19 node for the benchmarks. This mirrors test/elasticsearch/es-node.ts
 * (which tsconfig does not compile, so dist/bench cannot import it): build the launcher with
 * `test/elasticsearch/start-node.sh --build-only`, then spawn the JVM with the same arguments and
 * wait for the launcher's `READY <urls>` line. Stdin EOF or `exit` stops the node; the JVM cannot
 * outlive this process because its stdin closes with it. Keep the two in step when the launcher
 * changes. Missing Java or Maven, or a failed build or start, gives `{ skipped }`.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { hasCommand } from "./timing.js";

/** test/elasticsearch, from dist/bench/ (compiled) or bench/ (source). */
const ES_DIR = fileURLToPath(new URL("../../test/elasticsearch", import.meta.url));

export interface EsNode {
  urls: string[];
  /** Seconds from JVM spawn to a green cluster. */
  startSeconds: number;
  heap: string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEsNode(timeoutMs = 180_000): Promise<EsNode | { skipped: string }> {
  if (!existsSync(join(ES_DIR, "pom.xml"))) return { skipped: `no launcher at ${ES_DIR}` };
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  if (!process.env.JAVA_HOME && !hasCommand("java")) return { skipped: "java is not installed" };
  const build = spawnSync("bash", [join(ES_DIR, "start-node.sh"), "--build-only"], {
    encoding: "utf8",
    timeout: 15 * 60_000,
  });
  if (build.status !== 0)
    return {
      skipped: `cannot build the Elasticsearch launcher: ${(build.stderr || build.error?.message || "").trim().split("\n").slice(-3).join(" | ")}`,
    };
  const classpath = [
    join(ES_DIR, "target", "classes"),
    readFileSync(join(ES_DIR, "target", "classpath.txt"), "utf8").trim(),
  ].join(":");

  const home = mkdtempSync(join(tmpdir(), "docindex-bench-es-"));
  const logFile = join(home, "es.log");
  const log = createWriteStream(logFile, { flags: "a" });
  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const heap = process.env.DOCINDEX_ES_HEAP ?? "512m";
  // The same JVM flags as es-node.ts.
  const args = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Dlog4j2.disable.jmx=true",
    `-Djava.io.tmpdir=${home}`,
    "-cp",
    classpath,
    "docindex.es.EsNodes",
    "--home",
    home,
    "--cluster-name",
    `docindex-bench-${process.pid}`,
    "--http-ports",
    String(httpPort),
    "--transport-ports",
    String(transportPort),
    "--timeout-seconds",
    String(Math.ceil(timeoutMs / 1000)),
  ];
  const started = performance.now();
  const child = spawn(java, args, { cwd: home, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.on("error", () => undefined);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  createInterface({ input: child.stderr }).on("line", (line) => log.write(line + "\n"));
  const lines = createInterface({ input: child.stdout });

  const ready = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("ERROR timed out"), timeoutMs);
    lines.on("line", (line) => {
      log.write(line + "\n");
      if (line.startsWith("READY ") || line.startsWith("ERROR ")) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve(`ERROR cannot run ${java}: ${error.message}`);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(`ERROR JVM exited with code ${code}`);
    });
  });
  const startSeconds = (performance.now() - started) / 1000;

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end("exit\n");
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(killer);
    }
    process.removeListener("exit", killOnExit);
    await new Promise<void>((resolve) => log.end(() => resolve()));
    rmSync(home, { recursive: true, force: true });
  };

  if (!ready.startsWith("READY ")) {
    closed = true;
    child.kill("SIGKILL");
    // A JVM that never spawned (no java) may emit no exit event.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    process.removeListener("exit", killOnExit);
    return { skipped: `Elasticsearch did not start (${ready.slice(6)}); log kept at ${logFile}` };
  }
  return { urls: ready.slice("READY ".length).split(","), startSeconds, heap, close };
}
