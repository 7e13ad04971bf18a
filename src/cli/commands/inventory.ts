import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DocindexError } from "../../errors.js";
import { writeInventory } from "../../inventory/write.js";
import { INDEX_DB_FILE, openStore } from "../../pipeline/runtime.js";
import { resolveRoot } from "../../pipeline/resolve-root.js";
import { parseCommandArgs, stringFlag } from "../args.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";
import { assertOneFolderAtMost } from "../folders.js";
import { withHealedIndex } from "../heal-index.js";
import { recoveryLines, recoveryReports } from "../../inventory/recoveries.js";

export const INVENTORY_HELP = `Usage: docindex inventory [DIR] [options]

Writes file_registry.json (one entry per file the scanner yields: path, kind, size, mtime,
sha256, status and reason) and SYSTEM_INVENTORY.md (the same for people) for DIR, joined
with what the index knows. Files not indexed yet are "pending". Output is deterministic.

Options:
  --out DIR                 where to write the two files (default: DIR itself)
  --json                    also print the registry as JSON on stdout
  -h, --help                show this help

${SETTINGS_HELP}`;

export async function runInventory(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("inventory", argv, {
    ...SETTINGS_OPTIONS,
    out: { type: "string" },
    json: { type: "boolean" },
  });
  if (parsed.values.help) {
    process.stdout.write(INVENTORY_HELP + "\n");
    return 0;
  }
  assertOneFolderAtMost("inventory", parsed.positionals);
  const { settings } = settingsFromFlags("inventory", parsed, parsed.positionals);
  const out = stringFlag(parsed.values, "out");
  if (out !== undefined && settings.roots.length > 1) {
    throw new DocindexError("USAGE", "docindex inventory: --out needs a single root; name one DIR");
  }
  const hasIndex = existsSync(join(settings.indexDir, INDEX_DB_FILE));
  const store = hasIndex ? await openStore(settings, { create: false }) : undefined;
  try {
    for (const rootArg of settings.roots) {
      const root = resolveRoot(rootArg);
      const write = () =>
        writeInventory(root, settings, store, out !== undefined ? resolve(out) : root);
      const written = store ? await withHealedIndex(settings, store, write) : await write();
      if (parsed.values.json === true) {
        process.stdout.write(JSON.stringify(written.registry, null, 2) + "\n");
      } else {
        const counts = new Map<string, number>();
        for (const f of written.registry.files)
          counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
        const summary = [...counts.entries()]
          .sort()
          .map(([s, n]) => `${n} ${s}`)
          .join(", ");
        process.stdout.write(
          `${written.registry.files.length} files (${summary || "none"})\n` +
            recoveryLines(recoveryReports(settings.indexDir))
              .map((line) => `${line}\n`)
              .join("") +
            `wrote ${written.registryPath}\nwrote ${written.markdownPath}\n`,
        );
      }
    }
    return 0;
  } finally {
    await store?.close();
  }
}
