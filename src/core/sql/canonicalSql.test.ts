import { describe, expect, it } from 'vitest';
import { canonicalNumber, canonicalSql, normalizeConjunction, quoteIdent } from './canonicalSql.js';
import type { SqlLiteral, SqlPredicate } from './types.js';

const num = (text: string): SqlLiteral => ({ kind: 'number', text });
const str = (text: string): SqlLiteral => ({ kind: 'string', text });

describe('canonicalNumber', () => {
  it('writes a number in canonical decimal form', () => {
    const cases: [string, string][] = [
      ['7.50', '7.5'],
      ['2.', '2'],
      ['-0', '0'],
      ['-0.000', '0'],
      ['+7', '7'],
      ['007', '7'],
      ['.5', '0.5'],
      ['-.25', '-0.25'],
      ['-0012.50', '-12.5'],
      ['123456789012345678901234567890.10', '123456789012345678901234567890.1'],
    ];
    for (const [text, canonical] of cases) expect(canonicalNumber(text), text).toBe(canonical);
  });
});

describe('quoteIdent', () => {
  it('quotes only names that would not read back the same', () => {
    expect(['a_1', 'A', 'select', 'between', 'count', 'my col', 'x"y', '1a'].map(quoteIdent)).toEqual([
      'a_1',
      '"A"',
      '"select"',
      '"between"',
      'count',
      '"my col"',
      '"x""y"',
      '"1a"',
    ]);
  });
});

describe('normalizeConjunction', () => {
  it('sorts by column, operator and value, drops repeats (numbers by value) and keeps the first text', () => {
    const where: SqlPredicate[] = [
      { column: 'y', op: '<=', values: [num('40')] },
      { column: 'y', op: '>=', values: [num('20')] },
      { column: 'b', op: '!=', values: [str('v')] },
      { column: 'y', op: '>=', values: [num('20.0')] },
      { column: 'a', op: '=', values: [str('x')] },
      { column: 'y', op: '<', values: [num('-7.50')] },
      { column: 'y', op: '<', values: [num('-7.5')] },
      { column: 'b', op: '=', values: [str('v')] },
    ];
    expect(normalizeConjunction(where)).toEqual([
      { column: 'a', op: '=', values: [str('x')] },
      { column: 'b', op: '=', values: [str('v')] },
      { column: 'b', op: '!=', values: [str('v')] },
      { column: 'y', op: '<', values: [num('-7.50')] },
      { column: 'y', op: '<=', values: [num('40')] },
      { column: 'y', op: '>=', values: [num('20')] },
    ]);
  });

  it('sorts an IN list (numbers before strings), drops repeats, and writes one value as =', () => {
    expect(
      normalizeConjunction([
        {
          column: 'a',
          op: 'in',
          values: [str('b'), num('10'), str('a&'), num('9.0'), str('a'), num('10.00')],
        },
        { column: 'c', op: 'in', values: [str('z'), str('z')] },
      ]),
    ).toEqual([
      { column: 'a', op: 'in', values: [num('10'), num('9.0'), str('a'), str('a&'), str('b')] },
      { column: 'c', op: '=', values: [str('z')] },
    ]);
  });
});

describe('canonicalSql', () => {
  it('writes keywords upper case, default aliases bare, numbers canonical and predicates sorted', () => {
    expect(
      canonicalSql({
        table: 'Obs',
        select: [
          { kind: 'group', column: 'g', alias: 'g' },
          { kind: 'aggregate', fn: 'count', column: null, alias: 'count' },
          { kind: 'aggregate', fn: 'var_samp', column: 'v', alias: 'var_v' },
          { kind: 'aggregate', fn: 'avg', column: 'v', alias: 'Mean' },
        ],
        where: [
          { column: 'v', op: '>=', values: [num('7.50')] },
          { column: 'day', op: '<', values: [str('2024-01-31')] },
          { column: 'code', op: 'in', values: [str('b'), str("it's")] },
        ],
        groupBy: ['g'],
      }),
    ).toBe(
      `SELECT g, COUNT(*), VAR_SAMP(v), AVG(v) AS "Mean" FROM "Obs" WHERE code IN ('b', 'it''s') ` +
        `AND day < '2024-01-31' AND v >= 7.5 GROUP BY g`,
    );
  });
});
