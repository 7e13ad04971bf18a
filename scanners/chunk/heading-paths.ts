/** Heading-path helpers shared by the line and section chunkers. */
import type { Section } from "../types.js";

export function commonPrefix(a: string[], b: string[]): string[] {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}

/**
 * The deepest heading path shared by every section overlapping [start, end). Sections must be
 * sorted by start and non-overlapping, which lets a binary search find the first candidate.
 */
export function sharedHeadingPath(
  sections: readonly Section[],
  start: number,
  end: number,
): string[] {
  let lo = 0;
  let hi = sections.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sections[mid]?.end ?? 0) <= start) lo = mid + 1;
    else hi = mid;
  }
  let path: string[] | undefined;
  for (let i = lo; i < sections.length; i++) {
    const section = sections[i];
    if (section === undefined || section.start >= end) break;
    path = path === undefined ? [...section.headingPath] : commonPrefix(path, section.headingPath);
  }
  return path ?? [];
}
