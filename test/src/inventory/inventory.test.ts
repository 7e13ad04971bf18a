/**
 * The inventory: file_registry.json joined with a real SQLite index (what is pending, what the
 * scanner already knows it will skip), and SYSTEM_INVENTORY.md's tables and tree as people
 * read them.
 */
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBytes, renderInventoryMarkdown } from "../../../src/inventory/markdown.js";
import { buildRegistry, type RegistryEntry } from "../../../src/inventory/registry.js";
import { indexTree, type IndexedTree } from "../../helpers/indexed-tree.js";

describe("file_registry.json against the index", () => {
  let tree: IndexedTree;
  let root: string;

  beforeAll(async () => {
    tree = await indexTree(
      {
        "kept.md": "# Kept\n\nUnchanged since indexing.\n",
        "edited.md": "# Edited\n\nFirst version.\n",
        "data.bin": Buffer.from([0, 1, 2, 0]),
      },
      { maxFileSizeMb: 0.001 },
    );
    root = tree.root;
  });
  afterAll(() => tree.close());

  it("is pending for files changed or added since the index saw them, with their new hash", async () => {
    writeFileSync(join(root, "edited.md"), "# Edited\n\nSecond, longer version.\n");
    writeFileSync(join(root, "added.md"), "# Added\n\nNew file.\n");
    // Too large for the limit, and never indexed: known to be skipped without parsing.
    writeFileSync(join(root, "huge.txt"), "word ".repeat(400));
    utimesSync(
      join(root, "huge.txt"),
      new Date("2026-01-02T03:04:05Z"),
      new Date("2026-01-02T03:04:05Z"),
    );
    const registry = await buildRegistry(root, tree.settings, tree.store);
    const byPath = Object.fromEntries(registry.files.map((f) => [f.path, f]));
    expect(registry.files.map((f) => f.path)).toEqual([
      "added.md",
      "data.bin",
      "edited.md",
      "huge.txt",
      "kept.md",
    ]);
    expect(byPath["kept.md"]).toMatchObject({ status: "indexed", kind: "markdown" });
    expect(byPath["data.bin"]).toMatchObject({ status: "skipped", reason: "binary" });
    expect(byPath["edited.md"]!.status).toBe("pending");
    expect(byPath["added.md"]!.status).toBe("pending");
    expect(byPath["huge.txt"]).toMatchObject({
      status: "skipped",
      mtime: "2026-01-02T03:04:05.000Z",
      size: 2000,
    });
    expect(byPath["huge.txt"]!.reason).toMatch(/^too large/);
    for (const file of registry.files) expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byPath["edited.md"]!.sha256).not.toBe(
      (await tree.store.catalog(root)).get("edited.md")?.sha256,
    );
  });

  it("without an index, knows only what the scanner decides", async () => {
    const registry = await buildRegistry(root, tree.settings, undefined);
    const statuses = Object.fromEntries(registry.files.map((f) => [f.path, f.status]));
    expect(statuses).toMatchObject({ "kept.md": "pending", "data.bin": "skipped" });
  });
});

function entry(
  path: string,
  size: number,
  status: RegistryEntry["status"] = "indexed",
): RegistryEntry {
  return { path, kind: "text", size, mtime: "2026-01-01T00:00:00.000Z", sha256: "", status };
}

describe("SYSTEM_INVENTORY.md", () => {
  it("writes sizes as people read them", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(20 * 1024)).toBe("20 KB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GB");
    expect(formatBytes(3 * 1024 ** 5)).toBe("3072 TB");
  });

  it("says so when there are no files and nothing was refused", () => {
    const markdown = renderInventoryMarkdown({ version: 1, root: "/empty", files: [] });
    expect(markdown).toContain("0 files, 0 B: 0 indexed, 0 skipped, 0 failed, 0 pending.");
    expect(markdown).toContain("## Largest files\n\nNo files.\n");
    expect(markdown).toContain("Every file was indexed or is pending.");
    expect(markdown).toContain("./  (0 files at the top level)");
  });

  it("keeps table rows intact whatever a path or reason contains", () => {
    const odd = { ...entry("a|b.txt", 10, "failed"), reason: "parser said:\nline | two" };
    const markdown = renderInventoryMarkdown({ version: 1, root: "/r", files: [odd] });
    expect(markdown).toContain("| a\\|b.txt | text | failed | parser said: line \\| two |");
    expect(markdown).toContain("| a\\|b.txt | text | 10 B | failed |");
  });

  it("lists the ten largest files and a tree of the biggest folders, cut at 40 lines", () => {
    const files: RegistryEntry[] = [entry("top.txt", 1)];
    // 45 folders of 2 files each, one with 7 subfolders: more than the tree shows.
    for (let f = 0; f < 45; f++) {
      const folder = `f${String(f).padStart(2, "0")}`;
      files.push(entry(`${folder}/one.txt`, 100 + f), entry(`${folder}/two.txt`, 100));
    }
    for (let s = 0; s < 7; s++) files.push(entry(`f00/sub${s}/x.txt`, 5000 + s));
    const markdown = renderInventoryMarkdown({ version: 1, root: "/r", files });
    const largest = markdown.split("## Largest files")[1]!.split("##")[0]!;
    expect(largest.match(/^\| f00\/sub\d\/x\.txt /gm)).toHaveLength(7);
    expect(largest).toContain("| f44/one.txt | text | 144 B | indexed |");
    expect(largest.match(/^\| f\d\d\//gm)).toHaveLength(10);

    const tree = markdown.split("## Tree overview")[1]!;
    const lines = tree.split("```")[1]!.trim().split("\n");
    expect(lines[0]).toBe("./  (1 files at the top level)");
    // The folder with most files comes first, with its five biggest subfolders.
    expect(lines[1]).toBe("f00/  (9 files, 34 KB)");
    expect(
      lines.slice(2, 7).every((line) => /^ {2}sub\d\/ {2}\(1 files, 4\.9 KB\)$/.test(line)),
    ).toBe(true);
    expect(lines[7]).toMatch(/^f01\/ {2}\(2 files, /);
    expect(lines.at(-1)).toBe("…");
    expect(lines).toHaveLength(1 + 40 + 1);
  });
});
