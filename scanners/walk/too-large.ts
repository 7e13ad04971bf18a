/** The skipReason for files over the size limit, in MiB ("MB" as people say it). */
const MIB = 1024 * 1024;

export function formatTooLarge(size: number, limit: number): string {
  return `too large (${formatMegabytes(size)} MB > limit ${formatMegabytes(limit)} MB)`;
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / MIB;
  if (mb >= 100) return String(Math.round(mb));
  if (mb >= 1) return String(Number(mb.toFixed(1)));
  // Small limits appear in tests and odd configs: keep two significant digits, not "0".
  return String(Number(mb.toPrecision(2)));
}
