import { normalizeConjunction } from '../core/sql/canonicalSql.js';
import type { SqlSubsetErrorType } from '../core/sql/errors.js';
import { parseSqlSubset } from '../core/sql/parseSqlSubset.js';
import type { SqlDialect, SqlPredicate, SqlSelectItem } from '../core/sql/types.js';

/** A parsed query of the SQL subset of ZK-proved queries. */
export type ZkQuery = {
  table: string;
  /** Aggregates (all over `valueColumn`, or COUNT(*)) and the GROUP BY column, as written. */
  select: readonly SqlSelectItem[];
  /**
   * The conjunction in canonical order without repeats (as `canonical` writes it): BETWEEN is
   * `>=` and `<=`, `<>` is `!=`, `5 < a` is `a > 5`; each literal keeps its text (`7.50`, `-3`).
   */
  where: readonly SqlPredicate[];
  /** The GROUP BY column, or null. */
  groupBy: string | null;
  /** The one column the aggregates are over; null when the only aggregate is COUNT(*). */
  valueColumn: string | null;
  /** The canonical SQL text (same meaning → same text; numbers in canonical decimal form), for hashing. */
  canonical: string;
};

/** The SQL subset of ZK queries, in one sentence (the fix of every error). */
export const ZK_SQL_SUPPORTED =
  "The subset: SELECT [g,] COUNT(*) | COUNT(x) | SUM(x) | AVG(x) | VAR(x) | VAR_POP(x), ... over one value column x FROM t [WHERE a >= 30 AND b < 5 AND c BETWEEN 20 AND 40 AND d = 'v' AND e != 'w' ...] [GROUP BY g].";

/**
 * The ZK dialect of the shared SQL subset: comparisons `=`, `!=` (`<>`), `<`, `<=`, `>`, `>=` and
 * BETWEEN, no IN, GROUP BY on at most one column, every aggregate over one value column.
 */
export const ZK_SQL_DIALECT: SqlDialect = {
  name: 'ZK',
  operators: ['=', '!=', '<', '<=', '>', '>='],
  between: true,
  maxGroupBy: 1,
  oneValueColumn: true,
  supported: ZK_SQL_SUPPORTED,
};

export type ParseZkQueryReturnType = ZkQuery;
/** `SQL_UNSUPPORTED`, with `fields.dialect` `'ZK'`, the problem, its offset and the subset. */
export type ParseZkQueryErrorType = SqlSubsetErrorType;

/**
 * Parses a query of the SQL subset that ZK-proved queries answer: `SELECT` COUNT(*), COUNT(x),
 * SUM(x), AVG(x), VAR(x) / VAR_SAMP / VARIANCE, VAR_POP(x) over one value column x (and the
 * GROUP BY column), `FROM` one table, `WHERE` a conjunction of `column op literal` (op one of
 * `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`; a literal is a string, a date as a string, or a number,
 * negative or decimal) and `column BETWEEN a AND b`, `GROUP BY` at most one column. Anything else
 * throws a `SqlSubsetError` (`SQL_UNSUPPORTED`) naming the construct and its offset, never a
 * literal of the query. The grammar is core's shared SQL subset (`parseSqlSubset`).
 *
 * @example
 * const q = parseZkQuery('SELECT site, COUNT(*), AVG(dose) FROM obs WHERE age BETWEEN 20 AND 40 AND dose > 7.50 GROUP BY site');
 * // q.where: [{ column: 'age', op: '<=', values: [{ kind: 'number', text: '40' }] },
 * //           { column: 'age', op: '>=', values: [{ kind: 'number', text: '20' }] },
 * //           { column: 'dose', op: '>', values: [{ kind: 'number', text: '7.50' }] }]
 * // q.groupBy: 'site'; q.valueColumn: 'dose'
 * // q.canonical: 'SELECT site, COUNT(*), AVG(dose) FROM obs WHERE age <= 40 AND age >= 20 AND dose > 7.5 GROUP BY site'
 */
export function parseZkQuery(sql: string): ParseZkQueryReturnType {
  const q = parseSqlSubset({ sql, dialect: ZK_SQL_DIALECT });
  const valueColumn = q.select.find((i) => i.kind === 'aggregate' && i.column !== null)?.column ?? null;
  return {
    table: q.table,
    select: q.select,
    where: normalizeConjunction(q.where),
    groupBy: q.groupBy[0] ?? null,
    valueColumn,
    canonical: q.canonical,
  };
}
