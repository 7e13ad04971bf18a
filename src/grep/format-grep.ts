/** grep's answer as text, the way ripgrep prints it: `path:line:text`, context as `path-line-text`. */
import type { GrepAnswer, GrepMatch } from "./run-grep.js";

function place(m: GrepMatch): string {
  return m.page === undefined ? m.path : `${m.path} (page ${m.page})`;
}

export function formatGrepText(answer: GrepAnswer, pattern: string): string {
  const lines: string[] = [];
  for (const m of answer.matches) {
    const before = m.before ?? [];
    before.forEach((text, i) => lines.push(`${place(m)}-${m.line - before.length + i}-${text}`));
    lines.push(`${place(m)}:${m.line}:${m.text}`);
    (m.after ?? []).forEach((text, i) => lines.push(`${place(m)}-${m.line + 1 + i}-${text}`));
    if (before.length > 0 || (m.after ?? []).length > 0) lines.push("--");
  }
  if (answer.matches.length === 0) lines.push(`No line matches ${JSON.stringify(pattern)}.`);
  if (answer.incomplete) lines.push(`Note: ${answer.incomplete}.`);
  if (answer.nextCursor) lines.push(`More matches: continue with cursor ${answer.nextCursor}`);
  return lines.join("\n");
}
