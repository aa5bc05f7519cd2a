import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test/utils/errors.js';
import { SqlSubsetError } from './errors.js';
import { parseSqlSubset } from './parseSqlSubset.js';
import type { SqlDialect } from './types.js';

/** A dialect with every operator: the general grammar. */
const all: SqlDialect = {
  name: 'TEST',
  operators: ['=', '!=', '<', '<=', '>', '>=', 'in'],
  between: true,
  maxGroupBy: 3,
  oneValueColumn: false,
  supported: 'The subset: everything here.',
};
/** Only `=`: the narrowest dialect. */
const eqOnly: SqlDialect = { ...all, operators: ['='], between: false, maxGroupBy: 1 };

const errorOf = (sql: string, dialect: SqlDialect) =>
  thrownBy(SqlSubsetError, () => parseSqlSubset({ sql, dialect }));

describe('parseSqlSubset: the general grammar', () => {
  it('reads every predicate form as a conjunction, as written', () => {
    const q = parseSqlSubset({
      sql: "SELECT COUNT(*) FROM t WHERE a IN ('x', 1) AND b BETWEEN -1 AND 2.50 AND 5 < c AND d <> 'v' AND e = 0",
      dialect: all,
    });
    expect(q.where).toEqual([
      {
        column: 'a',
        op: 'in',
        values: [
          { kind: 'string', text: 'x' },
          { kind: 'number', text: '1' },
        ],
      },
      { column: 'b', op: '>=', values: [{ kind: 'number', text: '-1' }] },
      { column: 'b', op: '<=', values: [{ kind: 'number', text: '2.50' }] },
      { column: 'c', op: '>', values: [{ kind: 'number', text: '5' }] },
      { column: 'd', op: '!=', values: [{ kind: 'string', text: 'v' }] },
      { column: 'e', op: '=', values: [{ kind: 'number', text: '0' }] },
    ]);
    expect(q.canonical).toBe(
      "SELECT COUNT(*) FROM t WHERE a IN (1, 'x') AND b <= 2.5 AND b >= -1 AND c > 5 AND d != 'v' AND e = 0",
    );
    expect(parseSqlSubset({ sql: q.canonical, dialect: all }).canonical).toBe(q.canonical);
  });

  it('by default throws a SqlSubsetError naming the dialect, the problem, the offset and the subset', () => {
    const err = errorOf("SELECT COUNT(*) FROM t WHERE a = 'S3CR3T' OR b = 1", all);
    expect(err.is('SQL_UNSUPPORTED')).toBe(true);
    expect(err.fields).toEqual({
      dialect: 'TEST',
      problem: 'OR is not supported; combine predicates with AND and list alternatives with IN',
      offset: 42,
      supported: 'The subset: everything here.',
    });
    expect(err.message.split('\n').slice(0, -1).join('\n')).toMatchInlineSnapshot(`
      "The query is outside the SQL subset of TEST queries: OR is not supported; combine predicates with AND and list alternatives with IN (at offset 42).

      Fix: The subset: everything here."
    `);
  });

  it('throws the error the dialect makes, when it makes one', () => {
    class Mine extends Error {}
    const dialect: SqlDialect = { ...all, error: (problem, offset) => new Mine(`${offset}: ${problem}`) };
    expect(() => parseSqlSubset({ sql: 'SELECT COUNT(*) FROM t LIMIT 1', dialect })).toThrow(
      new Mine('23: LIMIT is not supported'),
    );
  });

  it('derives its messages from what the dialect allows', () => {
    const problem = (sql: string, d: SqlDialect) => errorOf(sql, d).fields.problem;
    expect(problem('SELECT COUNT(*) FROM t WHERE a < 1', eqOnly)).toBe(
      'comparison < is not supported; only =',
    );
    expect(problem('SELECT COUNT(*) FROM t WHERE a IN (1)', eqOnly)).toBe('IN is not supported; only =');
    expect(problem('SELECT COUNT(*) FROM t WHERE a == 1', all)).toBe(
      'comparison == is not supported; only =, !=, <, <=, >, >=, BETWEEN and IN',
    );
    expect(problem('SELECT COUNT(*) FROM t WHERE a', eqOnly)).toBe(
      'expected "=" after the column, found the end of the query',
    );
    expect(problem('SELECT COUNT(*) FROM t WHERE a', all)).toBe(
      'expected a comparison (=, !=, <, <=, >, >=), BETWEEN or IN after the column, found the end of the query',
    );
    expect(problem('SELECT COUNT(*) FROM t WHERE', all)).toBe(
      'expected a predicate (column OP literal, OP one of =, !=, <, <=, >, >=; column BETWEEN a AND b; or column IN (...)) after WHERE or AND, found the end of the query',
    );
    expect(problem('SELECT COUNT(*) FROM t GROUP BY a, b', eqOnly)).toBe(
      'GROUP BY on 2 columns is not supported; at most 1 is',
    );
    expect(problem('SELECT a < 1 FROM t', all)).toBe(
      'expected a comma or FROM after a select item, found "<"',
    );
  });
});
