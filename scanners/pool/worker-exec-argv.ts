/**
 * Flags a Worker refuses (ERR_WORKER_INVALID_EXEC_ARGV): --input-type (node -e) and the
 * per-process heap and stack sizes, which resourceLimits sets for each worker instead. Passed
 * on, `node --max-old-space-size=4096 docindex …` failed every file (and every search reader
 * and local embedder) with that error. Every Worker docindex starts takes its flags from here.
 */
const PROCESS_ONLY_FLAG =
  /^--(input[-_]type|max[-_]old[-_]space[-_]size|max[-_]semi[-_]space[-_]size|max[-_]young[-_]generation[-_]size|max[-_]heap[-_]size|stack[-_]size)(=|$)/;

/** The parent's node flags a worker inherits, without those it refuses (with their values). */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const match = PROCESS_ONLY_FLAG.exec(execArgv[i]!);
    if (match === null) kept.push(execArgv[i]!);
    else if (match[2] === "") i++; // "--max-old-space-size 4096": the value is the next one.
  }
  return kept;
}
