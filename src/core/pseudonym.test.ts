import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateShiftDays, mapUid, pseudonymize, pseudonymizePatientId } from './pseudonym.js';

const secret = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(8);

describe('keyed pseudonyms', () => {
  it('maps UIDs to 2.25 UIDs: deterministic, keyed, valid', () => {
    const a = mapUid(secret, '1.2.3.4');
    expect(a).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(mapUid(secret, '1.2.3.4')).toBe(a);
    expect(mapUid(secret, '1.2.3.4\0')).toBe(a); // padding does not matter
    expect(mapUid(other, '1.2.3.4')).not.toBe(a);
    expect(mapUid(secret, '1.2.3.5')).not.toBe(a);
    expect(BigInt(a.slice(5))).toBeLessThan(2n ** 128n);
  });

  it('gives one patient the same pseudonym for the same issuer and value', () => {
    const p = pseudonymizePatientId(secret, 'urn:mrn', 'MRN-1');
    expect(p).toMatch(/^[a-z2-7]{26}$/);
    expect(pseudonymizePatientId(secret, 'urn:mrn', ' MRN-1 ')).toBe(p);
    expect(pseudonymizePatientId(secret, 'urn:other', 'MRN-1')).not.toBe(p);
    expect(pseudonymize(secret, 'accession', 'MRN-1')).not.toBe(p);
  });

  it('shifts dates by a keyed, non-zero offset within the bound', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1000 }), (key, max) => {
        const d = dateShiftDays(secret, key, max);
        expect(d).not.toBe(0);
        expect(Math.abs(d)).toBeLessThanOrEqual(max);
        expect(dateShiftDays(secret, key, max)).toBe(d);
      }),
    );
    const seen = new Set(Array.from({ length: 200 }, (_, i) => dateShiftDays(secret, `p${i}`)));
    expect(seen.size).toBeGreaterThan(150);
  });
});
