/**
 * Milliseconds to wait from a `Retry-After` header: delay-seconds or an HTTP date. Returns
 * undefined when the header is absent or unreadable (the caller uses its own interval). Capped at
 * `maxMs` so a server cannot stall a run indefinitely with one answer.
 *
 * @example
 * parseRetryAfter('2', { now: Date.now() }); // 2000
 */
export function parseRetryAfter(
  value: string | null | undefined,
  options: { now: number; maxMs?: number },
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  const maxMs = options.maxMs ?? 3_600_000;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, maxMs);
  if (!/^[A-Za-z]{3}/.test(text)) return undefined; // every HTTP-date form starts with a day name
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - options.now), maxMs);
}
