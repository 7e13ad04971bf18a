/**
 * The one place that turns Settings into walker options, so the pipeline, the inventory and
 * the watcher all see exactly the same set of files.
 */
import { basename, relative, sep } from "node:path";
import type { WalkOptions } from "../../scanners/walk/index.js";
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
