/**
 * Quotes a string as a SQL literal (DuckDB): `'…'`, quotes doubled. The one quoting helper for
 * every SQL sinso writes (file paths, search paths, JSON keys).
 *
 * @example
 * `SELECT * FROM read_parquet(${sqlString(path)})`;
 */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Quotes a SQL identifier (DuckDB): `"…"`, double quotes doubled.
 *
 * @example
 * `SELECT ${sqlIdent('patient_id')} FROM ${sqlIdent('main')}.${sqlIdent('patients')}`;
 */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
