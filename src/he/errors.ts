import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The SQL subset of HE queries, in one sentence (the fix of HE_SQL_UNSUPPORTED). */
export const SUPPORTED_SQL =
  "The subset: SELECT [c, d,] COUNT(*) | COUNT(x) | SUM(x) | AVG(x) | VAR(x) | VAR_POP(x), ... FROM t [WHERE a = 'v' AND b IN ('v', 'w') ...] [GROUP BY c [, d]].";

/** The codes of homomorphic encryption: keys, encrypted columns, queries, release policy. */
export const heErrors = defineErrorCodes({
  HE_SQL_UNSUPPORTED: {
    message: (f: { problem: string }) => `The query is outside the SQL subset of HE queries: ${f.problem}.`,
    fix: SUPPORTED_SQL,
  },
  HE_QUERY_INVALID: {
    message: (f: { problem: string }) => `The query does not fit the encrypted tables: ${f.problem}.`,
    fix: 'See the encrypted table’s he.json (publicColumns, values, indicators); encrypt the column (`sinso he encrypt --columns ...`) to query it.',
  },
  HE_PARAMS: {
    message: (f: { problem: string }) =>
      `The encryption parameters cannot answer this exactly: ${f.problem}.`,
    fix: (f: { fix?: string | undefined }) =>
      f.fix ??
      'Re-encrypt with larger parameters (`sinso he keygen --poly-degree 16384`), or use public-keys mode.',
  },
  HE_KEY_MISMATCH: {
    message: (f: { problem: string }) => `The HE keys do not match: ${f.problem}.`,
    fix: 'Encrypt every pooled dataset under the same key holder’s public key (`sinso he encrypt --key-holder FILE`).',
  },
  HE_NO_SECRET_KEY: {
    message: (f: { keyHolder: string }) =>
      `This workspace does not hold the HE secret key ${f.keyHolder}, so it cannot decrypt.`,
    fix: 'Send the encrypted result to the key holder, who runs `sinso he decrypt RESULT --pledge ID`.',
  },
  HE_POLICY_REFUSED: {
    message: (f: { pledge: string; reason: string }) =>
      `Pledge ${f.pledge} does not allow this query: ${f.reason}.`,
    fix: 'See the pledge with `sinso datasets`; the owner pledges again with the operation (he-query, he-public) and a later expiry.',
  },
  HE_BUDGET_EXCEEDED: {
    message: (f: { dataset: string; spent: number; asked: number; budget: number }) =>
      `The privacy budget of dataset ${f.dataset} would be exceeded: ε ${f.spent} spent, ${f.asked} asked, ${f.budget} in all.`,
    fix: 'Ask with a smaller --epsilon, or the key holder raises the budget (`sinso he budget --dataset ID --epsilon E`).',
  },
  HE_DIFFERENCING: {
    message: (f: { group: string; difference: number; minCohort: number }) =>
      `Refused: group ${f.group} differs from a group released before by ${f.difference} rows, fewer than the minimum cohort ${f.minCohort}, so the two answers together would reveal those rows.`,
    fix: 'Ask for groups that differ by at least the minimum cohort (or ask the same group again).',
  },
  HE_LEDGER_CORRUPT: {
    message: (f: { problem: string }) => `The privacy budget ledger does not read back: ${f.problem}.`,
    fix: 'Restore the workspace he/ledger folder from a backup; sinso only ever replaces it whole.',
  },
  HE_RESULT_INVALID: {
    message: (f: { problem: string }) => `The encrypted result cannot be released: ${f.problem}.`,
    fix: 'Run the query again with `sinso query he` on the same encrypted tables.',
  },
});

export class HeError extends errorClass(heErrors) {}
