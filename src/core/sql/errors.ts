import { defineErrorCodes, errorClass } from '../errors/index.js';

/** SQL_UNSUPPORTED: a query outside the SQL subset of a dialect (see `parseSqlSubset`). */
export const sqlSubsetErrors = defineErrorCodes({
  SQL_UNSUPPORTED: {
    message: (f: { dialect: string; problem: string; offset: number; supported: string }) =>
      `The query is outside the SQL subset of ${f.dialect} queries: ${f.problem} (at offset ${f.offset}).`,
    fix: (f) => f.supported,
  },
});

/**
 * Thrown by `parseSqlSubset` for a query outside a dialect's subset, unless the dialect makes its
 * own error (`SqlDialect.error`). `problem` names the construct, `offset` where it starts (a
 * UTF-16 offset into the query), `supported` the subset; none holds a literal of the query.
 *
 * @example
 * throw new SqlSubsetError('SQL_UNSUPPORTED', {
 *   dialect: 'ZK',
 *   problem: 'OR is not supported',
 *   offset: 31,
 *   supported: 'The subset: …',
 * });
 */
export class SqlSubsetError extends errorClass(sqlSubsetErrors) {
  override name = 'SqlSubsetError';
}
export type SqlSubsetErrorType = SqlSubsetError & { name: 'SqlSubsetError' };
