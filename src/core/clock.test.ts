import { describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from './clock.js';

describe('clocks', () => {
  it('a fixed clock always answers the same instant', () => {
    const clock = fixedClock('2025-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(clock.now()).not.toBe(clock.now()); // a fresh Date each time: callers may mutate it
    expect(fixedClock(new Date(0)).now().getTime()).toBe(0);
  });

  it('sleep rejects with the reason of a signal aborted before or during the wait', async () => {
    const before = new AbortController();
    before.abort(new Error('stopped before'));
    await expect(systemClock.sleep(60_000, before.signal)).rejects.toThrow('stopped before');
    const during = new AbortController();
    const wait = systemClock.sleep(60_000, during.signal);
    during.abort(new Error('stopped during'));
    await expect(wait).rejects.toThrow('stopped during');
  });

  it('sleep resolves after its wait, with or without a signal', async () => {
    await expect(systemClock.sleep(0)).resolves.toBeUndefined();
    await expect(fixedClock(new Date(0)).sleep(0, new AbortController().signal)).resolves.toBeUndefined();
  });
});
