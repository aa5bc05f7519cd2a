import { defineErrorCodes, errorClass } from '../core/errors/index.js';
import { QUASI_IDENTIFIERS, TABLES_VERSION } from './schema.js';

const NOT_FOUND = {
  workspace: [
    'The workspace has no tables yet.',
    'Build them with `sinso tables IN... --out DIR` in this workspace first.',
  ],
  folder: ['The folder holds no tables.json.', 'Pass the --out folder of `sinso tables`.'],
  dataset: [
    'The workspace has no dataset of that name.',
    'Pass --dataset with a dataset built by `sinso tables … --dataset ID` (list them with `sinso sql "SELECT schema_name FROM duckdb_schemas()"`).',
  ],
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

/** How to fix a failed query, by DuckDB's error kind. */
const SQL_FIX: Record<string, string> = {
  Binder:
    'Correct the names in the query: `sinso sql "SHOW TABLES"` lists the tables, `sinso sql "DESCRIBE observations"` the columns of one.',
  Catalog:
    'Correct the names in the query: `sinso sql "SHOW TABLES"` lists the tables, `sinso sql "DESCRIBE observations"` the columns of one.',
  Parser: 'Correct the SQL syntax (DuckDB dialect).',
  Conversion:
    'A value does not convert to the type asked for: use TRY_CAST (NULL where it does not convert); `WHERE TRY_CAST(col AS type) IS NULL AND col IS NOT NULL` finds those rows.',
  'Invalid Input':
    'Check the function arguments (patterns, formats, JSON, a scalar subquery of one row); `sinso sql` only reads, so statements that write are refused.',
  'Out of Range': 'A result does not fit its type: cast to a wider type (BIGINT, HUGEINT, DOUBLE) first.',
  default: 'Correct the query; `sinso sql "SHOW TABLES"` lists the tables.',
};

/** The codes of the tables stage, `sinso sql` and `sinso risk`. */
export const tablesErrors = defineErrorCodes({
  TABLES_NO_INPUT: {
    message: () => 'The inputs hold no FHIR NDJSON or DICOM file to build tables from.',
    fix: 'Pass de-identified folders that contain Patient.ndjson, Observation.ndjson, … or .dcm files.',
  },
  TABLES_INPUT_INVALID: {
    message: () => 'An input is not the output folder of `sinso deid fhir` or `sinso deid dicom`.',
    meta: (f: { ordinal: number }) => [
      `Input #${f.ordinal} has no valid deid-report.json, nor any folder inside it (3 levels deep) that has one.`,
    ],
    fix: 'Pass the folders written by `sinso deid fhir --out DIR` or `sinso deid dicom --out DIR`, or a folder that holds them.',
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
  TABLES_DATABASE_BUSY: {
    message: (f: { access: 'read' | 'write'; holderPid?: number | undefined; waitedSeconds: number }) =>
      f.access === 'read'
        ? 'Another process is writing the workspace database.'
        : 'Another process is using the workspace database.',
    meta: (f) => [
      ...(f.holderPid === undefined ? [] : [`Held by process ${f.holderPid}.`]),
      ...(f.waitedSeconds > 0 ? [`Waited ${f.waitedSeconds} s for it.`] : []),
    ],
    fix: (f) =>
      f.access === 'read'
        ? 'Run the query again when the other sinso command (`sinso tables`, `sinso run`) has finished writing the tables, or wait longer with `--wait SECONDS`.'
        : 'Run this again when the other sinso command (a `sinso sql` query, or another `sinso tables`) has finished: DuckDB lets one process write the database, or several read it, not both at once.',
  },
  SQL_FAILED: {
    message: () => 'The SQL query failed.',
    /**
     * Only what cannot hold a value of the data: DuckDB's error kind and position, its message
     * for binder and catalog errors (names of columns, tables, functions), its fixed phrase for
     * parser errors, the column and type of a failed conversion. Never the query text.
     */
    meta: (f: {
      kind: string;
      line?: number | undefined;
      column?: number | undefined;
      engine?: readonly string[] | undefined;
      castColumn?: string | undefined;
      castType?: string | undefined;
    }) => [
      `DuckDB ${f.kind === 'Unknown' ? 'error' : `${f.kind} Error`}${
        f.line === undefined
          ? ''
          : ` at line ${f.line}${f.column === undefined ? '' : `, column ${f.column}`}`
      }.`,
      ...(f.engine === undefined
        ? [
            f.kind === 'Parser'
              ? "DuckDB's message is not shown: it quotes the query."
              : "DuckDB's message is not shown: errors of this kind can quote a value of the data.",
          ]
        : f.engine.map((l, i) => (i === 0 ? `DuckDB: ${l}` : l))),
      ...(f.castColumn === undefined && f.castType === undefined
        ? []
        : [
            `Column: ${f.castColumn ?? '(an expression)'}${f.castType === undefined ? '' : ` (to ${f.castType})`}`,
          ]),
    ],
    fix: (f) => SQL_FIX[f.kind] ?? SQL_FIX['default'],
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
