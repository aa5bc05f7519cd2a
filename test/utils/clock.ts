import type { Clock } from '../../src/core/clock.js';

/** A clock for tests: `now()` starts at `start` and moves only by the waits asked of it. */
export type FakeClock = Clock & {
  /** Every wait asked for, in ms, in order. */
  readonly waits: number[];
};

/**
 * A fake clock that never waits: each `sleep(ms)` is recorded, moves `now()` on by `ms`, calls
 * `onSleep` (which may abort the signal, to stop the caller mid-wait) and resolves at once, or
 * rejects with the signal's reason when it is aborted.
 *
 * @example
 * const clock = fakeClock();
 * await ingestFhir({ progress, log, clock }, o);
 * expect(clock.waits).toEqual([1000, 1000]);
 */
export function fakeClock(
  start: string | Date = '2025-01-01T00:00:00Z',
  onSleep?: (ms: number, count: number) => void,
): FakeClock {
  let t = new Date(start).getTime();
  const waits: number[] = [];
  return {
    waits,
    now: () => new Date(t),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      t += ms;
      onSleep?.(ms, waits.length);
      if (signal?.aborted) throw signal.reason;
    },
  };
}
