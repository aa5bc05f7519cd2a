import {
  type DuckDBSession,
  describeDuckDBError,
  sqlIdent,
  sqlString,
  TablesError,
  withSession,
  withTables,
} from '../../tables/index.js';
import { NotebookError } from '../errors.js';
import type { ParamValue, ResolvedInput } from '../resolveParams.js';
import { type CellResult, type ResultValue, resultOf } from '../result.js';

/** Result columns a notebook never prints: identifiers of patients, records, studies and files. */
const IDENTIFIER_COLUMN = /(^|_)(id|uid|ids|uids)$|^(file|cid|dicom_patient_id|birth_date)$/i;

/** The most rows a SQL cell may return (a notebook aggregates; it does not dump tables). */
export const MAX_RESULT_ROWS = 10_000;

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** A DuckDB value (as getRowObjectsJson gives it) as a result value, numbers by the column's type. */
function toValue(v: unknown, numeric: boolean): ResultValue {
  if (v === null || v === undefined) return null;
  if (numeric) return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

export type NotebookSql = {
  /** Runs a cell's query; NOTEBOOK_CELL_FAILED with DuckDB's error kind and position, never a value. */
  query(sql: string, cell: number): Promise<CellResult>;
};

/**
 * Opens the SQL of a notebook run and calls `fn` with it: one in-memory DuckDB session (one
 * thread, so sums and means come out the same every time), each tables input's tables copied in
 * (after openTables checked every Parquet file against tables.json) under a schema named after
 * the input, and in the main schema, for each table every tables input has, a view of their
 * union with a first column `dataset` (the input's label). Parameters become DuckDB variables.
 * Then the session is locked down as a training job's is: no file or network access, no setting
 * change — a query reads the inputs and nothing else.
 *
 * @example
 * await withNotebookSql({ inputs, params }, async (sql) => sql.query('SELECT count(*) AS n FROM patients', 2));
 */
export async function withNotebookSql<T>(
  p: { inputs: readonly ResolvedInput[]; params: Readonly<Record<string, ParamValue>> },
  fn: (sql: NotebookSql) => Promise<T>,
): Promise<T> {
  return withSession({ threads: 1 }, async (session) => {
    const tables = p.inputs.filter((i) => i.kind === 'tables');
    const perTable = new Map<string, string[]>();
    for (const input of tables) {
      await withTables(input.path, {}, async (folder) => {
        await session.run(`CREATE SCHEMA ${sqlIdent(input.name)}`);
        for (const t of folder.manifest.tables) {
          await session.run(
            `CREATE TABLE ${sqlIdent(input.name)}.${sqlIdent(t.name)} AS SELECT * FROM ${folder.relation(t.name)}`,
          );
          perTable.set(t.name, [...(perTable.get(t.name) ?? []), input.name]);
        }
      }).catch((cause: unknown) => {
        if (cause instanceof NotebookError) throw cause;
        throw new NotebookError(
          'NOTEBOOK_INPUT_INVALID',
          {
            input: input.name,
            problem: 'it is not a tables folder that opens (tables.json and its Parquet files)',
          },
          { cause },
        );
      });
    }
    for (const [table, owners] of [...perTable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (owners.length !== tables.length) continue;
      const parts = owners.map((name) => {
        const label = tables.find((t) => t.name === name)?.label ?? name;
        return `SELECT ${sqlString(label)} AS dataset, * FROM ${sqlIdent(name)}.${sqlIdent(table)}`;
      });
      await session.run(`CREATE VIEW main.${sqlIdent(table)} AS ${parts.join(' UNION ALL BY NAME ')}`);
    }
    for (const [name, value] of Object.entries(p.params)) {
      const literal =
        typeof value === 'number'
          ? String(value)
          : typeof value === 'boolean'
            ? String(value)
            : sqlString(value);
      await session.run(`SET VARIABLE ${sqlIdent(name)} = ${literal}`);
    }
    await session.run('SET enable_external_access = false');
    await session.run('SET lock_configuration = true');
    return fn({ query: (sql, cell) => runQuery(session, sql, cell) });
  });
}

async function runQuery(session: DuckDBSession, sql: string, cell: number): Promise<CellResult> {
  let reader: Awaited<ReturnType<DuckDBSession['connection']['runAndReadAll']>>;
  try {
    reader = await session.connection.runAndReadAll(sql);
  } catch (err) {
    const e = new TablesError('SQL_FAILED', describeDuckDBError(err, sql), { cause: err });
    throw new NotebookError(
      'NOTEBOOK_CELL_FAILED',
      { cell, problem: `the query failed (${e.message})` },
      { cause: e },
    );
  }
  const columns = reader.columnNames();
  const numeric = reader.columnTypes().map((t) => NUMERIC_TYPE.test(String(t)));
  const id = columns.find((c) => IDENTIFIER_COLUMN.test(c));
  if (id !== undefined)
    throw new NotebookError('NOTEBOOK_CELL_FAILED', {
      cell,
      problem: `the result has an identifier column (${id}); a notebook shows aggregates only`,
    });
  if (new Set(columns).size !== columns.length)
    throw new NotebookError('NOTEBOOK_CELL_FAILED', { cell, problem: 'the result names a column twice' });
  const rows = reader.getRowsJson();
  if (rows.length > MAX_RESULT_ROWS)
    throw new NotebookError('NOTEBOOK_CELL_FAILED', {
      cell,
      problem: `the result has ${rows.length} rows, more than ${MAX_RESULT_ROWS} (aggregate it)`,
    });
  return resultOf(
    columns,
    rows.map((row) => Object.fromEntries(columns.map((c, j) => [c, toValue(row[j], numeric[j] === true)]))),
  );
}
