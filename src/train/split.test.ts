import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitByPatient } from './split.js';

describe('splitByPatient', () => {
  it('never puts a patient on both sides, and splits patients in the given proportion', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 2, maxLength: 300 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.string(),
        (ids, fraction, seed) => {
          const patients = ids.map((i) => `0:p${i}`);
          const s = splitByPatient(patients, fraction, seed);
          const trainP = new Set([...s.train].map((i) => patients[i]));
          const valP = new Set([...s.validation].map((i) => patients[i]));
          for (const p of valP) expect(trainP.has(p)).toBe(false);
          expect(s.train.length + s.validation.length).toBe(patients.length);
          const unique = new Set(patients).size;
          expect(s.trainPatients + s.validationPatients).toBe(unique);
          expect(valP.size).toBe(s.validationPatients);
          if (unique >= 2) {
            expect(s.validationPatients).toBeGreaterThanOrEqual(1);
            expect(s.trainPatients).toBeGreaterThanOrEqual(1);
            expect(Math.abs(s.validationPatients - fraction * unique)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('depends on the seed and the patients, not on the order of the examples', () => {
    const patients = Array.from({ length: 100 }, (_, i) => `${i % 3}:p${i % 37}`);
    const a = splitByPatient(patients, 0.2, 's');
    const shuffled = [...patients].reverse();
    const b = splitByPatient(shuffled, 0.2, 's');
    const valOf = (ps: string[], idx: Uint32Array) => new Set([...idx].map((i) => ps[i]));
    expect(valOf(shuffled, b.validation)).toEqual(valOf(patients, a.validation));
    expect(valOf(patients, splitByPatient(patients, 0.2, 't').validation)).not.toEqual(
      valOf(patients, a.validation),
    );
  });
});
