import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.js";
import { DocindexError } from "../../src/errors.js";
import { makeTempDir, removeDir } from "../helpers/tree.js";

describe("settings: mcp.json < .env < environment < flags", () => {
  const dirs: string[] = [];
  const temp = () => {
    const dir = makeTempDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach(removeDir));

  it("uses defaults, with the current folder as root and its .docindex as index", () => {
    const cwd = temp();
    const { settings, configFile } = loadSettings({ cwd, env: {} });
    expect(configFile).toBeUndefined();
    expect(settings.roots).toEqual([cwd]);
    expect(settings.indexDir).toBe(join(cwd, ".docindex"));
    expect(settings).toMatchObject({ chunkTokens: 400, maxFileSizeMb: 50, defaultExcludes: true });
  });

  it("applies each layer over the one below", () => {
    const cwd = temp();
    writeFileSync(
      join(cwd, "mcp.json"),
      JSON.stringify({
        mcpServers: { docindex: { command: "npx", args: ["docindex", "serve"] } },
        docindex: { roots: ["docs"], chunkTokens: 100, maxFileSizeMb: 5, workers: 3 },
      }),
    );
    writeFileSync(join(cwd, ".env"), "DOCINDEX_CHUNK_TOKENS=200\nDOCINDEX_MAX_FILE_SIZE_MB=7\n");
    const { settings, configFile } = loadSettings({
      cwd,
      env: { DOCINDEX_MAX_FILE_SIZE_MB: "9" },
      flags: { workers: 1 },
    });
    expect(configFile).toBe(join(cwd, "mcp.json"));
    expect(settings.roots).toEqual([join(cwd, "docs")]);
    expect(settings.chunkTokens).toBe(200); // .env over mcp.json
    expect(settings.maxFileSizeMb).toBe(9); // environment over .env
    expect(settings.workers).toBe(1); // flags over everything
  });

  it("resolves relative paths in a config file from the file's folder", () => {
    const cwd = temp();
    const elsewhere = temp();
    writeFileSync(
      join(elsewhere, "conf.json"),
      JSON.stringify({ docindex: { roots: ["."], indexDir: "idx" } }),
    );
    const { settings } = loadSettings({ cwd, env: {}, configPath: join(elsewhere, "conf.json") });
    expect(settings.roots).toEqual([elsewhere]);
    expect(settings.indexDir).toBe(join(elsewhere, "idx"));
  });

  it("names the key and the file of a bad value", () => {
    const cwd = temp();
    writeFileSync(join(cwd, "mcp.json"), JSON.stringify({ docindex: { chunkTokens: "many" } }));
    expect(() => loadSettings({ cwd, env: {} })).toThrow(/mcp\.json: docindex\.chunkTokens/);
    writeFileSync(join(cwd, "mcp.json"), JSON.stringify({ docindex: { colour: "red" } }));
    expect(() => loadSettings({ cwd, env: {} })).toThrow(/colour/);
    writeFileSync(join(cwd, "mcp.json"), "{ not json");
    expect(() => loadSettings({ cwd, env: {} })).toThrow(/not valid JSON/);
  });

  it("names the variable of a bad environment value", () => {
    const cwd = temp();
    writeFileSync(join(cwd, ".env"), "DOCINDEX_WORKERS=lots\n");
    let error: unknown;
    try {
      loadSettings({ cwd, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DocindexError);
    expect((error as DocindexError).code).toBe("CONFIG");
    expect((error as Error).message).toMatch(/\.env: DOCINDEX_WORKERS/);
  });

  it("reads lists from the environment as comma-separated or JSON", () => {
    const cwd = temp();
    const { settings } = loadSettings({
      cwd,
      env: { DOCINDEX_EXCLUDES: "*.tmp, build/", DOCINDEX_PDF_PASSWORDS: '["a,b", "c"]' },
    });
    expect(settings.excludes).toEqual(["*.tmp", "build/"]);
    expect(settings.pdfPasswords).toEqual(["a,b", "c"]);
  });
});
