import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../../indexers/store.js";
import type { Settings } from "../config/schema.js";
import { renderInventoryMarkdown } from "./markdown.js";
import { buildRegistry, type FileRegistry } from "./registry.js";

export const REGISTRY_FILE = "file_registry.json";
export const INVENTORY_FILE = "SYSTEM_INVENTORY.md";

export interface WrittenInventory {
  registry: FileRegistry;
  registryPath: string;
  markdownPath: string;
}

/** Builds the registry for a root and writes both files into `outDir`. */
export async function writeInventory(
  root: string,
  settings: Settings,
  store: Store | undefined,
  outDir: string,
): Promise<WrittenInventory> {
  const registry = await buildRegistry(root, settings, store);
  mkdirSync(outDir, { recursive: true });
  const registryPath = join(outDir, REGISTRY_FILE);
  const markdownPath = join(outDir, INVENTORY_FILE);
  writeFileSync(registryPath, JSON.stringify(registry, null, 2) + "\n");
  writeFileSync(markdownPath, renderInventoryMarkdown(registry));
  return { registry, registryPath, markdownPath };
}
