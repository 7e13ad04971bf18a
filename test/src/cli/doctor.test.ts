/**
 * `docindex doctor`, the built command run as a user would: a healthy workspace (index, cache,
 * and an OpenAI-compatible embedder that is a real HTTP server on 127.0.0.1) passes; an index
 * overwritten, truncated or replaced by text, a damaged cache, an embedder that is down and a
 * core.excludesFile that names no file are each reported with what to do, and nothing is
 * changed: the damaged file is still where it was.
 */
import { copyFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../../helpers/fake-openai-server.js";
import { runCliAsync } from "../../helpers/cli.js";
import { DAMAGES, damage } from "../../helpers/damage.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";

interface Report {
  ok: boolean;
  findings: { check: string; status: string; detail: string; fix?: string }[];
}

let fake: FakeOpenAIServer;
let root: string;
let env: Record<string, string>;
let saved: string;
const MODEL = ["--embedder", "openai", "--embed-model", "text-embedding-3-small"];
const indexFile = () => join(root, ".docindex", "index.db");
const cacheFile = () => join(root, ".docindex", "embeddings.db");

async function doctor(extra: string[] = []): Promise<{ code: number; report: Report }> {
  const result = await runCliAsync(["doctor", root, "--json", ...MODEL, ...extra], { env });
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

const finding = (report: Report, check: string) => report.findings.find((f) => f.check === check);

beforeAll(async () => {
  fake = await FakeOpenAIServer.start({ dimensions: 16 });
  root = makeTempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++)
    files[`n${i}.md`] = `# Note ${i}\n\n${"Words on a page of notes. ".repeat(200)}\n`;
  writeTree(root, files);
  env = { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: "sk-test" };
  const indexed = await runCliAsync(["reindex", root, ...MODEL], { env });
  expect(indexed.code, indexed.stderr).toBe(0);
  saved = join(makeTempDir(), "index.db");
  copyFileSync(indexFile(), saved);
}, 120_000);

afterAll(async () => {
  await fake.close();
  removeDir(root);
});

describe("docindex doctor", () => {
  it("passes a healthy workspace, and checks each part", async () => {
    const { code, report } = await doctor();
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    for (const check of ["node", "sqlite", "index", "embedding cache", "embedder", "ignore rules"])
      expect(finding(report, check)?.status, check).not.toBe("fail");
    expect(finding(report, "index")?.detail).toMatch(/20 files/);
    expect(finding(report, "embedder")?.detail).toMatch(/answers \(16 dimensions\)/);
    expect(finding(report, "sqlite")?.detail).toMatch(/^SQLite \d+\.\d+\.\d+ with FTS5$/);
  }, 60_000);

  for (const how of DAMAGES) {
    it(`reports an index ${how}, says what to do, and changes nothing`, async () => {
      copyFileSync(saved, indexFile());
      damage(indexFile(), how);
      const { code, report } = await doctor();
      expect(code).toBe(1);
      const index = finding(report, "index");
      expect(index?.status).toBe("fail");
      expect(index?.detail).toMatch(/is damaged: /);
      expect(index?.fix).toMatch(/docindex reindex/);
      expect(readdirSync(join(root, ".docindex")).some((n) => n.includes(".damaged-"))).toBe(false);
      copyFileSync(saved, indexFile());
    }, 60_000);
  }

  it("reports a damaged embedding cache", async () => {
    const cache = join(makeTempDir(), "embeddings.db");
    copyFileSync(cacheFile(), cache);
    try {
      damage(cacheFile(), "not a database");
      const { code, report } = await doctor();
      expect(code).toBe(1);
      expect(finding(report, "embedding cache")).toMatchObject({ status: "fail" });
      expect(finding(report, "embedding cache")?.fix).toMatch(/embedded again/);
    } finally {
      copyFileSync(cache, cacheFile());
    }
  }, 60_000);

  it("reports an embedder that does not answer", async () => {
    await fake.stop();
    try {
      const { code, report } = await doctor();
      expect(code).toBe(1);
      expect(finding(report, "embedder")?.status).toBe("fail");
      expect(finding(report, "embedder")?.fix).toMatch(/embedBaseUrl/);
    } finally {
      await fake.restart();
    }
  }, 90_000);

  it("warns about a core.excludesFile that names no file", async () => {
    const home = makeTempDir();
    writeFileSync(join(home, ".gitconfig"), "[core]\n\texcludesFile = ~/missing-ignore\n");
    const result = await runCliAsync(["doctor", root, "--json", ...MODEL], {
      env: { ...env, HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
    });
    const report = JSON.parse(result.stdout) as Report;
    const ignore = report.findings.filter((f) => f.check === "ignore rules");
    expect(ignore.some((f) => f.status === "warn" && /missing-ignore/.test(f.detail))).toBe(true);
    removeDir(home);
  }, 60_000);

  it("prints readable text, and usage errors are one line with exit code 2", async () => {
    const text = await runCliAsync(["doctor", root, ...MODEL], { env });
    expect(text.code, text.stdout).toBe(0);
    expect(text.stdout).toMatch(/^ok {4}index: /m);
    expect(text.stdout).toMatch(/No problems found/);
    for (const args of [
      ["doctor", "--frobnicate"],
      ["doctor", root, root],
      ["doctor", "/nonexistent/docindex"],
    ]) {
      const bad = await runCliAsync(args, { env });
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(existsSync(indexFile())).toBe(true);
  }, 60_000);
});
