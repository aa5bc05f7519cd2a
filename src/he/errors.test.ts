import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { HeError } from './errors.js';

it('renders every HE error code', () => {
  const text = renderErrorSamples(HeError, {
    HE_SQL_UNSUPPORTED: { problem: 'OR is not supported' },
    HE_QUERY_INVALID: { problem: 'column "x" is not encrypted' },
    HE_PARAMS: { problem: 'the query needs multiplicative depth 3; N = 8192 allows 2' },
    HE_KEY_MISMATCH: { problem: 'two datasets were encrypted under different public keys' },
    HE_NO_SECRET_KEY: { keyHolder: 'he-3f2a' },
    HE_POLICY_REFUSED: { pledge: '7', reason: 'it has expired' },
    HE_BUDGET_EXCEEDED: { dataset: 'owner-001', spent: 0.9, asked: 0.5, budget: 1 },
    HE_DIFFERENCING: { group: 'gender = female', difference: 3, minCohort: 10 },
    HE_LEDGER_CORRUPT: { problem: 'line 3 is not valid JSON' },
    HE_RESULT_INVALID: { problem: 'its noise budget is exhausted' },
  });
  expect(text).toContain('[HE_BUDGET_EXCEEDED]');
  expect(text).toContain('Fix: The subset: SELECT');
  expect(text).toContain('differs from a group released before by 3 rows');
});
