/**
 * Where time comes from, and how a wait is made. Inject a fixed clock wherever output bytes must
 * not depend on "now", and a fake one wherever a test must not wait.
 */
export type Clock = {
  now(): Date;
  /** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
};

/** Waits `ms` of wall time, or rejects as soon as the signal aborts. */
function wallSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date(), sleep: wallSleep };

/**
 * A clock that always answers the same instant (its waits are real: it fixes "now", not time).
 *
 * @example
 * const clock = fixedClock('2025-01-01T00:00:00Z');
 */
export function fixedClock(at: string | Date): Clock {
  const t = new Date(at).getTime();
  return { now: () => new Date(t), sleep: wallSleep };
}
