/**
 * Real Elasticsearch 8.x nodes for tests, without Docker: builds (once) and spawns the small Java
 * launcher in this folder (see README.md), which runs 1..N nodes inside one JVM on 127.0.0.1.
 *
 *   const es = await startEsCluster({ nodes: 3 });
 *   // es.urls = ["http://127.0.0.1:41234", ...], cluster green
 *   await es.stopNode(1);   // node 1 leaves the cluster; the others keep serving
 *   await es.close();       // stops the JVM, deletes the data folder
 *
 * The JVM's output goes to `<tmp>/es.log` (kept, and named in the error, when start-up fails).
 * The JVM also exits by itself when its stdin closes, so it cannot outlive a killed test process.
 *
 * The one launcher for tests and benchmarks alike (bench/elasticsearch-bench.ts imports it), so
 * the JVM flags and the start-up protocol live in one place. tsconfig.json compiles this file
 * (and only this one of test/) so that dist/bench can import it; it uses nothing but node.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, type WriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface EsCluster {
  /** One HTTP URL per node, index = node number. A stopped node's URL stays in the list. */
  urls: string[];
  /** The JVM's log (Elasticsearch's own log lines for every node). Deleted by close(). */
  logFile: string;
  /** The heap of the JVM that runs the nodes (-Xms = -Xmx). */
  heap: string;
  /** Seconds from JVM spawn to a green cluster (the build excluded). */
  startSeconds: number;
  /** Stops one node (0-based), as a crash-free shutdown would; resolves once it is closed. */
  stopNode(index: number): Promise<void>;
  /** Stops all nodes and the JVM and deletes the temporary folder. Safe to call twice. */
  close(): Promise<void>;
}

export interface EsClusterOptions {
  /** Number of nodes (all master-eligible data nodes). Default 1. */
  nodes?: number;
  /** First HTTP port to try; free ports are taken upwards from here. Default: any free ports. */
  basePort?: number;
  /** How long to wait from JVM start to a green cluster. Default 180 s. Excludes the build. */
  timeoutMs?: number;
}

/** Java heap for the whole JVM (all nodes share it). Override with DOCINDEX_ES_HEAP=768m etc. */
function heapFor(nodes: number): string {
  return process.env.DOCINDEX_ES_HEAP ?? (nodes <= 1 ? "512m" : "1g");
}

const BUILD_TIMEOUT_MS = 15 * 60_000;

/** test/elasticsearch, also when this file runs compiled from somewhere under dist/. */
function projectDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "pom.xml")) && existsSync(join(dir, "src", "main", "java")))
      return dir;
    const nested = join(dir, "test", "elasticsearch");
    if (existsSync(join(nested, "pom.xml"))) return nested;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("test/elasticsearch/pom.xml not found");
    dir = parent;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out.sort();
}

/** Newest modification time of what the build reads: the pom and the Java sources. */
async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const file of [join(dir, "pom.xml"), ...(await listFiles(join(dir, "src")))]) {
    newest = Math.max(newest, (await stat(file)).mtimeMs);
  }
  return newest;
}

function run(command: string, args: string[], cwd: string, log: WriteStream): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    const timer = setTimeout(() => child.kill("SIGKILL"), BUILD_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

async function classpathUsable(dir: string): Promise<boolean> {
  try {
    const entries = (await readFile(join(dir, "target", "classpath.txt"), "utf8")).trim();
    return entries.length > 0 && entries.split(":").every((jar) => existsSync(jar));
  } catch {
    return false;
  }
}

/** Cross-process lock (parallel vitest workers may all want to build). */
async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock older than the build timeout was left by a killed build.
      const age = Date.now() - (await stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > BUILD_TIMEOUT_MS) await rmdir(lockDir).catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lockDir).catch(() => undefined);
  }
}

let built: Promise<string> | undefined;

/**
 * Compiles the launcher into test/elasticsearch/target/ unless it is up to date, and returns the
 * Java classpath. Maven runs offline (-o) first, so a warm ~/.m2 needs no network; if that fails
 * (first run: artifacts missing), it runs online once. Build output: target/build.log.
 */
export function buildEsLauncher(): Promise<string> {
  built ??= (async () => {
    const dir = projectDir();
    const target = join(dir, "target");
    await mkdir(target, { recursive: true });
    return withLock(join(target, ".build-lock"), async () => {
      // target/build.stamp is touched after each successful build (here and by start-node.sh).
      const stampFile = join(target, "build.stamp");
      const stampMtime = (await stat(stampFile).catch(() => undefined))?.mtimeMs ?? -1;
      if (stampMtime < (await newestSourceMtime(dir)) || !(await classpathUsable(dir))) {
        const logPath = join(target, "build.log");
        const log = createWriteStream(logPath);
        try {
          const mvn = process.env.MVN ?? "mvn";
          let code = await run(mvn, ["-q", "-B", "-o", "compile"], dir, log);
          if (code !== 0) code = await run(mvn, ["-q", "-B", "compile"], dir, log);
          if (code !== 0) throw new Error(`mvn compile failed (exit ${code}); see ${logPath}`);
        } finally {
          await new Promise((r) => log.end(r));
        }
        await writeFile(stampFile, new Date().toISOString() + "\n");
      }
      const deps = (await readFile(join(target, "classpath.txt"), "utf8")).trim();
      return [join(target, "classes"), deps].join(":");
    });
  })();
  built.catch(() => (built = undefined));
  return built;
}

function canBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(undefined));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** `count` distinct free ports: upwards from basePort, or ephemeral ports chosen by the OS. */
async function freePorts(count: number, basePort?: number): Promise<number[]> {
  const ports: number[] = [];
  if (basePort === undefined) {
    while (ports.length < count) {
      const port = await canBind(0);
      if (port !== undefined && !ports.includes(port)) ports.push(port);
    }
    return ports;
  }
  for (let port = basePort; ports.length < count; port++) {
    if (port > 65535) throw new Error(`no ${count} free ports from ${basePort}`);
    if ((await canBind(port)) !== undefined) ports.push(port);
  }
  return ports;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/** Lines of the launcher's protocol on stdout: READY, STOPPED, ERROR. */
type Waiter = { match: (line: string) => boolean; resolve: (line: string) => void };

/** Failures worth another try with other ports: another process took a port we had probed. */
const PORT_TAKEN = /BindTransportException|BindHttpException|Address already in use/;

export async function startEsCluster(options: EsClusterOptions = {}): Promise<EsCluster> {
  const nodes = options.nodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`nodes must be a positive integer`);
  const timeoutMs = options.timeoutMs ?? 180_000;
  const classpath = await buildEsLauncher();
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(classpath, nodes, timeoutMs, options.basePort);
    } catch (error) {
      if (attempt >= 3 || !PORT_TAKEN.test(String(error))) throw error;
    }
  }
}

async function launch(
  classpath: string,
  nodes: number,
  timeoutMs: number,
  basePort: number | undefined,
): Promise<EsCluster> {
  const home = await mkdtemp(join(tmpdir(), "docindex-es-"));
  const logFile = join(home, "es.log");
  const log = createWriteStream(logFile, { flags: "a" });
  const closeLog = () => new Promise<void>((r) => (log.writable ? log.end(r) : r()));

  const ports = await freePorts(nodes * 2, basePort);
  const httpPorts = ports.slice(0, nodes);
  const transportPorts = ports.slice(nodes);
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const heap = heapFor(nodes);
  const args = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    // C1 only: about 40% faster to green on 2 cores; the tests' data is tiny, so peak speed matters less.
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Dlog4j2.disable.jmx=true",
    `-Djava.io.tmpdir=${home}`,
    ...(process.env.DOCINDEX_ES_JAVA_OPTS ?? "").split(/\s+/).filter(Boolean),
    "-cp",
    classpath,
    "docindex.es.EsNodes",
    "--home",
    home,
    "--cluster-name",
    `docindex-test-${process.pid}-${httpPorts[0]}`,
    "--http-ports",
    httpPorts.join(","),
    "--transport-ports",
    transportPorts.join(","),
    "--timeout-seconds",
    String(Math.ceil(timeoutMs / 1000)),
  ];
  log.write(`$ ${java} ${args.join(" ")}\n`);
  const started = performance.now();
  const child = spawn(java, args, { cwd: home, stdio: ["pipe", "pipe", "pipe"] });
  live.add(child);
  installExitHook();

  const waiters: Waiter[] = [];
  const recent: string[] = [];
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitListeners: Array<() => void> = [];
  const remember = (line: string) => {
    log.write(line + "\n");
    recent.push(line);
    if (recent.length > 40) recent.shift();
  };
  createInterface({ input: child.stderr }).on("line", remember);
  createInterface({ input: child.stdout }).on("line", (line) => {
    remember(line);
    const index = waiters.findIndex((w) => w.match(line));
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(line);
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve();
      for (const listener of exitListeners.splice(0)) listener();
    });
  });
  let spawnError: Error | undefined;
  child.on("error", (error) => {
    spawnError = error;
    exited ??= { code: -1, signal: null };
    live.delete(child);
    for (const listener of exitListeners.splice(0)) listener();
  });
  child.stdin.on("error", () => undefined); // EPIPE after the JVM died; reported via exit instead

  function describe(what: string): Error {
    const tail = recent.slice(-15).join("\n");
    const how = spawnError
      ? `cannot run ${java}: ${spawnError.message}`
      : exited
        ? `JVM exited (code ${exited.code}, signal ${exited.signal})`
        : "still running";
    return new Error(`${what}: ${how}; log: ${logFile}\n${tail}`);
  }

  /** Waits for a protocol line; rejects on timeout or JVM exit. */
  function expectLine(match: (line: string) => boolean, what: string, ms: number): Promise<string> {
    return new Promise((resolve, reject) => {
      if (exited) return reject(describe(what));
      const onExit = () => {
        clearTimeout(timer);
        reject(describe(what));
      };
      const settle = () => {
        clearTimeout(timer);
        const at = exitListeners.indexOf(onExit);
        if (at >= 0) exitListeners.splice(at, 1);
      };
      const waiter: Waiter = {
        match,
        resolve: (line) => {
          settle();
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        settle();
        const at = waiters.indexOf(waiter);
        if (at >= 0) waiters.splice(at, 1);
        reject(describe(`${what} timed out after ${ms} ms`));
      }, ms);
      waiters.push(waiter);
      exitListeners.push(onExit);
    });
  }

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (!exited) {
      child.stdin.end("exit\n");
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exitedPromise;
      clearTimeout(killer);
    }
    await closeLog();
    if (process.env.DOCINDEX_ES_KEEP !== "1") await rm(home, { recursive: true, force: true });
  }

  let readyLine: string;
  try {
    readyLine = await expectLine(
      (line) => line.startsWith("READY ") || line.startsWith("ERROR "),
      `Elasticsearch (${nodes} node${nodes > 1 ? "s" : ""}) did not become green`,
      timeoutMs,
    );
    if (readyLine.startsWith("ERROR ")) throw describe(readyLine);
  } catch (error) {
    // Keep the folder so the log can be read.
    closed = true;
    if (!exited) {
      child.kill("SIGKILL");
      await exitedPromise;
    }
    await closeLog();
    throw error;
  }
  const urls = readyLine.slice("READY ".length).split(",");
  const startSeconds = (performance.now() - started) / 1000;

  const stopped = new Set<number>();
  let queue: Promise<unknown> = Promise.resolve();
  async function stopNode(index: number): Promise<void> {
    if (!Number.isInteger(index) || index < 0 || index >= urls.length) {
      throw new Error(`no node ${index} (nodes: ${urls.length})`);
    }
    if (closed) throw new Error("cluster is closed");
    const step = queue.then(async () => {
      if (stopped.has(index)) return;
      const done = expectLine(
        (line) => line === `STOPPED ${index}` || line.startsWith(`ERROR stop ${index}`),
        `stopping node ${index}`,
        60_000,
      );
      child.stdin.write(`stop ${index}\n`);
      const line = await done;
      if (line.startsWith("ERROR")) throw describe(line);
      stopped.add(index);
    });
    queue = step.catch(() => undefined);
    return step;
  }

  return { urls, logFile, heap, startSeconds, stopNode, close };
}
