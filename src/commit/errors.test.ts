import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { CommitError } from './errors.js';

it('renders every commit error code', () => {
  expect(
    renderErrorSamples(CommitError, {
      COMMIT_TABLES_INVALID: { problem: 'row-width', columns: 9, values: 8 },
      COMMIT_VALUE_OUT_OF_RANGE: { problem: 'not-canonical', column: 'seq', logical: 'int' },
      COMMIT_ROW_NOT_FOUND: { table: 'patients', rows: 3 },
      COMMIT_PROOF_INVALID: { step: 'version' },
      COMMIT_VERSION_UNSUPPORTED: { operation: 'prove-inclusion', version: '2' },
      COMMIT_INVALID: { problem: 'unknown-column-type', table: 'patients', column: 'birth_year' },
    }),
  ).toMatchInlineSnapshot(`
    "[COMMIT_TABLES_INVALID]
    A row does not have one value per column.

    Fix: Check that the Parquet file has the columns tables.json lists.
    Details: columns: 9, values: 8

    [COMMIT_VALUE_OUT_OF_RANGE]
    A value is not written in the canonical form of its column type.

    Column: seq (int)

    Fix: Write int as -?digits, decimal with exactly \`scale\` digits after the point, date as YYYY-MM-DD, timestamp as YYYY-MM-DDTHH:MM:SS.ffffffZ.

    [COMMIT_ROW_NOT_FOUND]
    The row index is outside the table.

    Table: patients has 3 rows (0…2)

    Fix: Pass a row index below the row count.

    [COMMIT_PROOF_INVALID]
    The inclusion proof is malformed (step: version).

    The proof and the commitment use different schemes or versions.

    Fix: Use an inclusion proof written by \`sinso prove-inclusion\` of this version, for this commitment.

    [COMMIT_VERSION_UNSUPPORTED]
    A plain inclusion proof cannot be made for a version 2 commitment.

    Version 2 (column chunks) proves that a row is included in zero knowledge: a circuit opens the row and proves it sits in its committed chunk, revealing nothing else. The plain Merkle proof of version 1 does not apply.

    Fix: Prove inclusion of a version 2 row with its zero-knowledge circuit, or commit with \`sinso commit --version 1\` to make plain inclusion proofs.

    [COMMIT_INVALID]
    The commitment lists a column type this version does not know.

    Table: patients
    Column: birth_year

    Fix: Use a commitment written by \`sinso commit\` of this version."
  `);
  expect(
    [
      new CommitError('COMMIT_ROW_NOT_FOUND', { table: 'nope', tables: ['patients', 'observations'] })
        .message,
      new CommitError('COMMIT_INVALID', { problem: 'tables-changed' }).message,
      new CommitError('COMMIT_TABLES_INVALID', { problem: 'value-kind', column: 'n', logical: 'int' })
        .message,
    ]
      .map((m) => m.split('\n').slice(0, -1).join('\n'))
      .join('\n\n'),
  ).toMatchInlineSnapshot(`
    "The commitment has no table of that name.

    Tables: patients, observations

    Fix: Pass one of the tables listed.

    The tables changed since the commitment was built.

    Fix: Prove against the tables folder and commitment.json of the same \`sinso commit\` run (or commit again).

    A value does not have the kind its column type needs.

    Column: n (int)

    Fix: Give int, decimal, date and timestamp columns numbers, bool columns booleans, and text columns strings."
  `);
});
