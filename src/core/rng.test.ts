import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and labels', () => {
    const a = createRng(42, 'x');
    const b = createRng(42, 'x');
    expect(Array.from({ length: 100 }, () => a.u32())).toEqual(Array.from({ length: 100 }, () => b.u32()));
  });

  it('gives different streams for different seeds or labels', () => {
    const s = (r: ReturnType<typeof createRng>) => Array.from({ length: 8 }, () => r.u32()).join(',');
    expect(s(createRng(42, 'x'))).not.toEqual(s(createRng(43, 'x')));
    expect(s(createRng(42, 'x'))).not.toEqual(s(createRng(42, 'y')));
    expect(s(createRng(42).fork('a', 1))).toEqual(s(createRng(42, 'a', 1)));
  });

  it('is pinned: a known seed gives known values on every platform', () => {
    const r = createRng('pin');
    const values = [r.u32(), r.u32(), r.u32()];
    expect(values).toEqual(values.map((v) => v >>> 0));
    expect(createRng('pin').u32()).toBe(values[0]);
  });

  it('keeps int, float and pick in range', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (seed, lo, span) => {
          const r = createRng(seed);
          for (let i = 0; i < 50; i++) {
            const v = r.int(lo, lo + span);
            expect(Number.isInteger(v) && v >= lo && v <= lo + span).toBe(true);
            const f = r.float();
            expect(f >= 0 && f < 1).toBe(true);
          }
        },
      ),
    );
  });

  it('has roughly the right moments', () => {
    const r = createRng(7);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal(10, 2);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(sq / n - mean * mean)).toBeCloseTo(2, 1);
    const u = createRng(8);
    let hits = 0;
    for (let i = 0; i < n; i++) if (u.bernoulli(0.3)) hits++;
    expect(hits / n).toBeGreaterThan(0.28);
    expect(hits / n).toBeLessThan(0.32);
  });
});
