import { describe, expect, it } from 'vitest';
import { pseudonymize, pseudonymizePatientId } from '../../../core/pseudonym.js';
import { createKeyedContext, type IdentifyingValue, rewriteReference } from './context.js';

const secret = new Uint8Array(32).fill(7);

describe('createKeyedContext', () => {
  it('gives the keyed pseudonym whatever the cache holds: across generations, for namespaces that share a key', () => {
    const ctx = createKeyedContext(secret);
    const patient = () => ctx.newId('Patient', 'p1');
    const want = pseudonymize(secret, 'resource-id', 'Patient/p1');
    // more distinct values than two cache generations hold, the patient used now and then
    for (let i = 0; i < 120_000; i++) {
      const got = ctx.newId('Observation', `o${i}`);
      if (i % 9973 === 0) {
        expect(got).toBe(pseudonymize(secret, 'resource-id', `Observation/o${i}`));
        expect(patient()).toBe(want);
      }
    }
    expect(ctx.newId('Observation', 'o0')).toBe(pseudonymize(secret, 'resource-id', 'Observation/o0'));
    // the same key in two namespaces: two values
    expect(ctx.newId('Encounter', 'p1')).toBe(pseudonymize(secret, 'resource-id', 'Encounter/p1'));
    expect(ctx.identifierValue('urn:a', 'x1')).toBe(pseudonymizePatientId(secret, 'urn:a', 'x1'));
    expect(ctx.identifierValue('urn:b', 'x1')).toBe(pseudonymizePatientId(secret, 'urn:b', 'x1'));
    expect(ctx.hash('a', 'v')).not.toBe(ctx.hash('b', 'v'));
  });

  it('rewrites a reference the same the first time and from the cache, pushing what it replaced', () => {
    const ctx = createKeyedContext(secret);
    const id = pseudonymize(secret, 'resource-id', 'Patient/123');
    for (const ref of ['Patient/123', 'http://x.org/fhir/Patient/123', 'Patient/123/_history/2']) {
      for (let k = 0; k < 2; k++) {
        const found: IdentifyingValue[] = [];
        expect(rewriteReference(ctx, ref, undefined, found)).toBe(`Patient/${id}`);
        expect(found).toEqual([{ text: '123', kind: 'reference' }]);
      }
    }
    const found: IdentifyingValue[] = [];
    expect(rewriteReference(ctx, 'Patient?identifier=urn:mrn|42', undefined, found)).toBe(
      `Patient?identifier=urn:mrn|${pseudonymizePatientId(secret, 'urn:mrn', '42')}`,
    );
    expect(rewriteReference(ctx, 'Patient?name=smith', undefined, found)).toBeUndefined();
    expect(rewriteReference(ctx, 'Patient?name=smith', undefined, found)).toBeUndefined();
    expect(found.map((f) => f.text)).toEqual(['42', 'Patient?name=smith', 'Patient?name=smith']);
    // a urn resolves through the Bundle's refs, which the cache does not hold
    const refs = new Map([['urn:uuid:0b4d2a4c-3b1e-4f4e-9d8e-1c2b3a4d5e6f', 'Patient/abc']]);
    expect(rewriteReference(ctx, 'urn:uuid:0b4d2a4c-3b1e-4f4e-9d8e-1c2b3a4d5e6f', refs, [])).toBe(
      'Patient/abc',
    );
    expect(rewriteReference(ctx, 'urn:uuid:0b4d2a4c-3b1e-4f4e-9d8e-1c2b3a4d5e6f', undefined, [])).toMatch(
      /^urn:uuid:[0-9a-f]{8}-/,
    );
  });
});
