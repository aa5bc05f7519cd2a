import { createHash } from 'node:crypto';
import { ctr } from '@noble/ciphers/aes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCsprng } from './csprng.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('createCsprng', () => {
  // computed once (and checked against Python's `cryptography` AES-CTR over the same key
  // encoding), then pinned: a change here changes every noise draw ever made
  it('is pinned: known seeds and labels give known bytes and floats on every platform', () => {
    expect(hex(createCsprng('pin', 'query', 7).bytes(32))).toBe(
      '670fbb19f710f0ff1ba885070a2fde7123ad8719f5dd5b04d621e0113730c72e',
    );
    const r = createCsprng('pin', 'query', 7);
    expect([r.float(), r.float(), r.float()]).toEqual([
      0.4025837850950825, 0.10804015427673541, 0.13936657429046084,
    ]);
    expect(hex(createCsprng(new Uint8Array([1, 2, 3])).bytes(16))).toBe('ca4bf231022db5f74c8c9267dc3d7dd0');
  });

  it('is AES-256-CTR of zeros under SHA-256 of the tagged, length-prefixed parts', () => {
    const h = createHash('sha256');
    const part = (tag: number, s: string) => {
      const b = Buffer.from(s, 'utf8');
      const head = Buffer.alloc(5);
      head.writeUInt8(tag, 0);
      head.writeUInt32BE(b.length, 1);
      h.update(head).update(b);
    };
    part(0, 'sinso-csprng-v1');
    part(1, 'seed');
    part(1, 'a');
    part(3, '12');
    const expected = ctr(h.digest(), new Uint8Array(16)).encrypt(new Uint8Array(10_000));
    // read in uneven pieces, across the internal chunk boundary
    const r = createCsprng('seed', 'a', 12);
    const pieces = [1, 7, 4000, 95, 3, 5894].map((n) => r.bytes(n));
    expect(hex(Buffer.concat(pieces))).toBe(hex(expected));
  });

  it('tells the kinds and boundaries of its parts apart', () => {
    const first = (seed: string | Uint8Array, ...labels: (string | number)[]) =>
      hex(createCsprng(seed, ...labels).bytes(16));
    const all = [
      first('ab'),
      first('a', 'b'),
      first('a', '1'),
      first('a', 1),
      first(new Uint8Array(Buffer.from('a')), '1'),
      first('a', '1', ''),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives different streams for different labels', () => {
    const label = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(label, { maxLength: 4 }),
        fc.array(label, { maxLength: 4 }),
        (seed, a, b) => {
          // equal as encoded (String(-0) is '0'): then the streams are equal
          const same =
            a.length === b.length &&
            a.every((x, i) => typeof x === typeof b[i] && String(x) === String(b[i]));
          const sa = hex(createCsprng(seed, ...a).bytes(16));
          const sb = hex(createCsprng(seed, ...b).bytes(16));
          expect(sa === sb).toBe(same);
        },
      ),
    );
  });

  it('draws floats in [0, 1) on a 2^-53 grid, with the moments of a uniform', () => {
    const r = createCsprng('moments');
    const n = 20_000;
    let sum = 0;
    let sq = 0;
    let offGrid = 0;
    for (let i = 0; i < n; i++) {
      const u = r.float();
      if (!(u >= 0 && u < 1 && Number.isInteger(u * 2 ** 53))) offGrid++;
      sum += u;
      sq += u * u;
    }
    expect(offGrid).toBe(0);
    const mean = sum / n;
    // standard errors: 0.002 for the mean, 0.0006 for the variance
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.004);
  });

  it('refuses a byte count that is not a whole number', () => {
    expect(() => createCsprng('x').bytes(-1)).toThrow(RangeError);
    expect(() => createCsprng('x').bytes(1.5)).toThrow(RangeError);
    expect(createCsprng('x').bytes(0)).toHaveLength(0);
  });
});
