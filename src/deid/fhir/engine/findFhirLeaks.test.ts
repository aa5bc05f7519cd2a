import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFhirLeaks } from './findFhirLeaks.js';

describe('findFhirLeaks', () => {
  it('finds a value as JSON spells it: quotes, backslashes, control characters, lone surrogates', () => {
    for (const text of ['say "Smith"', 'C:\\records\\smith', 'Smith\tJohn', 'Smith\u0001x', 'Smith\ud800x']) {
      const json = JSON.stringify({ note: `seen ${text} today` });
      expect(findFhirLeaks({ json, identifying: [{ text, kind: 'text' }] })).toEqual({
        leaks: 1,
        kinds: ['text'],
      });
    }
  });

  it('finds any value of 4+ characters left in the serialized output, and none removed from it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 12, unit: 'binary' }), (raw) => {
        const text = `q${raw}q`; // word characters at both ends, so the boundary rule is the same
        const kept = JSON.stringify({ resourceType: 'Basic', note: ` ${text} ` });
        const removed = JSON.stringify({ resourceType: 'Basic' });
        expect(findFhirLeaks({ json: kept, identifying: [{ text, kind: 'text' }] }).leaks).toBe(1);
        expect(findFhirLeaks({ json: removed, identifying: [{ text, kind: 'text' }] }).leaks).toBe(0);
      }),
    );
  });
});
