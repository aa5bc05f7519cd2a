import { defineErrorCodes, errorClass } from '../core/errors/index.js';
import type { VerifyInclusionStep } from './verifyInclusion.js';

const PROVE_FIX =
  'Prove against the tables folder and commitment.json of the same `sinso commit` run (or commit again).';

const COMMITMENT_PROBLEMS = {
  file: ['The commitment file is not valid.', 'Check the path; write it again with `sinso commit`.'],
  'key-too-short': [
    'The dataset key is too short.',
    'Use a 32-byte secret (the workspace key `dataset-NAME`).',
  ],
  'wrong-key': [
    'The dataset key is not the one the commitment was built with.',
    'Pass the --dataset NAME (and workspace) the commitment was made with.',
  ],
  'unknown-column-type': [
    'The commitment lists a column type this version does not know.',
    'Use a commitment written by `sinso commit` of this version.',
  ],
  'tables-changed': ['The tables changed since the commitment was built.', PROVE_FIX],
  'no-chunk-roots': ['The commitment does not list its chunk roots.', PROVE_FIX],
  'chunk-root': ["The row's chunk does not hash to the committed chunk root.", PROVE_FIX],
  'row-unreadable': ['The row could not be read.', PROVE_FIX],
  roots: [
    "The commitment's roots do not hash to each other (chunk roots, encoding hash, table roots, dataset root).",
    'Use commitment.json as `sinso commit` wrote it (or commit again).',
  ],
} as const;

const TABLE_PROBLEMS = {
  'row-width': [
    'A row does not have one value per column.',
    'Check that the Parquet file has the columns tables.json lists.',
  ],
  'value-kind': [
    'A value does not have the kind its column type needs.',
    'Give int, decimal, date and timestamp columns numbers, bool columns booleans, and text columns strings.',
  ],
  'row-count': [
    'A table file does not hold the number of rows tables.json states.',
    'Write the tables again with `sinso tables`.',
  ],
  shape: [
    'A table in tables.json cannot be committed.',
    'Fix the table description in tables.json (or write the tables again).',
  ],
  dictionary: [
    'A categorical column has too many distinct values.',
    'A dictionary holds at most 65,536 values; declare the column as string.',
  ],
  'too-many-tables': [
    'Commitment version 2 holds at most 14 tables.',
    'Commit at most 14 tables per dataset (split it into several datasets), or build version 1 with --version 1.',
  ],
} as const;

const VALUE_PROBLEMS = {
  int64: [
    'A value is outside the signed 64-bit range the encoding allows.',
    'Keep int values (and decimals × 10^scale, dates, timestamps) within −2^63 … 2^63−1.',
  ],
  dictionary: [
    'A categorical value is not in its column dictionary.',
    'Encode categorical values with the dictionary recorded in commitment.json.',
  ],
  'date-range': [
    'A date or timestamp is outside the range the encoding can show.',
    'Keep dates within ±273,000 years of 1970.',
  ],
  'not-canonical': [
    'A value is not written in the canonical form of its column type.',
    'Write int as -?digits, decimal with exactly `scale` digits after the point, date as YYYY-MM-DD, timestamp as YYYY-MM-DDTHH:MM:SS.ffffffZ.',
  ],
} as const;

const PROOF_PROBLEMS: Partial<Record<VerifyInclusionStep, string>> = {
  format: 'A hash in the proof is not a field element, or the proof does not match the proof schema.',
  version: 'The proof and the commitment use different schemes or versions.',
  chunk: 'A chunk path of the proof has the wrong shape.',
};

type Where = { table?: string | undefined; column?: string | undefined; logical?: string | undefined };

const where = (f: Where) => [
  ...(f.table === undefined ? [] : [`Table: ${f.table}`]),
  ...(f.column === undefined ? [] : [`Column: ${f.column}${f.logical ? ` (${f.logical})` : ''}`]),
];

/** The codes of the commitment stage, `sinso prove-inclusion` and `sinso verify-inclusion`. */
export const commitErrors = defineErrorCodes({
  COMMIT_TABLES_INVALID: {
    message: (
      f: Where & {
        problem: keyof typeof TABLE_PROBLEMS;
        columns?: number;
        values?: number;
        tables?: number;
        problems?: readonly string[] | undefined;
      },
    ) => TABLE_PROBLEMS[f.problem][0],
    meta: (f) => [...where(f), ...(f.problems ?? []).map((p) => `- ${p}`)],
    details: (f) =>
      f.tables !== undefined
        ? `tables: ${f.tables}, at most: 14`
        : f.columns === undefined
          ? undefined
          : `columns: ${f.columns}, values: ${f.values}`,
    fix: (f) => TABLE_PROBLEMS[f.problem][1],
  },
  COMMIT_VALUE_OUT_OF_RANGE: {
    message: (f: Where & { problem: keyof typeof VALUE_PROBLEMS; column: string }) =>
      VALUE_PROBLEMS[f.problem][0],
    meta: where,
    fix: (f) => VALUE_PROBLEMS[f.problem][1],
  },
  COMMIT_ROW_NOT_FOUND: {
    message: (f: {
      table: string;
      tables?: readonly string[] | undefined;
      rows?: number | undefined;
      chunks?: number | undefined;
    }) =>
      f.chunks !== undefined
        ? 'The chunk index is outside the table.'
        : f.rows === undefined
          ? 'The commitment has no table of that name.'
          : 'The row index is outside the table.',
    meta: (f) =>
      f.chunks !== undefined
        ? [`Table: ${f.table} has ${f.chunks} chunks (0…${f.chunks - 1})`]
        : f.rows === undefined
          ? [`Tables: ${(f.tables ?? []).join(', ')}`]
          : [`Table: ${f.table} has ${f.rows} rows (0…${f.rows - 1})`],
    fix: (f) =>
      f.chunks !== undefined
        ? 'Pass a chunk index below the chunk count.'
        : f.rows === undefined
          ? 'Pass one of the tables listed.'
          : 'Pass a row index below the row count.',
  },
  COMMIT_PROOF_INVALID: {
    message: (f: { step: VerifyInclusionStep }) => `The inclusion proof is malformed (step: ${f.step}).`,
    meta: (f) => [PROOF_PROBLEMS[f.step] ?? 'The proof does not have the shape sinso writes.'],
    fix: 'Use an inclusion proof written by `sinso prove-inclusion` of this version, for this commitment.',
  },
  COMMIT_VERSION_UNSUPPORTED: {
    message: (f: { operation: 'prove-inclusion' | 'chunk-witness'; version: string }) =>
      f.operation === 'prove-inclusion'
        ? `A plain inclusion proof cannot be made for a version ${f.version} commitment.`
        : `A column-chunk witness cannot be made for a version ${f.version} commitment.`,
    meta: (f) =>
      f.operation === 'prove-inclusion'
        ? [
            'Version 2 (column chunks) proves that a row is included in zero knowledge: a circuit opens the row and proves it sits in its committed chunk, revealing nothing else. The plain Merkle proof of version 1 does not apply.',
          ]
        : ['Column-chunk witnesses exist for version 2 commitments only.'],
    fix: (f) =>
      f.operation === 'prove-inclusion'
        ? 'Prove inclusion of a version 2 row with its zero-knowledge circuit, or commit with `sinso commit --version 1` to make plain inclusion proofs.'
        : 'Commit the tables with `sinso commit --version 2`.',
  },
  COMMIT_INVALID: {
    message: (f: Where & { problem: keyof typeof COMMITMENT_PROBLEMS }) => COMMITMENT_PROBLEMS[f.problem][0],
    meta: where,
    fix: (f) => COMMITMENT_PROBLEMS[f.problem][1],
  },
});

/**
 * Raised by the commitment stage: tables it cannot commit, values out of range, rows not found,
 * proofs that are malformed (a proof that is well formed but does not verify is a result of
 * `verifyInclusion`, not an error). Never carries a data value.
 *
 * @example
 * throw new CommitError('COMMIT_ROW_NOT_FOUND', { table: 'patients', rows: 3 });
 */
export class CommitError extends errorClass(commitErrors) {
  override name = 'CommitError';
}
export type CommitErrorType = CommitError & { name: 'CommitError' };
