import { exists } from '../../core/fs.js';
import { TablesError } from '../errors.js';
import { sqlString } from '../quoteSql.js';
import { DuckDBSession, type LockWait } from './DuckDBSession.js';
import { describeDuckDBError } from './describeDuckDBError.js';

export type SqlRow = readonly unknown[];

export type RunSqlParameters = {
  /** The workspace DuckDB file. */
  database: string;
  query: string;
  /** DuckDB schema put first on the search path. */
  dataset: string;
  /** Called once with the column names, before any row. */
  onColumns(names: readonly string[]): void;
  /** Called per chunk of rows (values as JSON: numbers, strings, booleans, null; DECIMAL as exact strings, 64-bit integers as numbers when exact). Return false to stop. */
  onRows(rows: readonly SqlRow[]): boolean | undefined;
  /**
   * While another process writes the database (a `sinso tables` run holds it from start to end),
   * wait for it this long, in milliseconds, then fail with TABLES_DATABASE_BUSY. Default 0.
   */
  lockWaitMs?: number | undefined;
  /** Called while waiting for that process: once at first, then at each retry. */
  onLockWait?: ((wait: LockWait) => void) | undefined;
};

/**
 * Runs a user's query over the workspace DuckDB, read-only, streaming the result chunk by chunk
 * (a big result is never held in memory). A failing query is SQL_FAILED with DuckDB's error
 * kind and position; DuckDB's message only where it cannot hold a value of the data (binder and
 * catalog errors), never the query text it echoes. An unknown dataset is TABLES_NOT_FOUND.
 *
 * @example
 * await runSql({ database, query: 'SELECT count(*) FROM patients', dataset: 'main', onColumns, onRows });
 */
export async function runSql(p: RunSqlParameters): Promise<{ rows: number }> {
  if (!(await exists(p.database))) {
    throw new TablesError('TABLES_NOT_FOUND', { where: 'workspace' });
  }
  const session = await DuckDBSession.open({
    path: p.database,
    readOnly: true,
    lockWaitMs: p.lockWaitMs,
    onLockWait: p.onLockWait,
  });
  try {
    const schemas = await session.rows(
      `SELECT 1 FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = ${sqlString(p.dataset)}`,
    );
    if (schemas.length === 0) throw new TablesError('TABLES_NOT_FOUND', { where: 'dataset' });
    await session.run(`SET search_path = ${sqlString(`${p.dataset},main`)}`);
    let result: Awaited<ReturnType<DuckDBSession['stream']>>;
    try {
      result = await session.stream(p.query);
    } catch (err) {
      throw sqlFailed(err, p.query);
    }
    p.onColumns(result.columnNames());
    // 64-bit integers come as strings (exact); give them as numbers where that is exact too
    const wide = result
      .columnTypes()
      .flatMap((t, i) => (['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT'].includes(String(t)) ? [i] : []));
    let rows = 0;
    try {
      for await (const chunk of result.yieldRowsJson()) {
        if (wide.length) for (const row of chunk) toSafeNumbers(row as unknown[], wide);
        rows += chunk.length;
        if (p.onRows(chunk) === false) break;
      }
    } catch (err) {
      throw sqlFailed(err, p.query);
    }
    return { rows };
  } finally {
    session.close();
  }
}

function toSafeNumbers(row: unknown[], columns: readonly number[]): void {
  for (const i of columns) {
    const n = typeof row[i] === 'string' ? Number(row[i]) : Number.NaN;
    if (Number.isSafeInteger(n)) row[i] = n;
  }
}

/**
 * SQL_FAILED from DuckDB's error: only the parts that cannot hold a value. DuckDB's error stays
 * the cause (shown only by --verbose, with its stack), as for every foreign error.
 */
function sqlFailed(err: unknown, query: string): TablesError {
  return new TablesError('SQL_FAILED', describeDuckDBError(err, query), { cause: err });
}
