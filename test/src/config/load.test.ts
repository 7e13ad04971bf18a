/**
 * Settings loading beyond the layering (test/src/config.test.ts): where the config file comes
 * from, the errors each layer reports, how environment values are read, and which paths are
 * taken relative to what. Real files in a temporary folder.
 */
import { availableParallelism } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../../src/config/load.js";
import { effectiveWorkers } from "../../../src/config/schema.js";
import { embedderConfigFrom } from "../../../src/pipeline/vectors.js";
import { DocindexError } from "../../../src/errors.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

const dirs: string[] = [];
function temp(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach(removeDir));

/** The CONFIG error loadSettings throws for these options (fails if it throws none). */
function configError(options: Parameters<typeof loadSettings>[0]): string {
  try {
    loadSettings(options);
  } catch (error) {
    expect(error).toBeInstanceOf(DocindexError);
    expect((error as DocindexError).code).toBe("CONFIG");
    return (error as Error).message;
  }
  throw new Error("loadSettings accepted settings it should refuse");
}

describe("where the config file comes from", () => {
  it("an explicit --config path must exist", () => {
    const cwd = temp();
    expect(configError({ cwd, env: {}, configPath: "elsewhere.json" })).toBe(
      `config file not found: ${join(cwd, "elsewhere.json")}`,
    );
  });

  it("DOCINDEX_CONFIG names a file relative to the working folder, and must exist", () => {
    const cwd = temp();
    mkdirSync(join(cwd, "conf"));
    writeFileSync(join(cwd, "conf", "docindex.json"), JSON.stringify({ docindex: { workers: 3 } }));
    // A ./mcp.json is there too: the variable wins over it.
    writeFileSync(join(cwd, "mcp.json"), JSON.stringify({ docindex: { workers: 5 } }));
    const loaded = loadSettings({ cwd, env: { DOCINDEX_CONFIG: "conf/docindex.json" } });
    expect(loaded.configFile).toBe(join(cwd, "conf", "docindex.json"));
    expect(loaded.settings.workers).toBe(3);
    expect(configError({ cwd, env: { DOCINDEX_CONFIG: "gone.json" } })).toBe(
      `config file not found: ${join(cwd, "gone.json")} (from DOCINDEX_CONFIG)`,
    );
  });

  it("a file without a docindex section leaves the defaults; one that is not an object is refused", () => {
    const cwd = temp();
    writeFileSync(join(cwd, "mcp.json"), JSON.stringify({ mcpServers: {} }));
    const { settings, configFile } = loadSettings({ cwd, env: {} });
    expect(configFile).toBe(join(cwd, "mcp.json"));
    expect(settings).toMatchObject({ workers: 0, store: "sqlite", embedder: "none" });
    for (const content of ["42", '"docindex"', "null"]) {
      writeFileSync(join(cwd, "mcp.json"), content);
      expect(configError({ cwd, env: {} })).toBe(
        `${join(cwd, "mcp.json")}: expected a JSON object`,
      );
    }
  });

  it("takes the model and certificate paths of a config file from the file's folder", () => {
    const cwd = temp();
    mkdirSync(join(cwd, "conf"));
    writeFileSync(
      join(cwd, "conf", "mcp.json"),
      JSON.stringify({
        docindex: { localModelPath: "models", modelCacheDir: "../cache", esCaCert: "ca.pem" },
      }),
    );
    const { settings } = loadSettings({ cwd, env: {}, configPath: "conf/mcp.json" });
    expect(settings.localModelPath).toBe(join(cwd, "conf", "models"));
    expect(settings.modelCacheDir).toBe(join(cwd, "cache"));
    expect(settings.esCaCert).toBe(join(cwd, "conf", "ca.pem"));
  });
});

describe("environment values", () => {
  it("reads yes/no words as booleans and refuses other words, naming the variable", () => {
    const cwd = temp();
    const { settings } = loadSettings({
      cwd,
      env: { DOCINDEX_OFFLINE: "Yes", DOCINDEX_DEFAULT_EXCLUDES: "off" },
    });
    expect(settings.offline).toBe(true);
    expect(settings.defaultExcludes).toBe(false);
    expect(configError({ cwd, env: { DOCINDEX_OFFLINE: "maybe" } })).toMatch(
      /^environment: DOCINDEX_OFFLINE: /,
    );
  });

  it("takes an empty value as unset, and a list that is not valid JSON as refused", () => {
    const cwd = temp();
    const { settings } = loadSettings({
      cwd,
      env: { DOCINDEX_WORKERS: "", DOCINDEX_EXCLUDES: "  ", DOCINDEX_CHUNK_TOKENS: "128" },
    });
    expect(settings.workers).toBe(0);
    expect(settings.excludes).toEqual([]);
    expect(settings.chunkTokens).toBe(128);
    expect(configError({ cwd, env: { DOCINDEX_EXCLUDES: '["*.tmp", ' } })).toMatch(
      /^environment: DOCINDEX_EXCLUDES: /,
    );
  });

  it("gives the local embedder DOCINDEX_EMBED_THREADS, and refuses a count that is not one", () => {
    const cwd = temp();
    const { settings } = loadSettings({
      cwd,
      env: { DOCINDEX_EMBEDDER: "local", DOCINDEX_EMBED_THREADS: "1" },
    });
    expect(embedderConfigFrom(settings).local).toMatchObject({ threads: 1 });
    const unset = loadSettings({ cwd, env: { DOCINDEX_EMBEDDER: "local" } }).settings;
    expect(embedderConfigFrom(unset).local).not.toHaveProperty("threads");
    expect(configError({ cwd, env: { DOCINDEX_EMBED_THREADS: "0" } })).toMatch(
      /^environment: DOCINDEX_EMBED_THREADS: Too small/,
    );
  });

  it("reads the OCR settings, and refuses a language whose model package is not installed", () => {
    const cwd = temp();
    const defaults = loadSettings({ cwd, env: {} }).settings;
    expect(defaults).toMatchObject({ ocr: "auto", ocrLanguages: ["eng"], ocrPageTimeoutSec: 30 });
    const { settings } = loadSettings({
      cwd,
      env: {
        DOCINDEX_OCR: "off",
        DOCINDEX_OCR_LANGUAGES: "eng",
        DOCINDEX_OCR_PAGE_TIMEOUT_SEC: "5",
      },
    });
    expect(settings).toMatchObject({ ocr: "off", ocrLanguages: ["eng"], ocrPageTimeoutSec: 5 });
    expect(configError({ cwd, env: { DOCINDEX_OCR: "always" } })).toMatch(
      /^environment: DOCINDEX_OCR: /,
    );
    expect(configError({ cwd, env: { DOCINDEX_OCR_LANGUAGES: "English" } })).toMatch(
      /^environment: DOCINDEX_OCR_LANGUAGES: tesseract language codes/,
    );
    // "zzz" has the form of a code; no @tesseract.js-data/zzz package exists, let alone here.
    expect(configError({ cwd, env: { DOCINDEX_OCR_LANGUAGES: "eng,zzz" } })).toBe(
      'settings: ocrLanguages: "zzz" needs the npm package @tesseract.js-data/zzz, which is not installed (npm install @tesseract.js-data/zzz)',
    );
    // With OCR off, no model is needed.
    const off = loadSettings({ cwd, env: { DOCINDEX_OCR: "off", DOCINDEX_OCR_LANGUAGES: "zzz" } });
    expect(off.settings.ocrLanguages).toEqual(["zzz"]);
  });

  it("resolves relative roots and index folder from the working folder", () => {
    const cwd = temp();
    const { settings } = loadSettings({
      cwd,
      env: { DOCINDEX_ROOTS: "docs, notes", DOCINDEX_INDEX_DIR: "var/index" },
    });
    expect(settings.roots).toEqual([join(cwd, "docs"), join(cwd, "notes")]);
    expect(settings.indexDir).toBe(join(cwd, "var/index"));
  });

  it("reports a .env that cannot be read", () => {
    const cwd = temp();
    mkdirSync(join(cwd, ".env"));
    expect(configError({ cwd, env: {} })).toMatch(/\.env: cannot be read \(EISDIR/);
    expect(configError({ cwd, env: {} }).startsWith(join(cwd, ".env"))).toBe(true);
  });
});

describe("flags", () => {
  it("resolves a relative index folder from the working folder and names a bad flag", () => {
    const cwd = temp();
    const { settings } = loadSettings({ cwd, env: {}, flags: { indexDir: "idx", roots: ["a"] } });
    expect(settings.indexDir).toBe(join(cwd, "idx"));
    expect(settings.roots).toEqual([join(cwd, "a")]);
    expect(
      configError({ cwd, env: {}, flags: { workers: -1 }, flagsSource: "docindex serve" }),
    ).toMatch(/^docindex serve: --workers: /);
  });
});

describe("effectiveWorkers", () => {
  it("is the setting, or one per core when the setting is 0", () => {
    expect(effectiveWorkers({ workers: 3 })).toBe(3);
    expect(effectiveWorkers({ workers: 0 })).toBe(availableParallelism());
  });
});
