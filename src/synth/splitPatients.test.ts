import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPatients } from './splitPatients.js';

describe('splitPatients', () => {
  it('is deterministic, contiguous, complete, uneven', () => {
    const a = splitPatients({ seed: 42, owners: 5, patients: 1000 });
    expect(splitPatients({ seed: 42, owners: 5, patients: 1000 })).toEqual(a);
    expect(a.reduce((s, r) => s + r.count, 0)).toBe(1000);
    let next = 0;
    for (const r of a) {
      expect(r.start).toBe(next);
      next += r.count;
    }
    expect(new Set(a.map((r) => r.count)).size).toBeGreaterThan(1);
  });

  it('gives every owner a patient when there are enough (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        (seed, owners, patients) => {
          const r = splitPatients({ seed, owners, patients });
          expect(r).toHaveLength(owners);
          expect(r.reduce((s, x) => s + x.count, 0)).toBe(patients);
          if (patients >= owners) expect(r.every((x) => x.count >= 1)).toBe(true);
          expect(r.every((x) => x.count >= 0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
