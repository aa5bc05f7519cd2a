import { defineErrorCodes, errorClass } from '../core/errors/index.js';
import { QUASI_IDENTIFIERS, TABLES_VERSION } from './schema.js';

const NOT_FOUND = {
  workspace: [
    'The workspace has no tables yet.',
    'Build them with `sinso tables IN... --out DIR` in this workspace first.',
  ],
  folder: ['The folder holds no tables.json.', 'Pass the --out folder of `sinso tables`.'],
} as const;

/** What can be wrong with a tables folder, and how to fix it. */
const INVALID = {
  file: ['The tables manifest (tables.json) is not valid.', 'Rebuild the folder with `sinso tables`.'],
  version: [
    'The tables folder was written by another version of the table schemas.',
    'Rebuild the folder with this version of `sinso tables`.',
  ],
  'file-differs': [
    'A table file differs from the one tables.json describes.',
    'Write the tables again with `sinso tables`; do not edit Parquet files by hand.',
  ],
  'no-table': ['The tables folder has no table of that name.', 'Pass one of the tables listed.'],
  read: [
    'Reading a table with DuckDB failed.',
    'Check that the Parquet file has the columns and types tables.json lists.',
  ],
  'cell-type': [
    'A table value has a type the commitment cannot read.',
    'Use the physical types tables.json lists (BIGINT, DECIMAL, DATE, TIMESTAMP, BOOLEAN, VARCHAR).',
  ],
  'float-decimal': [
    'A decimal column is stored as floating point.',
    'Store decimal columns as DECIMAL(18, scale): a float cannot be encoded exactly.',
  ],
} as const;

/** The codes of the tables stage, `sinso sql` and `sinso risk`. */
export const tablesErrors = defineErrorCodes({
  TABLES_NO_INPUT: {
    message: () => 'The inputs hold no FHIR NDJSON or DICOM file to build tables from.',
    fix: 'Pass de-identified folders that contain Patient.ndjson, Observation.ndjson, … or .dcm files.',
  },
  TABLES_INPUT_INVALID: {
    message: () => 'An input is not the output folder of `sinso deid fhir` or `sinso deid dicom`.',
    meta: (f: { ordinal: number }) => [`Input #${f.ordinal} has no valid deid-report.json.`],
    fix: 'Pass the folders written by `sinso deid fhir --out DIR` or `sinso deid dicom --out DIR`.',
  },
  TABLES_NOT_FOUND: {
    message: (f: { where: keyof typeof NOT_FOUND }) => NOT_FOUND[f.where][0],
    fix: (f) => NOT_FOUND[f.where][1],
  },
  TABLES_INVALID: {
    message: (f: {
      problem: keyof typeof INVALID;
      table?: string | undefined;
      tables?: readonly string[] | undefined;
      column?: string | undefined;
      step?: string | undefined;
    }) => INVALID[f.problem][0],
    meta: (f) => [
      ...(f.problem === 'version' ? [`Expected tables version ${TABLES_VERSION}.`] : []),
      ...(f.table === undefined ? [] : [`Table: ${f.table}`]),
      ...(f.column === undefined ? [] : [`Column: ${f.column}`]),
      ...(f.step === undefined ? [] : [`Step: ${f.step}`]),
      ...(f.tables === undefined ? [] : [`Tables: ${f.tables.join(', ')}`]),
    ],
    fix: (f) => INVALID[f.problem][1],
  },
  SQL_FAILED: {
    message: () => 'The SQL query failed.',
    /** DuckDB's own message: about the query the operator wrote (it may quote the query). */
    meta: (f: { engine: string }) => [`DuckDB: ${f.engine}`],
    fix: 'Correct the query; list the tables with `sinso sql "SHOW TABLES"`.',
  },
  RISK_INVALID_QUASI_IDENTIFIER: {
    message: (f: { problem: 'unknown' | 'none' }) =>
      f.problem === 'unknown' ? 'Unknown quasi-identifier.' : 'No quasi-identifier given.',
    meta: () => [`Allowed: ${QUASI_IDENTIFIERS.join(', ')}`],
    fix: (f) =>
      f.problem === 'unknown'
        ? 'Pass --qi with one of the allowed names (repeatable).'
        : 'Pass at least one --qi.',
  },
});

/**
 * Errors of the tables stage, `sinso sql` and `sinso risk`. `IO_FAILED` and `INTERNAL` still
 * come from one call site not yet converted (DuckDBSession), through the deprecated constructor.
 *
 * @example
 * throw new TablesError('TABLES_NOT_FOUND', { where: 'workspace' });
 */
export class TablesError extends errorClass<typeof tablesErrors, 'IO_FAILED' | 'INTERNAL'>(tablesErrors) {
  override name = 'TablesError';
}
export type TablesErrorType = TablesError & { name: 'TablesError' };
