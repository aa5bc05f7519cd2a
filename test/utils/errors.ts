import { expect } from 'vitest';

/**
 * The error of class `cls` that `f` throws; fails the test when it throws nothing, and rethrows
 * any other error (so an unexpected failure shows as itself).
 *
 * @example
 * const err = thrownBy(HeError, () => parseHeQuery('SELECT 1 OR 2 FROM t'));
 * expect(err.code).toBe('HE_SQL_UNSUPPORTED');
 */
export function thrownBy<E extends Error>(cls: abstract new (...args: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (err) {
    if (err instanceof cls) return err;
    throw err;
  }
  return expect.unreachable(`it should have thrown a ${cls.name}`);
}

/** {@link thrownBy} for a promise. */
export async function rejectedWith<E extends Error>(
  cls: abstract new (...args: never[]) => E,
  p: Promise<unknown>,
): Promise<E> {
  try {
    await p;
  } catch (err) {
    if (err instanceof cls) return err;
    throw err;
  }
  return expect.unreachable(`it should have rejected with a ${cls.name}`);
}
