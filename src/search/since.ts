import { DocindexError } from "../errors.js";

const UNIT_MS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 } as const;

/**
 * "modified since" as people and models write it: an ISO date or date-time (2026-01-31,
 * 2026-01-31T12:00:00Z) or an age (30m, 12h, 7d, 2w). `what` names the argument in the error.
 */
export function parseSince(raw: string, what: string, now = Date.now()): number {
  const relative = /^(\d+)\s*([smhdw])$/i.exec(raw.trim());
  if (relative) {
    return now - Number(relative[1]) * UNIT_MS[relative[2]!.toLowerCase() as keyof typeof UNIT_MS];
  }
  const parsed = Date.parse(raw);
  if (Number.isNaN(parsed)) {
    throw new DocindexError(
      "USAGE",
      `${what} must be a date (2026-01-31) or an age (7d, 12h), got '${raw}'`,
    );
  }
  return parsed;
}
