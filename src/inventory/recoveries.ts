/**
 * The damaged files docindex set aside and replaced (src/pipeline/self-heal.ts), as `inventory`
 * reports them: the CLI as lines, the tool as `summary.recovered`. Kept out of the registry
 * files, whose content depends on the workspace alone.
 */
import { readRecoveries, type Recovery } from "../pipeline/self-heal.js";

export interface RecoveryReport {
  what: Recovery["what"];
  file: string;
  movedTo: string;
  reason: string;
  at: string;
}

export function recoveryReports(indexDir: string): RecoveryReport[] {
  return readRecoveries(indexDir).map((r) => ({
    what: r.what,
    file: r.file,
    movedTo: r.movedTo,
    reason: r.reason,
    at: new Date(r.at).toISOString(),
  }));
}

export function recoveryLines(reports: RecoveryReport[]): string[] {
  return reports.map(
    (r) =>
      `Recovered: the ${r.what} was damaged (${r.reason}) and was rebuilt at ${r.at}; ` +
      `the damaged file is kept as ${r.movedTo}.`,
  );
}
