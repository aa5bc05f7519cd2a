import type { SqlAggregateFn, SqlLiteral, SqlOp, SqlPredicate, SqlSelectItem } from './types.js';

/** Words that are never an identifier unless double-quoted (the subset's keywords and those it refuses). */
export const SQL_RESERVED: ReadonlySet<string> = new Set([
  ...['SELECT', 'FROM', 'WHERE', 'AND', 'GROUP', 'BY', 'AS', 'IN'],
  ...['OR', 'NOT', 'IS', 'NULL', 'TRUE', 'FALSE', 'ORDER', 'JOIN', 'WITH'],
  ...['BETWEEN', 'LIKE', 'ILIKE', 'GLOB', 'SIMILAR'],
  ...['LEFT', 'RIGHT', 'INNER', 'OUTER', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'LATERAL'],
  ...['HAVING', 'LIMIT', 'OFFSET', 'FETCH', 'DISTINCT', 'UNION', 'INTERSECT', 'EXCEPT', 'CASE', 'WHEN'],
  ...['THEN', 'ELSE', 'END', 'CAST', 'EXISTS', 'ANY', 'SOME', 'ALL', 'WINDOW', 'QUALIFY', 'COLLATE'],
  ...['ASC', 'DESC', 'INTO', 'PIVOT', 'UNPIVOT', 'RETURNING'],
]);

const FN_SQL: Readonly<Record<SqlAggregateFn, string>> = {
  count: 'COUNT',
  sum: 'SUM',
  avg: 'AVG',
  var_samp: 'VAR_SAMP',
  var_pop: 'VAR_POP',
};
const ALIAS_PREFIX: Readonly<Record<SqlAggregateFn, string>> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  var_samp: 'var',
  var_pop: 'var_pop',
};

/** The name a select item has without AS (its own alias aside): the column, `count` for COUNT(*), else `<fn>_<column>` (`var_x`). */
export function defaultAlias(item: SqlSelectItem): string {
  if (item.kind === 'group') return item.column;
  return item.column === null ? 'count' : `${ALIAS_PREFIX[item.fn]}_${item.column}`;
}

/** An identifier as canonical SQL writes it: bare when it reads back the same, else double-quoted. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !SQL_RESERVED.has(name.toUpperCase())
    ? name
    : `"${name.replaceAll('"', '""')}"`;
}

/** A string literal in SQL: single-quoted, a quote doubled. */
export const quoteString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** A number's text in canonical decimal form: `-0012.50` → `-12.5`; `-0` → `0`; `.5` → `0.5`; `2.` → `2`. */
export function canonicalNumber(text: string): string {
  const negative = text.startsWith('-');
  const [intPart = '', frac = ''] = (negative || text.startsWith('+') ? text.slice(1) : text).split('.');
  const int = intPart.replace(/^0+/, '') || '0';
  const f = frac.replace(/0+$/, '');
  const body = f ? `${int}.${f}` : int;
  return negative && body !== '0' ? `-${body}` : body;
}

const OP_ORDER: readonly SqlOp[] = ['=', '!=', '<', '<=', '>', '>=', 'in'];

/** A literal's sort and identity key: numbers (in canonical form) before strings. */
const literalKey = (l: SqlLiteral): [number, string] =>
  l.kind === 'number' ? [0, canonicalNumber(l.text)] : [1, l.text];
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareLiteral = (a: SqlLiteral, b: SqlLiteral) => {
  const [ka, ta] = literalKey(a);
  const [kb, tb] = literalKey(b);
  return ka - kb || compareText(ta, tb);
};
const sameLiteral = (a: SqlLiteral, b: SqlLiteral) => compareLiteral(a, b) === 0;

function comparePredicate(a: SqlPredicate, b: SqlPredicate): number {
  const byColumn = compareText(a.column, b.column) || OP_ORDER.indexOf(a.op) - OP_ORDER.indexOf(b.op);
  if (byColumn) return byColumn;
  for (let i = 0; i < Math.min(a.values.length, b.values.length); i++) {
    const c = compareLiteral(a.values[i]!, b.values[i]!);
    if (c) return c;
  }
  return a.values.length - b.values.length;
}

/**
 * A conjunction in canonical order, without repeats: predicates sorted by column, operator
 * (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`) and values; an IN list sorted and without repeats, and
 * written as `=` when it has one value. Numbers compare by value (`7.50` repeats `7.5`); each
 * literal keeps the text of its first occurrence.
 *
 * @example
 * normalizeConjunction([
 *   { column: 'y', op: '<', values: [{ kind: 'number', text: '5' }] },
 *   { column: 'a', op: 'in', values: [{ kind: 'string', text: 'x' }] },
 * ]);
 * // [{ column: 'a', op: '=', values: [{ kind: 'string', text: 'x' }] },
 * //  { column: 'y', op: '<', values: [{ kind: 'number', text: '5' }] }]
 */
export function normalizeConjunction(where: readonly SqlPredicate[]): SqlPredicate[] {
  const preds = where.map((p): SqlPredicate => {
    if (p.op !== 'in') return p;
    const values = [...p.values]
      .sort(compareLiteral)
      .filter((v, i, all) => i === 0 || !sameLiteral(v, all[i - 1]!));
    return values.length === 1 ? { column: p.column, op: '=', values } : { ...p, values };
  });
  return preds
    .sort(comparePredicate)
    .filter((p, i, all) => i === 0 || comparePredicate(p, all[i - 1]!) !== 0);
}

const literalSql = (l: SqlLiteral) => (l.kind === 'number' ? canonicalNumber(l.text) : quoteString(l.text));

export type CanonicalSqlParameters = {
  table: string;
  select: readonly SqlSelectItem[];
  where: readonly SqlPredicate[];
  groupBy: readonly string[];
};

/**
 * The canonical SQL text of a query: keywords upper case, identifiers quoted only where needed,
 * the aggregate's canonical name (VAR → VAR_SAMP), an alias only where it differs from the
 * default, the select list and GROUP BY as written, the conjunction in canonical order
 * ({@link normalizeConjunction}) with numbers in canonical decimal form. Same meaning → same text;
 * the text parses back to the same query. Used for hashing job specs.
 *
 * @example
 * canonicalSql({
 *   table: 'obs',
 *   select: [{ kind: 'aggregate', fn: 'count', column: null, alias: 'count' }],
 *   where: [{ column: 'value', op: '>=', values: [{ kind: 'number', text: '7.50' }] }],
 *   groupBy: [],
 * });
 * // "SELECT COUNT(*) FROM obs WHERE value >= 7.5"
 */
export function canonicalSql({ table, select, where, groupBy }: CanonicalSqlParameters): string {
  const items = select.map((item) => {
    const text =
      item.kind === 'group'
        ? quoteIdent(item.column)
        : `${FN_SQL[item.fn]}(${item.column === null ? '*' : quoteIdent(item.column)})`;
    return item.alias === defaultAlias(item) ? text : `${text} AS ${quoteIdent(item.alias)}`;
  });
  const preds = normalizeConjunction(where).map(({ column, op, values }) =>
    op === 'in'
      ? `${quoteIdent(column)} IN (${values.map(literalSql).join(', ')})`
      : `${quoteIdent(column)} ${op} ${literalSql(values[0]!)}`,
  );
  return [
    `SELECT ${items.join(', ')} FROM ${quoteIdent(table)}`,
    ...(preds.length ? [`WHERE ${preds.join(' AND ')}`] : []),
    ...(groupBy.length ? [`GROUP BY ${groupBy.map(quoteIdent).join(', ')}`] : []),
  ].join(' ');
}
