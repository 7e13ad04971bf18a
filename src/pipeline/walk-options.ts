/**
 * The one place that turns Settings into walker options and admission rules, so the pipeline,
 * the inventory, the watcher and the server's reads all see exactly the same set of files.
 */
import { basename, relative, sep } from "node:path";
import { createAdmission, type Admission, type WalkOptions } from "../../scanners/walk/index.js";
import type { Settings } from "../config/schema.js";

/** docindex's own outputs at a root: listing them would make every inventory run differ. */
const OWN_OUTPUTS = ["/file_registry.json", "/SYSTEM_INVENTORY.md"];

export function walkOptionsFor(root: string, settings: Settings): WalkOptions {
  const excludes = [...settings.excludes];
  if (settings.defaultExcludes) {
    excludes.push(...OWN_OUTPUTS);
    // An index folder configured inside the root (not the default name) must not be indexed.
    const rel = relative(root, settings.indexDir);
    if (rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep)) {
      excludes.push("/" + rel.split(sep).join("/") + "/");
    }
  }
  return {
    root,
    defaultExcludes: settings.defaultExcludes,
    extraExcludes: excludes,
    maxFileSizeBytes: Math.round(settings.maxFileSizeMb * 1024 * 1024),
    indexDirName: basename(settings.indexDir),
  };
}

/**
 * The admission rule of a root, with its ignore files read now. Callers that ask once per
 * request or job get a fresh one, so an edited .gitignore (or info/exclude, or excludes file)
 * counts at once even without a watcher to tell them; only the watcher keeps one, and
 * invalidates it on .gitignore events.
 */
export function admissionFor(root: string, settings: Settings): Promise<Admission> {
  return createAdmission(walkOptionsFor(root, settings));
}
