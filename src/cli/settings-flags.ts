/**
 * Flags shared by the commands that read settings, and their translation into the settings
 * layer of highest precedence.
 */
import { loadSettings, type LoadedSettings } from "../config/load.js";
import type { PartialSettings } from "../config/schema.js";
import { numberFlag, stringFlag, type OptionSpec, type ParsedCommand } from "./args.js";

export const SETTINGS_OPTIONS: OptionSpec = {
  config: { type: "string" },
  index: { type: "string" },
  "no-default-excludes": { type: "boolean" },
  exclude: { type: "string", multiple: true },
  "max-file-size-mb": { type: "string" },
  workers: { type: "string" },
  "chunk-tokens": { type: "string" },
  "parse-timeout": { type: "string" },
  store: { type: "string" },
  "es-url": { type: "string", multiple: true },
  embedder: { type: "string" },
  "embed-model": { type: "string" },
  "embed-dimensions": { type: "string" },
};

export const SETTINGS_HELP = `Settings (lowest to highest precedence: mcp.json, .env, flags):
  --config FILE             mcp.json to read settings from (default ./mcp.json)
  --index DIR               index folder (default <first root>/.docindex)
  --no-default-excludes     only git's ignore rules (and .git/) decide what is scanned
  --exclude PATTERN         extra gitignore-style pattern (repeatable)
  --max-file-size-mb N      larger files are listed as skipped (default 50)
  --workers N               parser workers (default: one per core)
  --chunk-tokens N          target chunk size in tokens (default 400)
  --parse-timeout SECONDS   per-file parser time limit (default 30)
  --store STORE             sqlite (default) or elasticsearch
  --es-url URL              Elasticsearch node (repeatable; or ELASTICSEARCH_URL)
  --embedder KIND           none (default), openai, azure or local
  --embed-model MODEL       embedding model (provider model, Azure deployment, local model id)
  --embed-dimensions N      shorter vectors, for models that support it`;

export function settingsFromFlags(
  command: string,
  parsed: ParsedCommand,
  roots: string[] | undefined,
): LoadedSettings {
  const { values } = parsed;
  const flags: PartialSettings = {};
  if (roots && roots.length > 0) flags.roots = roots;
  const index = stringFlag(values, "index");
  if (index !== undefined) flags.indexDir = index;
  if (values["no-default-excludes"] === true) flags.defaultExcludes = false;
  const excludes = values.exclude;
  if (Array.isArray(excludes)) flags.excludes = excludes;
  const maxSize = numberFlag(command, values, "max-file-size-mb", { min: 0.001, max: 100_000 });
  if (maxSize !== undefined) flags.maxFileSizeMb = maxSize;
  const workers = numberFlag(command, values, "workers", { min: 0, max: 256, integer: true });
  if (workers !== undefined) flags.workers = workers;
  const chunkTokens = numberFlag(command, values, "chunk-tokens", {
    min: 32,
    max: 8192,
    integer: true,
  });
  if (chunkTokens !== undefined) flags.chunkTokens = chunkTokens;
  const timeout = numberFlag(command, values, "parse-timeout", { min: 1, max: 3600 });
  if (timeout !== undefined) flags.parseTimeoutSec = timeout;
  const store = stringFlag(values, "store");
  if (store !== undefined) flags.store = store as PartialSettings["store"];
  const esUrls = values["es-url"];
  if (Array.isArray(esUrls)) flags.esUrl = esUrls;
  const embedder = stringFlag(values, "embedder");
  if (embedder !== undefined) flags.embedder = embedder as PartialSettings["embedder"];
  const embedModel = stringFlag(values, "embed-model");
  if (embedModel !== undefined) flags.embedModel = embedModel;
  const dims = numberFlag(command, values, "embed-dimensions", {
    min: 1,
    max: 16_384,
    integer: true,
  });
  if (dims !== undefined) flags.embedDimensions = dims;
  return loadSettings({
    cwd: process.cwd(),
    configPath: stringFlag(values, "config"),
    flags,
    flagsSource: `docindex ${command}`,
  });
}
