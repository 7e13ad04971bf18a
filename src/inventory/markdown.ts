/**
 * SYSTEM_INVENTORY.md: the registry rendered for people. Totals by kind and status, the
 * largest files, every file that was not indexed with its reason, and a short tree overview.
 * Deterministic like the registry: same input, same bytes.
 */
import type { FileRegistry, RegistryEntry, RegistryStatus } from "./registry.js";

const STATUSES: RegistryStatus[] = ["indexed", "skipped", "failed", "pending"];
const LARGEST = 10;
const TREE_LINES = 40;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = "B";
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}

/** Markdown table cells must not break the table. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function byKindTable(files: RegistryEntry[]): string[] {
  const kinds = [...new Set(files.map((f) => f.kind))].sort();
  const lines = [
    `| kind | files | ${STATUSES.join(" | ")} | size |`,
    `|---|---:|${STATUSES.map(() => "---:").join("|")}|---:|`,
  ];
  const row = (label: string, group: RegistryEntry[]) => {
    const counts = STATUSES.map((s) => group.filter((f) => f.status === s).length);
    const size = group.reduce((sum, f) => sum + f.size, 0);
    lines.push(`| ${label} | ${group.length} | ${counts.join(" | ")} | ${formatBytes(size)} |`);
  };
  for (const kind of kinds)
    row(
      kind,
      files.filter((f) => f.kind === kind),
    );
  row("**all**", files);
  return lines;
}

function largestFiles(files: RegistryEntry[]): string[] {
  const largest = [...files]
    .sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1))
    .slice(0, LARGEST);
  if (largest.length === 0) return ["No files."];
  return [
    "| file | kind | size | status |",
    "|---|---|---:|---|",
    ...largest.map((f) => `| ${cell(f.path)} | ${f.kind} | ${formatBytes(f.size)} | ${f.status} |`),
  ];
}

function problems(files: RegistryEntry[]): string[] {
  const notIndexed = files.filter((f) => f.status === "skipped" || f.status === "failed");
  if (notIndexed.length === 0) return ["Every file was indexed or is pending."];
  return [
    "| file | kind | status | reason |",
    "|---|---|---|---|",
    ...notIndexed.map(
      (f) => `| ${cell(f.path)} | ${f.kind} | ${f.status} | ${cell(f.reason ?? "")} |`,
    ),
  ];
}

/** Folders up to two levels deep with their file counts and sizes, biggest first. */
function treeOverview(files: RegistryEntry[]): string[] {
  const folders = new Map<string, { files: number; bytes: number }>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let depth = 1; depth <= Math.min(2, parts.length - 1); depth++) {
      const folder = parts.slice(0, depth).join("/") + "/";
      const stats = folders.get(folder) ?? { files: 0, bytes: 0 };
      stats.files++;
      stats.bytes += file.size;
      folders.set(folder, stats);
    }
  }
  const atTop = files.filter((f) => !f.path.includes("/")).length;
  const lines = ["```", `./  (${atTop} files at the top level)`];
  const top = [...folders.entries()]
    .filter(([folder]) => folder.split("/").length === 2)
    .sort((a, b) => b[1].files - a[1].files || (a[0] < b[0] ? -1 : 1));
  let shown = 0;
  for (const [folder, stats] of top) {
    if (shown >= TREE_LINES) break;
    lines.push(`${folder}  (${stats.files} files, ${formatBytes(stats.bytes)})`);
    shown++;
    const children = [...folders.entries()]
      .filter(([child]) => child.startsWith(folder) && child.split("/").length === 3)
      .sort((a, b) => b[1].files - a[1].files || (a[0] < b[0] ? -1 : 1))
      .slice(0, 5);
    for (const [child, childStats] of children) {
      lines.push(
        `  ${child.slice(folder.length)}  (${childStats.files} files, ${formatBytes(childStats.bytes)})`,
      );
      shown++;
    }
  }
  if (top.length > 0 && shown >= TREE_LINES) lines.push("…");
  lines.push("```");
  return lines;
}

/** The documents found inside files (e-mail attachments), by kind and status. */
function insideFiles(inside: RegistryEntry[]): string[] {
  if (inside.length === 0) return [];
  return [
    "## Documents inside files",
    "",
    `${inside.length} documents were found inside files (e-mail attachments) and indexed as documents of their own, \`<file>#<name>\`.`,
    "",
    ...byKindTable(inside),
    "",
  ];
}

export function renderInventoryMarkdown(registry: FileRegistry): string {
  // Attachments are counted apart: their bytes are already in their message's size.
  const files = registry.files.filter((f) => f.container === undefined);
  const inside = registry.files.filter((f) => f.container !== undefined);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const counts = STATUSES.map((s) => `${files.filter((f) => f.status === s).length} ${s}`).join(
    ", ",
  );
  return [
    "# System inventory",
    "",
    `Root: \`${registry.root}\``,
    "",
    `${files.length} files, ${formatBytes(total)}: ${counts}.`,
    "",
    "## Files by kind and status",
    "",
    ...byKindTable(files),
    "",
    "## Largest files",
    "",
    ...largestFiles(files),
    "",
    ...insideFiles(inside),
    "## Files not indexed",
    "",
    ...problems(registry.files),
    "",
    "## Tree overview",
    "",
    ...treeOverview(files),
    "",
  ].join("\n");
}
