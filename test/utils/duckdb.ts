import { DuckDBSession } from '../../src/tables/adapters/DuckDBSession.js';

/**
 * Runs `fn` with a fresh in-memory DuckDB session (UTC, insertion order kept: the settings sinso
 * relies on) and closes it afterwards, whether `fn` succeeds or throws.
 *
 * @example
 * const rows = await withSession((s) => s.rows(`SELECT * FROM read_parquet('${file}')`));
 */
export async function withSession<T>(fn: (session: DuckDBSession) => Promise<T> | T): Promise<T> {
  const session = await DuckDBSession.open({});
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
