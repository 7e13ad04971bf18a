/**
 * The wait a server asks for before the next try. A server that sends one knows better than
 * our backoff when it will take requests again (a rate limit's window, a restart), so the
 * retry loop waits that long instead of guessing.
 */

/** Fetch's `Headers`, or a plain record of header names (lower-case) to values. */
export type HeaderSource =
  { get(name: string): string | null } | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === "function") return headers.get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The wait a server asked for, in ms: `retry-after-ms` (OpenAI, Azure), else `Retry-After` as
 * seconds or as an HTTP date. Undefined when absent or unparseable.
 */
export function retryAfterMs(
  headers: HeaderSource | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (headers == null) return undefined;
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = header(headers, "retry-after");
  if (after === undefined || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
