/**
 * Builds the effective Settings from three layers, lowest precedence first:
 *   1. mcp.json  (the "docindex" key; --config FILE, else $DOCINDEX_CONFIG, else ./mcp.json)
 *   2. .env in the working folder, then the process environment (DOCINDEX_* variables;
 *      the process environment wins over .env, as with dotenv)
 *   3. command-line flags (and positional folders, which replace the roots)
 * Each layer is validated on its own so that an error names the key and where it came from.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseEnv } from "node:util";
import type { z } from "zod";
import { checkLanguages, OcrSetupError } from "../../scanners/ocr/languages.js";
import { DocindexError } from "../errors.js";
import {
  DEFAULT_SETTINGS,
  ENV_KEYS,
  ENV_VALUE_TYPES,
  partialSettingsSchema,
  settingsSchema,
  type PartialSettings,
  type Settings,
} from "./schema.js";

export interface LoadSettingsOptions {
  cwd: string;
  /** --config: an explicit mcp.json (or any JSON file with a "docindex" key). */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Settings given as flags; already typed by the CLI parser. */
  flags?: PartialSettings;
  /** Source label for flag errors. */
  flagsSource?: string;
}

export interface LoadedSettings {
  settings: Settings;
  /** The config file that was read, if any. */
  configFile?: string;
}

function formatIssues(source: string, prefix: string, error: z.ZodError, asFlag = false): string {
  const issue = error.issues[0];
  if (issue === undefined) return `${source}: invalid settings`;
  let key = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  // On the command line the user typed --es-url, not esUrl.
  if (asFlag && issue.path.length > 0)
    key = "--" + String(issue.path[0]).replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
  return `${source}: ${key || "(top level)"}: ${issue.message}`;
}

function validateLayer(
  data: unknown,
  source: string,
  keyPrefix: string,
  asFlag = false,
): PartialSettings {
  const parsed = partialSettingsSchema.safeParse(data);
  if (!parsed.success)
    throw new DocindexError("CONFIG", formatIssues(source, keyPrefix, parsed.error, asFlag));
  return parsed.data;
}

function findConfigFile(options: LoadSettingsOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (options.configPath !== undefined) {
    const path = resolve(options.cwd, options.configPath);
    if (!existsSync(path)) throw new DocindexError("CONFIG", `config file not found: ${path}`);
    return path;
  }
  if (env.DOCINDEX_CONFIG) {
    const path = resolve(options.cwd, env.DOCINDEX_CONFIG);
    if (!existsSync(path)) {
      throw new DocindexError("CONFIG", `config file not found: ${path} (from DOCINDEX_CONFIG)`);
    }
    return path;
  }
  const local = join(options.cwd, "mcp.json");
  return existsSync(local) ? local : undefined;
}

function readConfigFileLayer(path: string): PartialSettings {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DocindexError("CONFIG", `${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null) {
    throw new DocindexError("CONFIG", `${path}: expected a JSON object`);
  }
  const section = (json as Record<string, unknown>).docindex;
  if (section === undefined) return {};
  const layer = validateLayer(section, path, "docindex");
  // Paths in a config file mean what they say from where the file lives, not from the cwd.
  const base = dirname(path);
  if (layer.roots) layer.roots = layer.roots.map((root) => resolve(base, root));
  if (layer.indexDir) layer.indexDir = resolve(base, layer.indexDir);
  if (layer.localModelPath) layer.localModelPath = resolve(base, layer.localModelPath);
  if (layer.modelCacheDir) layer.modelCacheDir = resolve(base, layer.modelCacheDir);
  if (layer.esCaCert) layer.esCaCert = resolve(base, layer.esCaCert);
  return layer;
}

function parseEnvValue(key: keyof Settings, raw: string): unknown {
  const value = raw.trim();
  switch (ENV_VALUE_TYPES[key]) {
    case "list":
      if (value.startsWith("[")) {
        try {
          return JSON.parse(value);
        } catch {
          return value;
        }
      }
      return value === ""
        ? []
        : value
            .split(",")
            .map((part) => part.trim())
            .filter(Boolean);
    case "boolean":
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      return value;
    case "number":
      return value !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
    default:
      return value;
  }
}

function envLayer(
  vars: Record<string, string | undefined>,
  source: string,
  cwd: string,
): PartialSettings {
  const data: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_KEYS) as [keyof Settings, string][]) {
    const raw = vars[envName];
    // KEY= (empty) means unset, as compose files and shells pass optional values.
    if (raw !== undefined && raw.trim() !== "") data[key] = parseEnvValue(key, raw);
  }
  const parsed = partialSettingsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] as keyof Settings | undefined;
    const name = key !== undefined ? ENV_KEYS[key] : "environment";
    throw new DocindexError("CONFIG", `${source}: ${name}: ${issue?.message ?? "invalid value"}`);
  }
  const layer = parsed.data;
  if (layer.roots) layer.roots = layer.roots.map((root) => resolve(cwd, root));
  if (layer.indexDir) layer.indexDir = resolve(cwd, layer.indexDir);
  return layer;
}

function readDotEnv(cwd: string): Record<string, string> {
  const path = join(cwd, ".env");
  if (!existsSync(path)) return {};
  try {
    return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
  } catch (error) {
    throw new DocindexError("CONFIG", `${path}: cannot be read (${(error as Error).message})`);
  }
}

export function loadSettings(options: LoadSettingsOptions): LoadedSettings {
  const env = options.env ?? process.env;
  const configFile = findConfigFile(options, env);
  const fileLayer = configFile ? readConfigFileLayer(configFile) : {};
  const dotEnv = readDotEnv(options.cwd);
  const dotEnvLayer = envLayer(dotEnv, join(options.cwd, ".env"), options.cwd);
  const processEnvLayer = envLayer(env, "environment", options.cwd);
  const flagLayer = options.flags
    ? validateLayer(options.flags, options.flagsSource ?? "command line", "", true)
    : {};
  if (flagLayer.roots) flagLayer.roots = flagLayer.roots.map((root) => resolve(options.cwd, root));
  if (flagLayer.indexDir) flagLayer.indexDir = resolve(options.cwd, flagLayer.indexDir);

  const merged: PartialSettings = {
    ...DEFAULT_SETTINGS,
    ...fileLayer,
    ...dotEnvLayer,
    ...processEnvLayer,
    ...flagLayer,
  };
  if (merged.roots === undefined || merged.roots.length === 0) merged.roots = [options.cwd];
  merged.roots = merged.roots.map((root) => (isAbsolute(root) ? root : resolve(options.cwd, root)));
  if (merged.indexDir === undefined) merged.indexDir = defaultIndexDir(merged.roots[0]!);
  const final = settingsSchema.safeParse(merged);
  if (!final.success) {
    throw new DocindexError("CONFIG", formatIssues("settings", "", final.error));
  }
  checkOcrLanguages(final.data);
  return { settings: final.data, configFile };
}

/** A language whose model package is missing is a setup error now, not a reason on every scan. */
function checkOcrLanguages(settings: Settings): void {
  if (settings.ocr === "off") return;
  try {
    checkLanguages(settings.ocrLanguages);
  } catch (error) {
    if (error instanceof OcrSetupError)
      throw new DocindexError("CONFIG", `settings: ${error.message}`, { cause: error });
    throw error;
  }
}

export const INDEX_DIR_NAME = ".docindex";

export function defaultIndexDir(root: string): string {
  return join(root, INDEX_DIR_NAME);
}
