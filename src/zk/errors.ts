import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes of zero-knowledge queries: circuits, setup, proving, proof bundles. */
export const zkErrors = defineErrorCodes({
  ZK_QUERY_INVALID: {
    message: (f: { problem: string }) => `The query does not fit the committed dataset: ${f.problem}.`,
    fix: 'See the dataset’s commitment.json (tables, columns and their types); query one table of a version 2 commitment.',
  },
  ZK_COMMITMENT_UNSUPPORTED: {
    message: (f: { version: number }) =>
      `Zero-knowledge queries need a version 2 commitment (column chunks); this dataset is committed with version ${f.version}.`,
    fix: 'Commit the tables again with `sinso commit --version 2` and publish a new version of the dataset.',
  },
  ZK_CIRCUIT_BUILD_FAILED: {
    message: (f: { circuit: string; step: string }) => `Building circuit ${f.circuit} failed at ${f.step}.`,
    fix: 'Run `sinso zk build` again; if it fails again, delete .cache/zk and rerun.',
  },
  ZK_SETUP_INVALID: {
    message: (f: { circuit: string; problem: string }) =>
      `The proving setup of circuit ${f.circuit} does not check: ${f.problem}.`,
    fix: 'If the circuits changed on purpose, run `sinso zk build --pin` and commit circuits/keys; else delete .cache/zk and rerun.',
  },
  ZK_PROVE_FAILED: {
    message: (f: { chunk: number; reason: string }) => `Proving chunk ${f.chunk} failed: ${f.reason}.`,
    fix: 'Check that the tables are the ones committed (sinso commit refuses changed tables); rerun the query.',
  },
  ZK_BUNDLE_INVALID: {
    message: (f: { problem: string }) => `The proof bundle cannot be read: ${f.problem}.`,
    fix: 'Pass a bundle written by `sinso query zk --out FILE`, unchanged.',
  },
  ZK_POLICY_REFUSED: {
    message: (f: { pledge: string; reason: string }) =>
      `Pledge ${f.pledge} does not allow this query: ${f.reason}.`,
    fix: 'See the pledge with `sinso datasets`; the owner pledges again with the zk-query operation and a later expiry.',
  },
});

export class ZkError extends errorClass(zkErrors) {}
