/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal: in pipes and CI the
 * output stays clean, and stdout is left to results.
 */
import type { ReindexProgress } from "../pipeline/reindex.js";

const WIDTH = 24;
const REDRAW_MS = 80;

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  let drawn = false;
  const enabled = stream.isTTY === true;
  return {
    update(progress: ReindexProgress) {
      if (!enabled) return;
      const now = Date.now();
      if (progress.phase !== "done" && now - last < REDRAW_MS) return;
      last = now;
      let line: string;
      if (progress.phase === "scanning") {
        line = `scanning ${progress.root}: ${progress.scanned} files`;
      } else {
        const ratio = progress.total === 0 ? 1 : progress.done / progress.total;
        const filled = Math.round(ratio * WIDTH);
        const bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        line = `[${bar}] ${progress.done}/${progress.total} ${progress.current ?? ""}`;
      }
      // A terminal that reports no size (a pty nobody sized) says 0 columns: take 100 then too.
      const columns = stream.columns || 100;
      stream.write("\r\x1b[2K" + line.slice(0, columns - 1));
      drawn = true;
    },
    clear() {
      if (enabled && drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
