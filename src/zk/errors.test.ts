import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { ZkError } from './errors.js';

it('renders every ZK error code', () => {
  const text = renderErrorSamples(ZkError, {
    ZK_QUERY_INVALID: { problem: 'column "x" is not in table "observations"' },
    ZK_COMMITMENT_UNSUPPORTED: { version: 1 },
    ZK_CIRCUIT_BUILD_FAILED: { circuit: 'chunk-query-p1-w64', step: 'compile' },
    ZK_SETUP_INVALID: {
      circuit: 'chunk-query-p1-w64',
      problem: 'its verification key is not the pinned one',
    },
    ZK_PROVE_FAILED: { chunk: 3, reason: 'column 2 was not opened' },
    ZK_BUNDLE_INVALID: { problem: 'it does not match the bundle schema' },
    ZK_POLICY_REFUSED: { pledge: '4', reason: 'it does not allow zk-query' },
  });
  expect(text).toContain('[ZK_COMMITMENT_UNSUPPORTED]');
  expect(text).toContain('committed with version 1');
  expect(text).toContain('Proving chunk 3 failed');
});
