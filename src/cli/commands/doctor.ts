import { parseCommandArgs } from "../args.js";
import { assertOneFolderAtMost } from "../folders.js";
import { SETTINGS_HELP, SETTINGS_OPTIONS, settingsFromFlags } from "../settings-flags.js";
import {
  checkCache,
  checkElasticsearch,
  checkEmbedder,
  checkIgnoreSources,
  checkIndexDir,
  checkIndexFile,
  checkNode,
  checkRecoveries,
  checkSqlite,
  type Finding,
} from "../doctor-checks.js";

export const DOCTOR_HELP = `Usage: docindex doctor [DIR] [options]

Checks what docindex needs and says what is wrong and what to do: the index file (PRAGMA
quick_check) and its vector graph files, the embedding cache, the configured store and
embedder (a provider is sent one query), the sources of the ignore rules, and the Node and
SQLite versions. Changes nothing. Exits 1 when a check fails, 0 otherwise (warnings included).

Options:
  --json                    print the findings as JSON
  -h, --help                show this help

${SETTINGS_HELP}`;

const MARK: Record<Finding["status"], string> = { ok: "ok  ", warn: "warn", fail: "FAIL" };

export async function runDoctor(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs("doctor", argv, {
    ...SETTINGS_OPTIONS,
    json: { type: "boolean" },
  });
  if (parsed.values.help) {
    process.stdout.write(DOCTOR_HELP + "\n");
    return 0;
  }
  assertOneFolderAtMost("doctor", parsed.positionals);
  const { settings } = settingsFromFlags("doctor", parsed, parsed.positionals);
  const findings: Finding[] = [checkNode(), ...checkSqlite(), checkIndexDir(settings)];
  if (settings.store === "elasticsearch") findings.push(await checkElasticsearch(settings));
  else findings.push(...checkIndexFile(settings));
  findings.push(checkCache(settings), ...checkRecoveries(settings));
  findings.push(await checkEmbedder(settings), ...checkIgnoreSources(settings));
  const failed = findings.filter((f) => f.status === "fail").length;
  if (parsed.values.json === true) {
    process.stdout.write(JSON.stringify({ ok: failed === 0, findings }, null, 2) + "\n");
  } else {
    const lines = findings.map(
      (f) => `${MARK[f.status]}  ${f.check}: ${f.detail}${f.fix ? `\n      → ${f.fix}` : ""}`,
    );
    const warned = findings.filter((f) => f.status === "warn").length;
    lines.push(
      failed > 0
        ? `${failed} problem${failed === 1 ? "" : "s"} found${warned ? `, ${warned} warning${warned === 1 ? "" : "s"}` : ""}.`
        : `No problems found${warned ? ` (${warned} warning${warned === 1 ? "" : "s"})` : ""}.`,
    );
    process.stdout.write(lines.join("\n") + "\n");
  }
  return failed > 0 ? 1 : 0;
}
