import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TableEntry, TablesManifest } from '../../src/core/schemas/tables.js';
import { withSession } from './duckdb.js';

/** Tables of a few logical types, written as a real tables folder (Parquet through DuckDB, tables.json) for commitment and proof tests. */
export type Kind = 'int' | 'bool' | 'string' | 'categorical' | 'date';
/** int and date (days since 1970) as bigint. */
export type Value = bigint | boolean | string | null;
export type RefTable = { name: string; columns: { name: string; kind: Kind }[]; rows: Value[][] };

export const SQL_TYPE: Record<Kind, string> = {
  int: 'BIGINT',
  bool: 'BOOLEAN',
  string: 'VARCHAR',
  categorical: 'VARCHAR',
  date: 'DATE',
};

function sqlLiteral(kind: Kind, v: Value): string {
  if (v === null) return `NULL::${SQL_TYPE[kind]}`;
  if (kind === 'bool') return v ? 'true' : 'false';
  if (kind === 'int') return `CAST('${v}' AS BIGINT)`;
  if (kind === 'date') return `(DATE '1970-01-01' + ${v}::INTEGER)`;
  return `'${(v as string).replaceAll("'", "''")}'`;
}

/** Writes the tables as a tables folder in `dir` (rows in the given order). */
export async function writeTables(dir: string, tables: readonly RefTable[]): Promise<void> {
  const entries: TableEntry[] = [];
  await withSession(async (s) => {
    for (const t of tables) {
      const file = join(dir, `${t.name}.parquet`);
      const cols = t.columns.map((c) => `"${c.name}" ${SQL_TYPE[c.kind]}`).join(', ');
      await s.run(`CREATE OR REPLACE TABLE t (_i BIGINT, ${cols})`);
      for (let i = 0; i < t.rows.length; i += 500) {
        const values = t.rows
          .slice(i, i + 500)
          .map(
            (r, k) => `(${i + k}, ${r.map((v, j) => sqlLiteral(t.columns[j]?.kind as Kind, v)).join(', ')})`,
          )
          .join(', ');
        await s.run(`INSERT INTO t VALUES ${values}`);
      }
      const names = t.columns.map((c) => `"${c.name}"`).join(', ');
      await s.run(`COPY (SELECT ${names} FROM t ORDER BY _i) TO '${file}' (FORMAT parquet)`);
      const bytes = await readFile(file);
      entries.push({
        name: t.name,
        file: `${t.name}.parquet`,
        rows: t.rows.length,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        orderBy: [t.columns[0]?.name ?? 'c0'],
        columns: t.columns.map((c) => ({
          name: c.name,
          type: SQL_TYPE[c.kind],
          logical: c.kind,
          nullable: true,
          description: c.name,
        })),
      });
    }
  });
  const manifest: TablesManifest = {
    schema: '1',
    kind: 'sinso-tables',
    tablesVersion: '1',
    tables: entries,
    sources: [],
  };
  await writeFile(join(dir, 'tables.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
