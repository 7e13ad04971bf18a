/**
 * `docindex explain PATH...`: what the admission rule says of each path and which rule decided,
 * in the manner of `git check-ignore -v`. It asks the same rule the walker, the watcher, the
 * path runs and the server's reads ask (scanners/walk/admission.ts), so its answer is theirs.
 */
import { resolve } from "node:path";
import {
  createAdmission,
  decidingRuleOf,
  decisionOf,
  displaySource,
  OUTSIDE_ROOTS_LINE,
  patternText,
  SETTINGS_SOURCE,
  verdictLine,
  type Admission,
  type Rule,
  type Verdict,
} from "../../../scanners/walk/index.js";
import { DocindexError, isDocindexError } from "../../errors.js";
import { resolveRoot } from "../../pipeline/resolve-root.js";
import { walkOptionsFor } from "../../pipeline/walk-options.js";
import { confinePath } from "../../server/confine.js";
import { parseCommandArgs } from "../args.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";
import { assertFolders } from "../folders.js";

export const EXPLAIN_HELP = `Usage: docindex explain PATH... [options]

Says whether docindex may index and read each PATH, and which rule decided, like
\`git check-ignore -v\`: a gitignore rule with the file and line it is on
(.gitignore:3:private.txt), a default exclude (default-excludes: .env), the excludes
setting, a symbolic link's target and the rule that refuses it, or that no rule excludes
it. PATH is relative to the current folder, or absolute. One line per PATH:

  <decision>: <rule><TAB>PATH

  admitted   may be indexed and read
  excluded   not listed at all (git would not list it either)
  refused    listed, as a skipped row with this reason, and never read (a symbolic link
             whose target is outside the root, dangling, or excluded)

Options:
  --root DIR                a root to judge against (repeatable; default: the configured
                            roots, else the current folder)
  --json                    print one object per PATH: path, root, rel, decision, reason,
                            rule (source, line, pattern for gitignore rules)
  -h, --help                show this help

${SETTINGS_HELP}`;

interface Explanation {
  path: string;
  root?: string;
  /** Root-relative POSIX path. */
  rel?: string;
  decision: "admitted" | "excluded" | "refused";
  /** The whole answer, as the text output prints it. */
  reason: string;
  rule?: RuleJson;
}

type RuleJson =
  | { kind: "gitignore"; source: string; line: number; pattern: string }
  | { kind: "excludes-setting"; pattern: string }
  | { kind: "default-exclude"; name: string }
  | { kind: "git-dir" };

export async function runExplain(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("explain", argv, {
    ...SETTINGS_OPTIONS,
    root: { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  if (parsed.values.help) {
    process.stdout.write(EXPLAIN_HELP + "\n");
    return 0;
  }
  if (parsed.positionals.length === 0) {
    throw new DocindexError(
      "USAGE",
      "docindex explain: name a PATH (see `docindex explain --help`)",
    );
  }
  const rootFlags = (parsed.values.root as string[] | undefined) ?? [];
  assertFolders("explain", rootFlags);
  const { settings } = settingsFromFlags("explain", parsed, rootFlags);
  const roots = settings.roots.map(resolveRoot);
  const admissions = new Map<string, Promise<Admission>>();
  const explanations: Explanation[] = [];
  for (const path of parsed.positionals) {
    let confined;
    try {
      confined = confinePath(roots, resolve(path));
    } catch (error) {
      if (!isDocindexError(error) || error.code !== "OUTSIDE_ROOT") throw error;
      explanations.push({ path, decision: "excluded", reason: OUTSIDE_ROOTS_LINE });
      continue;
    }
    const { root, path: rel } = confined;
    let admission = admissions.get(root);
    if (admission === undefined) {
      admission = createAdmission(walkOptionsFor(root, settings));
      admissions.set(root, admission);
    }
    const { verdict } = (await admission).judgePath(rel);
    explanations.push(explain(path, root, rel, verdict));
  }
  if (parsed.values.json === true) {
    process.stdout.write(JSON.stringify(explanations, null, 2) + "\n");
  } else {
    for (const e of explanations) process.stdout.write(`${e.reason}\t${e.path}\n`);
  }
  return 0;
}

function explain(path: string, root: string, rel: string, verdict: Verdict): Explanation {
  const explanation: Explanation = {
    path,
    root,
    rel,
    decision: decisionOf(verdict),
    reason: verdictLine(verdict, root),
  };
  const rule = decidingRuleOf(verdict);
  if (rule !== undefined) explanation.rule = ruleJson(rule, root);
  return explanation;
}

function ruleJson(rule: Rule, root: string): RuleJson {
  switch (rule.kind) {
    case "git":
      return { kind: "git-dir" };
    case "default":
      return { kind: "default-exclude", name: rule.label };
    case "pattern":
      if (rule.list.source === SETTINGS_SOURCE) {
        return { kind: "excludes-setting", pattern: patternText(rule) };
      }
      return {
        kind: "gitignore",
        source: displaySource(rule.list.source, root),
        line: rule.pattern.line,
        pattern: patternText(rule),
      };
  }
}
