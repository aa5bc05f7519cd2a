import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { TablesError } from './errors.js';

it('renders every tables error code', () => {
  expect(
    renderErrorSamples(TablesError, {
      TABLES_NO_INPUT: {},
      TABLES_INPUT_INVALID: { ordinal: 2 },
      TABLES_NOT_FOUND: { where: 'workspace' },
      TABLES_INVALID: { problem: 'version' },
      TABLES_DATABASE_BUSY: { access: 'read', holderPid: 4242, waitedSeconds: 60 },
      SQL_FAILED: {
        kind: 'Catalog',
        line: 1,
        column: 15,
        engine: ['Table with name nope does not exist!', 'Did you mean "patients"?'],
      },
      RISK_INVALID_QUASI_IDENTIFIER: { problem: 'unknown' },
    }),
  ).toMatchInlineSnapshot(`
    "[TABLES_NO_INPUT]
    The inputs hold no FHIR NDJSON or DICOM file to build tables from.

    Fix: Pass de-identified folders that contain Patient.ndjson, Observation.ndjson, … or .dcm files.

    [TABLES_INPUT_INVALID]
    An input is not the output folder of \`sinso deid fhir\` or \`sinso deid dicom\`.

    Input #2 has no valid deid-report.json, nor any folder inside it (3 levels deep) that has one.

    Fix: Pass the folders written by \`sinso deid fhir --out DIR\` or \`sinso deid dicom --out DIR\`, or a folder that holds them.

    [TABLES_NOT_FOUND]
    The workspace has no tables yet.

    Fix: Build them with \`sinso tables IN... --out DIR\` in this workspace first.

    [TABLES_INVALID]
    The tables folder was written by another version of the table schemas.

    Expected tables version 2.

    Fix: Rebuild the folder with this version of \`sinso tables\`.

    [TABLES_DATABASE_BUSY]
    Another process is writing the workspace database.

    Held by process 4242.
    Waited 60 s for it.

    Fix: Run the query again when the other sinso command (\`sinso tables\`, \`sinso run\`) has finished writing the tables, or wait longer with \`--wait SECONDS\`.

    [SQL_FAILED]
    The SQL query failed.

    DuckDB Catalog Error at line 1, column 15.
    DuckDB: Table with name nope does not exist!
    Did you mean "patients"?

    Fix: Correct the names in the query: \`sinso sql "SHOW TABLES"\` lists the tables, \`sinso sql "DESCRIBE observations"\` the columns of one.

    [RISK_INVALID_QUASI_IDENTIFIER]
    Unknown quasi-identifier.

    Allowed: birth_year, age_band_5, age_band_10, gender, zip3, state, race, ethnicity

    Fix: Pass --qi with one of the allowed names (repeatable)."
  `);
  expect(
    [
      new TablesError('TABLES_NOT_FOUND', { where: 'folder' }).shortMessage,
      new TablesError('TABLES_INVALID', { problem: 'file' }).shortMessage,
      new TablesError('RISK_INVALID_QUASI_IDENTIFIER', { problem: 'none' }).fix,
    ].join('\n'),
  ).toMatchInlineSnapshot(`
    "The folder holds no tables.json.
    The tables manifest (tables.json) is not valid.
    Pass at least one --qi."
  `);
  expect(
    [
      new TablesError('SQL_FAILED', {
        kind: 'Conversion',
        line: 2,
        column: 3,
        castColumn: 'display',
        castType: 'INT32',
      }),
      new TablesError('SQL_FAILED', { kind: 'Parser', line: 1, column: 8, engine: ['syntax error'] }),
      new TablesError('SQL_FAILED', { kind: 'Parser' }),
      new TablesError('SQL_FAILED', { kind: 'Invalid Input' }),
      new TablesError('SQL_FAILED', { kind: 'Unknown' }),
      new TablesError('TABLES_NOT_FOUND', { where: 'dataset' }),
      new TablesError('TABLES_DATABASE_BUSY', { access: 'write', holderPid: undefined, waitedSeconds: 0 }),
    ]
      .map((e) => e.message.split('\n').slice(0, -1).join('\n'))
      .join('\n\n'),
  ).toMatchInlineSnapshot(`
    "The SQL query failed.

    DuckDB Conversion Error at line 2, column 3.
    DuckDB's message is not shown: errors of this kind can quote a value of the data.
    Column: display (to INT32)

    Fix: A value does not convert to the type asked for: use TRY_CAST (NULL where it does not convert); \`WHERE TRY_CAST(col AS type) IS NULL AND col IS NOT NULL\` finds those rows.

    The SQL query failed.

    DuckDB Parser Error at line 1, column 8.
    DuckDB: syntax error

    Fix: Correct the SQL syntax (DuckDB dialect).

    The SQL query failed.

    DuckDB Parser Error.
    DuckDB's message is not shown: it quotes the query.

    Fix: Correct the SQL syntax (DuckDB dialect).

    The SQL query failed.

    DuckDB Invalid Input Error.
    DuckDB's message is not shown: errors of this kind can quote a value of the data.

    Fix: Check the function arguments (patterns, formats, JSON, a scalar subquery of one row); \`sinso sql\` only reads, so statements that write are refused.

    The SQL query failed.

    DuckDB error.
    DuckDB's message is not shown: errors of this kind can quote a value of the data.

    Fix: Correct the query; \`sinso sql "SHOW TABLES"\` lists the tables.

    The workspace has no dataset of that name.

    Fix: Pass --dataset with a dataset built by \`sinso tables … --dataset ID\` (list them with \`sinso sql "SELECT schema_name FROM duckdb_schemas()"\`).

    Another process is using the workspace database.

    Fix: Run this again when the other sinso command (a \`sinso sql\` query, or another \`sinso tables\`) has finished: DuckDB lets one process write the database, or several read it, not both at once."
  `);
});
