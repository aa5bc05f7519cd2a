import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_MODULUS } from './constants.js';
import {
  encodeCell,
  encodeValue,
  formatCell,
  parseDisplayValue,
  sortDictionary,
  stringField,
} from './encodeValue.js';
import { encodeRow } from './rowLeaf.js';

const P = FIELD_MODULUS;

describe('value encoding (version 1)', () => {
  const outOfRange = (problem: string) =>
    expect.objectContaining({
      code: 'COMMIT_VALUE_OUT_OF_RANGE',
      fields: expect.objectContaining({ problem }),
    });
  const int = { name: 'n', logical: 'int' } as const;
  const dec = { name: 'price', logical: 'decimal', scale: 2 } as const;
  const date = { name: 'd', logical: 'date' } as const;
  const ts = { name: 't', logical: 'timestamp' } as const;

  it('encodes ints, negative ints as p + x, and rejects values outside signed 64 bits', () => {
    expect(encodeValue(int, '42')).toBe(42n);
    expect(encodeValue(int, '-1')).toBe(P - 1n);
    expect(encodeValue(int, '-9223372036854775808')).toBe(P - 2n ** 63n);
    expect(() => encodeValue(int, '9223372036854775808')).toThrow(outOfRange('int64'));
    expect(() => encodeValue(int, '007')).toThrow(outOfRange('not-canonical'));
  });

  it('encodes decimals as value × 10^scale exactly', () => {
    expect(encodeValue(dec, '12.50')).toBe(1250n);
    expect(encodeValue(dec, '-0.01')).toBe(P - 1n);
    expect(encodeValue(dec, '0.30')).toBe(30n);
    expect(formatCell(dec, -305n)).toBe('-3.05');
    expect(() => encodeValue(dec, '1.5')).toThrow(outOfRange('not-canonical'));
    expect(encodeValue({ name: 'x', logical: 'decimal', scale: 0 }, '-7')).toBe(P - 7n);
  });

  it('encodes dates as days since 1970 and timestamps as microseconds, before 1970 too', () => {
    expect(encodeValue(date, '1970-01-01')).toBe(0n);
    expect(encodeValue(date, '1969-12-31')).toBe(P - 1n);
    expect(encodeValue(date, '2000-03-01')).toBe(11017n);
    expect(encodeValue(ts, '1970-01-01T00:00:00.000001Z')).toBe(1n);
    expect(encodeValue(ts, '1969-12-31T23:59:59.999999Z')).toBe(P - 1n);
    expect(formatCell(ts, -1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(() => encodeValue(date, '2021-02-30')).toThrow(outOfRange('not-canonical'));
  });

  it('round-trips display values for every numeric type (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 0, max: 6 }),
        (x, s) => {
          const d = { name: 'x', logical: 'decimal', scale: s } as const;
          expect(parseDisplayValue(d, formatCell(d, x))).toBe(x);
          expect(parseDisplayValue(int, formatCell(int, x))).toBe(x);
          expect(parseDisplayValue(ts, formatCell(ts, x * 1000n + 7n))).toBe(x * 1000n + 7n);
          const days = x % 3_000_000n;
          expect(parseDisplayValue(date, formatCell(date, days))).toBe(days);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hashes text to the first 31 bytes of SHA-256, and codes categoricals by the byte-sorted dictionary', () => {
    const digest = createHash('sha256').update('héllo', 'utf8').digest();
    expect(stringField('héllo')).toBe(BigInt(`0x${digest.subarray(0, 31).toString('hex')}`));
    expect(encodeValue({ name: 's', logical: 'string' }, 'héllo')).toBe(stringField('héllo'));
    const dict = sortDictionary(['mg', 'g', 'G', 'é', 'mg']);
    expect(dict).toEqual(['G', 'g', 'mg', 'é']);
    const cat = { name: 'unit', logical: 'categorical' } as const;
    expect(encodeValue(cat, 'G', dict)).toBe(1n);
    expect(encodeValue(cat, 'é', dict)).toBe(4n);
    expect(() => encodeValue(cat, 'kg', dict)).toThrow(outOfRange('dictionary'));
    expect(encodeValue({ name: 'b', logical: 'bool' }, true)).toBe(1n);
  });

  it('encodes null as 0 with its bit set in the null mask', () => {
    const columns = [int, dec, { name: 's', logical: 'string' } as const];
    expect(encodeRow(columns, [null, 5n, null])).toEqual({ nullMask: 0b101n, values: [0n, 5n, 0n] });
    expect(encodeRow(columns, [0n, 5n, ''])).toEqual({ nullMask: 0n, values: [0n, 5n, stringField('')] });
  });
});

it('encodeCell rejects a value of the wrong kind', () => {
  expect(() => encodeCell({ name: 'n', logical: 'int' }, 'x')).toThrow(
    expect.objectContaining({
      code: 'COMMIT_TABLES_INVALID',
      fields: { problem: 'value-kind', column: 'n', logical: 'int' },
    }),
  );
});
