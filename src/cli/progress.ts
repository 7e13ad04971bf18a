/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal: in pipes and CI the
 * output stays clean, and stdout is left to results.
 */
import type { ReindexProgress } from "../pipeline/reindex.js";

const WIDTH = 24;
const REDRAW_MS = 80;

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  let lastShape = "";
  let drawn = false;
  const enabled = stream.isTTY === true;
  return {
    update(progress: ReindexProgress) {
      if (!enabled) return;
      const now = Date.now();
      // The throttle skips redraws of the same kind only: the first drawing of each phase, and
      // the first that names a file, always show, so a run faster than one redraw still says
      // what it is doing.
      const shape = `${progress.phase}:${progress.current ? "named" : ""}`;
      if (progress.phase !== "done" && shape === lastShape && now - last < REDRAW_MS) return;
      last = now;
      lastShape = shape;
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
