/** Where time comes from. Inject a fixed clock wherever output bytes must not depend on "now". */
export type Clock = { now(): Date };

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that always answers the same instant.
 *
 * @example
 * const clock = fixedClock('2025-01-01T00:00:00Z');
 */
export function fixedClock(at: string | Date): Clock {
  const t = new Date(at).getTime();
  return { now: () => new Date(t) };
}
