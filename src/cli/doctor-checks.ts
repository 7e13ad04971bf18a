/**
 * What `docindex doctor` checks, each as a finding: ok, warn (works, but worth knowing), or
 * fail (something is wrong), with what to do. Nothing here changes a file: a damaged index is
 * reported, not set aside (any other command does that), so doctor can be run first, safely.
 */
import { existsSync, accessSync, constants, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import type { Settings } from "../config/schema.js";
import { describeError } from "../errors.js";
import { checkSqliteFile } from "../../indexers/sqlite/damage.js";
import { annFiles, checkAnnFile, usearch } from "../../indexers/sqlite/ann/usearch-file.js";
import { findRepo } from "../../scanners/walk/git-repo.js";
import {
  globalConfigFiles,
  resolveExcludesFile,
  xdgConfigPath,
} from "../../scanners/walk/git-config.js";
import { INDEX_DB_FILE } from "../pipeline/runtime.js";
import { EMBEDDING_CACHE_FILE, embedderConfigFrom } from "../pipeline/vectors.js";
import { readRecoveries } from "../pipeline/self-heal.js";

export type FindingStatus = "ok" | "warn" | "fail";

export interface Finding {
  check: string;
  status: FindingStatus;
  detail: string;
  /** What to do about it (warn and fail). */
  fix?: string;
}

const ok = (check: string, detail: string): Finding => ({ check, status: "ok", detail });
const warn = (check: string, detail: string, fix?: string): Finding => ({
  check,
  status: "warn",
  detail,
  ...(fix ? { fix } : {}),
});
const fail = (check: string, detail: string, fix: string): Finding => ({
  check,
  status: "fail",
  detail,
  fix,
});

/** The LTS lines docindex is tested on; 20 still runs, past its end of life. */
export function checkNode(version = process.versions.node): Finding {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    return fail("node", `Node ${version}`, "install Node 22, 24 or 26 (20.19 at the least)");
  if (major === 20)
    return warn("node", `Node ${version} is past its end of life`, "move to Node 22, 24 or 26");
  if (major % 2 === 1)
    return warn("node", `Node ${version} is not an LTS line`, "use Node 22, 24 or 26");
  return ok("node", `Node ${version}`);
}

export function checkSqlite(): Finding[] {
  const db = new Database(":memory:");
  try {
    const version = db.prepare("SELECT sqlite_version()").pluck().get() as string;
    const findings: Finding[] = [];
    try {
      db.exec("CREATE VIRTUAL TABLE t USING fts5(x)");
      findings.push(ok("sqlite", `SQLite ${version} with FTS5`));
    } catch (error) {
      findings.push(
        fail(
          "sqlite",
          `SQLite ${version} without FTS5 (${describeError(error)})`,
          "reinstall better-sqlite3 (npm rebuild better-sqlite3)",
        ),
      );
    }
    try {
      const sqliteVec = createRequire(import.meta.url)("sqlite-vec") as {
        load(d: Database.Database): void;
      };
      sqliteVec.load(db);
      findings.push(ok("sqlite-vec", "loads (vector distances in SQL)"));
    } catch {
      findings.push(
        warn(
          "sqlite-vec",
          "does not load here: vector distances use a JavaScript function (slower)",
        ),
      );
    }
    findings.push(
      usearch() !== undefined
        ? ok("usearch", "loads (approximate vector search above 5,000 vectors)")
        : warn(
            "usearch",
            "does not load here: semantic search stays exact (slower on large indexes)",
          ),
    );
    return findings;
  } finally {
    db.close();
  }
}

function size(file: string): string {
  const bytes = statSync(file).size;
  return bytes >= 1 << 20
    ? `${(bytes / (1 << 20)).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}

const REBUILD_FIX =
  "run `docindex reindex` (or any command, or the server): it moves the damaged file aside and rebuilds the index from the workspace, vectors from the embedding cache";

export function checkIndexFile(settings: Settings): Finding[] {
  const file = join(settings.indexDir, INDEX_DB_FILE);
  if (!existsSync(file))
    return [
      warn(
        "index",
        `no index at ${file} yet`,
        `run \`docindex reindex ${settings.roots[0] ?? "DIR"}\``,
      ),
    ];
  const problem = checkSqliteFile(file);
  if (problem !== undefined) return [fail("index", `${file} is damaged: ${problem}`, REBUILD_FIX)];
  const findings: Finding[] = [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const documents = db.prepare("SELECT count(*) FROM documents").pluck().get() as number;
    const chunks = db.prepare("SELECT count(*) FROM chunks").pluck().get() as number;
    findings.push(ok("index", `${file}: ${documents} files, ${chunks} chunks, ${size(file)}`));
  } catch (error) {
    findings.push(fail("index", `${file} cannot be read: ${describeError(error)}`, REBUILD_FIX));
  } finally {
    db.close();
  }
  for (const graph of annFiles(file)) {
    try {
      checkAnnFile(graph);
    } catch (error) {
      findings.push(
        warn(
          "vector graph",
          `${graph.path} is unreadable (${describeError(error)}): searches are exact until it is rebuilt`,
          "nothing: the server, or a `docindex reindex`, rebuilds it from the stored vectors",
        ),
      );
    }
  }
  return findings;
}

export function checkCache(settings: Settings): Finding {
  const file = join(settings.indexDir, EMBEDDING_CACHE_FILE);
  if (!existsSync(file))
    return ok(
      "embedding cache",
      settings.embedder === "none" ? "none (embeddings are off)" : `none yet at ${file}`,
    );
  const problem = checkSqliteFile(file);
  if (problem !== undefined)
    return fail(
      "embedding cache",
      `${file} is damaged: ${problem}`,
      "run `docindex reindex`: the cache is moved aside and rebuilt, and every chunk without a vector in the index is embedded again",
    );
  return ok("embedding cache", `${file}, ${size(file)}`);
}

/** Past recoveries, so that a rebuilt index is not a mystery. */
export function checkRecoveries(settings: Settings): Finding[] {
  return readRecoveries(settings.indexDir).map((r) =>
    ok(
      r.what,
      `was damaged (${r.reason}) and rebuilt on ${new Date(r.at).toISOString()}; the damaged copy is ${r.movedTo}${existsSync(r.movedTo) ? "" : " (deleted since)"}`,
    ),
  );
}

/** Starts the configured embedder and embeds one query: a provider costs one request. */
export async function checkEmbedder(settings: Settings, timeoutMs = 30_000): Promise<Finding> {
  if (settings.embedder === "none") return ok("embedder", "none (lexical search only)");
  const { createEmbedder } = await import("../embed/create-embedder.js");
  let embedder;
  try {
    embedder = createEmbedder(embedderConfigFrom(settings));
  } catch (error) {
    return fail(
      "embedder",
      describeError(error),
      "fix the embedder settings (see README, Embeddings)",
    );
  }
  if (embedder === undefined) return ok("embedder", "none");
  if (settings.embedder === "local") {
    await embedder.close().catch(() => undefined);
    try {
      createRequire(import.meta.url).resolve("@huggingface/transformers");
      return ok("embedder", `${embedder.id} (its model loads on first use)`);
    } catch {
      return fail(
        "embedder",
        `${embedder.id}: @huggingface/transformers is not installed`,
        "npm install (it is an optional dependency), or choose another embedder",
      );
    }
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
    });
    await Promise.race([
      (async () => {
        await embedder.start();
        await embedder.embedQuery(["docindex doctor"]);
      })(),
      timeout,
    ]);
    return ok("embedder", `${embedder.id} answers (${embedder.dimensions} dimensions)`);
  } catch (error) {
    return fail(
      "embedder",
      `${embedder.id}: ${describeError(error)}`,
      "check embedBaseUrl, the API key (OPENAI_API_KEY or DOCINDEX_EMBED_API_KEY) and that the provider is up; indexing stays lexical meanwhile",
    );
  } finally {
    clearTimeout(timer);
    await embedder.close().catch(() => undefined);
  }
}

/** Elasticsearch: the cluster answers, and the index behind the prefix is docindex's and whole. */
export async function checkElasticsearch(settings: Settings): Promise<Finding> {
  const { openStore } = await import("../pipeline/runtime.js");
  try {
    const store = await openStore(settings, { create: false });
    const stats = await store.stats();
    await store.close();
    return ok(
      "store",
      `elasticsearch '${settings.esIndexPrefix}': ${stats.documents} files, ${stats.chunks} chunks`,
    );
  } catch (error) {
    return fail(
      "store",
      `elasticsearch: ${describeError(error)}`,
      /reindex --full/.test(describeError(error))
        ? "run `docindex reindex --full`"
        : "check esUrl (ELASTICSEARCH_URL) and the credentials",
    );
  }
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where the ignore rules of each root come from, and whether docindex can read them. */
export function checkIgnoreSources(settings: Settings): Finding[] {
  const findings: Finding[] = [];
  const loc = { env: process.env, home: process.env.HOME ?? homedir() };
  for (const root of settings.roots) {
    if (!existsSync(root)) {
      findings.push(fail("ignore rules", `root ${root} does not exist`, "fix roots (or --root)"));
      continue;
    }
    const repo = findRepo(root);
    const sources: string[] = [];
    const gitignore = join(root, ".gitignore");
    if (existsSync(gitignore)) {
      if (readable(gitignore)) sources.push(".gitignore");
      else
        findings.push(
          fail(
            "ignore rules",
            `${gitignore} cannot be read`,
            "make it readable: without it, ignored files would be indexed",
          ),
        );
    }
    if (repo !== undefined) {
      const info = join(repo.commonDir, "info", "exclude");
      if (existsSync(info)) sources.push(info);
    }
    const configFiles = globalConfigFiles(loc);
    if (repo !== undefined) configFiles.push(join(repo.commonDir, "config"));
    const excludes = resolveExcludesFile(loc, configFiles, repo?.top ?? root);
    if (excludes !== undefined) {
      if (existsSync(excludes)) sources.push(excludes);
      else if (excludes !== xdgConfigPath(loc, "ignore"))
        findings.push(
          warn(
            "ignore rules",
            `core.excludesFile names ${excludes}, which does not exist`,
            "fix core.excludesFile in your git config, or create the file",
          ),
        );
    }
    if (settings.excludes.length > 0)
      sources.push(`${settings.excludes.length} excludes setting(s)`);
    if (settings.defaultExcludes) sources.push("default excludes (secrets, build output)");
    findings.push(
      ok(
        "ignore rules",
        `${root}${repo ? ` (git repository ${repo.top})` : " (no git repository)"}: ${sources.join(", ") || "none"}; nested .gitignore files apply too`,
      ),
    );
  }
  return findings;
}

/** The index folder takes writes (a read-only or full disk stops indexing). */
export function checkIndexDir(settings: Settings): Finding {
  const dir = settings.indexDir;
  const existing = existsSync(dir) ? dir : dirname(dir);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    return fail(
      "index folder",
      `${existing} is not writable`,
      "fix its permissions, or set indexDir (--index)",
    );
  }
  const damaged = existsSync(dir) ? readdirSync(dir).filter((n) => n.includes(".damaged-")) : [];
  return ok(
    "index folder",
    `${dir} is writable${damaged.length > 0 ? `; damaged copies kept: ${damaged.join(", ")}` : ""}`,
  );
}
