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
      SQL_FAILED: { engine: 'Catalog Error: Table with name nope does not exist!' },
      RISK_INVALID_QUASI_IDENTIFIER: { problem: 'unknown' },
    }),
  ).toMatchInlineSnapshot(`
    "[TABLES_NO_INPUT]
    The inputs hold no FHIR NDJSON or DICOM file to build tables from.

    Fix: Pass de-identified folders that contain Patient.ndjson, Observation.ndjson, … or .dcm files.

    [TABLES_INPUT_INVALID]
    An input is not the output folder of \`sinso deid fhir\` or \`sinso deid dicom\`.

    Input #2 has no valid deid-report.json.

    Fix: Pass the folders written by \`sinso deid fhir --out DIR\` or \`sinso deid dicom --out DIR\`.

    [TABLES_NOT_FOUND]
    The workspace has no tables yet.

    Fix: Build them with \`sinso tables IN... --out DIR\` in this workspace first.

    [TABLES_INVALID]
    The tables folder was written by another version of the table schemas.

    Expected tables version 1.

    Fix: Rebuild the folder with this version of \`sinso tables\`.

    [SQL_FAILED]
    The SQL query failed.

    DuckDB: Catalog Error: Table with name nope does not exist!

    Fix: Correct the query; list the tables with \`sinso sql "SHOW TABLES"\`.

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
});
