import { canonicalNumber, canonicalSql } from '../core/sql/canonicalSql.js';
import { parseSqlSubset } from '../core/sql/parseSqlSubset.js';
import type { SqlAggregateFn, SqlDialect, SqlPredicate, SqlSelectItem } from '../core/sql/types.js';
import { HeError, SUPPORTED_SQL } from './errors.js';

/** The aggregates of HE queries; VAR, VAR_SAMP and VARIANCE are `var_samp` (DuckDB's sample variance). */
export type AggregateFn = SqlAggregateFn;

/** One item of the select list: an aggregate, or a GROUP BY column. */
export type SelectItem = SqlSelectItem;

/** A parsed query of the SQL subset of HE queries. */
export type HeQuery = {
  table: string;
  select: readonly SelectItem[];
  /** Column → allowed values (sorted, unique); one entry per constrained column, columns sorted. */
  where: Readonly<Record<string, readonly string[]>>;
  /** As written (the order of the first mention); at most 2, without repeats. */
  groupBy: readonly string[];
  /** A canonical SQL text: same meaning → same text (keywords upper case, identifiers as parsed, values sorted, predicates sorted by column). Used for hashing the job spec. */
  canonical: string;
};

/** The HE dialect of the shared SQL subset: `=` and IN only, GROUP BY on up to 2 columns. */
export const HE_SQL_DIALECT: SqlDialect = {
  name: 'HE',
  operators: ['=', 'in'],
  between: false,
  maxGroupBy: 2,
  oneValueColumn: false,
  supported: SUPPORTED_SQL,
  error: (problem, offset) =>
    new HeError('HE_SQL_UNSUPPORTED', { problem: `${problem} (at offset ${offset})` }),
};

/**
 * Parses a query of the SQL subset that homomorphic encryption answers: aggregates (COUNT, SUM,
 * AVG, VAR / VAR_SAMP / VARIANCE, VAR_POP) over one table, WHERE a conjunction of `col = literal`
 * and `col IN (...)`, GROUP BY at most 2 columns. Unquoted identifiers are folded to lower case;
 * literals become strings (numbers in canonical decimal form). Anything else raises
 * `HE_SQL_UNSUPPORTED` naming the construct and its offset, never a literal of the query.
 * A column constrained twice keeps the intersection of its value sets, which may be empty; the
 * canonical text writes an empty set as `col = '0' AND col = '1'` (valid SQL selecting nothing).
 * The grammar is core's shared SQL subset (`parseSqlSubset` with {@link HE_SQL_DIALECT}).
 *
 * @example
 * const q = parseHeQuery("select gender, count(*), avg(Value) from obs where code in ('4548-4') group by gender");
 * // q.select: [{ kind: 'group', column: 'gender', alias: 'gender' },
 * //            { kind: 'aggregate', fn: 'count', column: null, alias: 'count' },
 * //            { kind: 'aggregate', fn: 'avg', column: 'value', alias: 'avg_value' }]
 * // q.where: { code: ['4548-4'] }
 * // q.canonical: "SELECT gender, COUNT(*), AVG(value) FROM obs WHERE code = '4548-4' GROUP BY gender"
 */
export function parseHeQuery(sql: string): HeQuery {
  const { table, select, where: conjunction, groupBy } = parseSqlSubset({ sql, dialect: HE_SQL_DIALECT });
  const where = new Map<string, string[]>();
  for (const p of conjunction) {
    const values = p.values.map((v) => (v.kind === 'number' ? canonicalNumber(v.text) : v.text));
    const prev = where.get(p.column);
    where.set(p.column, [...new Set(prev ? values.filter((v) => prev.includes(v)) : values)]);
  }
  const columns = [...where.keys()].sort();
  const whereSorted = Object.fromEntries(columns.map((c) => [c, [...where.get(c)!].sort()] as const));
  return {
    table,
    select,
    where: whereSorted,
    groupBy,
    canonical: canonicalSql({ table, select, where: predicates(whereSorted), groupBy }),
  };
}

/** The value sets as predicates on strings; an empty set as `col = '0' AND col = '1'`. */
function predicates(where: Readonly<Record<string, readonly string[]>>): SqlPredicate[] {
  const str = (text: string) => ({ kind: 'string', text }) as const;
  return Object.entries(where).flatMap(([column, values]): SqlPredicate[] =>
    values.length === 0
      ? [
          { column, op: '=', values: [str('0')] },
          { column, op: '=', values: [str('1')] },
        ]
      : [{ column, op: values.length === 1 ? '=' : 'in', values: values.map(str) }],
  );
}
