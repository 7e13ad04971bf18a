/**
 * Admission verdicts and rules as text, in the terms of `git check-ignore -v`: where a rule
 * lives and what it says (`.gitignore:3:private.txt`). The reasons of refused rows, the `rule`
 * of inventory rows and `docindex explain` all read the same words.
 */
import { relative, sep } from "node:path";
import type { Refusal, Verdict } from "./admission.js";
import type { Rule } from "./ignore-rules.js";
import { SETTINGS_SOURCE } from "./pattern-match.js";

/** admitted: may be indexed and read. excluded: not listed at all. refused: a row, never read. */
export type Decision = "admitted" | "excluded" | "refused";

export function decisionOf(verdict: Verdict): Decision {
  if (verdict.admitted) return "admitted";
  return verdict.listed ? "refused" : "excluded";
}

/** The answer for a path in none of the configured roots: no root's rule can admit it. */
export const OUTSIDE_ROOTS_LINE = "excluded: outside roots";

/** The whole answer on one line: "admitted: no rule excludes it", "refused: symlink target ...". */
export function verdictLine(verdict: Verdict, root: string): string {
  if (!verdict.admitted) return `${decisionOf(verdict)}: ${describeRefusal(verdict.refusal, root)}`;
  const rule =
    verdict.rule !== undefined ? describeRule(verdict.rule, root) : "no rule excludes it";
  const through =
    verdict.target !== undefined ? ` (through a symlink: ${shown(verdict.target)})` : "";
  return `admitted: ${rule}${through}`;
}

/** A root-relative path for people: the root itself is ".". */
function shown(rel: string): string {
  return rel === "" ? "." : rel;
}

/** Why a path was refused: the reason of its row. Names the target's path, never its content. */
export function describeRefusal(refusal: Refusal, root: string): string {
  switch (refusal.kind) {
    case "rule":
      return describeRule(refusal.rule, root);
    case "target":
      return `symlink target ${shown(refusal.target)}: ${describeRule(refusal.rule, root)}`;
    case "outside":
      return `symlink target ${refusal.target}: outside the root`;
    case "unresolvable":
      return `symlink target cannot be resolved: ${UNRESOLVABLE[refusal.code] ?? refusal.code}`;
    case "folder-link":
      return `symlink to a folder (${shown(refusal.target)}): links to folders are not followed`;
    case "cycle":
      return `symlink to a folder it is inside (${shown(refusal.target)}): a cycle`;
    case "special":
      return refusal.target !== undefined
        ? `symlink target ${shown(refusal.target)}: not a regular file`
        : "not a regular file or folder";
    case "under-link":
      return `inside ${refusal.link}, a symlink to a folder: links to folders are not followed`;
    case "outside-root":
      return "outside the root";
    case "missing":
      return "not found";
  }
}

const UNRESOLVABLE: Record<string, string> = {
  ENOENT: "it points at nothing (dangling)",
  ELOOP: "a loop of links",
  EACCES: "permission denied",
};

/** The rule that decided, if one did: the path's own, or the one that refuses its target. */
export function decidingRuleOf(verdict: Verdict): Rule | undefined {
  if (verdict.admitted) return verdict.rule;
  const { refusal } = verdict;
  return refusal.kind === "rule" || refusal.kind === "target" ? refusal.rule : undefined;
}

/** `source:line:pattern` for patterns (as git check-ignore -v prints them), a name otherwise. */
export function describeRule(rule: Rule, root: string): string {
  switch (rule.kind) {
    case "git":
      return "always excluded: .git";
    case "default":
      return `default-excludes: ${rule.label}`;
    case "pattern": {
      const text = patternText(rule);
      if (rule.list.source === SETTINGS_SOURCE) return `${SETTINGS_SOURCE}: ${text}`;
      return `${displaySource(rule.list.source, root)}:${rule.pattern.line}:${text}`;
    }
  }
}

/** The pattern as written, as git prints it: with its `!` and trailing `/`, as UTF-8. */
export function patternText(rule: Extract<Rule, { kind: "pattern" }>): string {
  const { pattern } = rule;
  const text = Buffer.from(pattern.text, "latin1").toString("utf8");
  return `${pattern.negative ? "!" : ""}${text}${pattern.mustBeDir ? "/" : ""}`;
}

/** Root-relative POSIX for files inside the root (git prints them relative to the top), else absolute. */
export function displaySource(source: string, root: string): string {
  const rel = relative(root, source);
  if (rel === "" || rel.startsWith("..") || rel.startsWith(sep)) return source;
  return rel.split(sep).join("/");
}
