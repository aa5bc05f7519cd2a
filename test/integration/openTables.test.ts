import { createHash } from 'node:crypto';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableColumn, TablesManifest } from '../../src/core/schemas/tables.js';
import { openTables, sqlIdent, sqlString, withTables } from '../../src/tables/index.js';
import { tempDir } from '../utils/tmp.js';

const col = (name: string, type: string, logical: TableColumn['logical'], scale?: number): TableColumn => ({
  name,
  type,
  logical,
  ...(scale === undefined ? {} : { scale }),
  nullable: true,
  description: name,
});

/** A tables folder with one table of every logical type, written by DuckDB. */
async function writeFolder(dir: string): Promise<TablesManifest> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const file = join(dir, 'visits.parquet');
  await c.run(
    `COPY (SELECT printf('v%03d', i) AS visit_id, ['a', 'b', NULL][1 + i % 3] AS kind, CAST(i - 2 AS BIGINT) AS n, ` +
      `CAST(i / 8 AS DECIMAL(18,4)) AS amount, DATE '1969-12-30' + CAST(i AS INTEGER) AS day, ` +
      `TIMESTAMP '1970-01-01 00:00:00' + INTERVAL (i) MICROSECOND AS at, i % 2 = 0 AS even ` +
      `FROM range(300) t(i) ORDER BY visit_id) TO ${sqlString(file)} (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  const bytes = await readFile(file);
  const manifest: TablesManifest = {
    schema: '1',
    kind: 'sinso-tables',
    tablesVersion: '1',
    sources: [],
    tables: [
      {
        name: 'visits',
        file: 'visits.parquet',
        rows: 300,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        orderBy: ['visit_id'],
        columns: [
          col('visit_id', 'VARCHAR', 'id'),
          col('kind', 'VARCHAR', 'categorical'),
          col('n', 'BIGINT', 'int'),
          col('amount', 'DECIMAL(18,4)', 'decimal', 4),
          col('day', 'DATE', 'date'),
          col('at', 'TIMESTAMP', 'timestamp'),
          col('even', 'BOOLEAN', 'bool'),
        ],
      },
    ],
  };
  await writeFile(join(dir, 'tables.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

describe('openTables', () => {
  let dir: string;
  let manifest: TablesManifest;
  beforeAll(async () => {
    dir = await tempDir('sinso-open-tables-');
    manifest = await writeFolder(dir);
  });

  it('reads tables.json, its sha256, and typed rows in file order through one session', async () => {
    const text = await readFile(join(dir, 'tables.json'), 'utf8');
    await withTables(dir, {}, async (t) => {
      expect(t.manifest).toEqual(manifest);
      expect(t.sha256).toBe(createHash('sha256').update(text).digest('hex'));
      expect(await t.rowCount('visits')).toBe(300);
      expect((await t.distinct('visits', 'kind', 10))?.sort()).toEqual(['a', 'b']);
      expect(await t.distinct('visits', 'kind', 1)).toBeUndefined();
      const rows: unknown[][] = [];
      for await (const batch of t.scan('visits')) {
        for (let r = 0; r < (batch[0]?.length ?? 0); r++) rows.push(batch.map((column) => column[r]));
      }
      expect(rows).toHaveLength(300);
      expect(rows[0]).toEqual(['v000', 'a', -2n, 0n, -2n, 0n, true]);
      expect(rows[9]).toEqual(['v009', 'a', 7n, 11250n, 7n, 9n, false]);
      expect(rows[2]?.[1]).toBeNull();
      const part: unknown[] = [];
      for await (const batch of t.scan('visits', { offset: 256, limit: 256 })) part.push(...(batch[0] ?? []));
      expect(part).toEqual(rows.slice(256).map((r) => r[0]));
      const session = await t.session();
      expect(session).toBe(await t.session());
      const [row] = await session.rows(
        `SELECT count(*)::INTEGER AS n FROM ${t.relation('visits')} WHERE even`,
      );
      expect(row?.['n']).toBe(150);
      expect(t.path('visits')).toBe(join(dir, 'visits.parquet'));
    });
  });

  it('names a table it does not have, and refuses to read after close', async () => {
    const t = await openTables(dir);
    expect(() => t.table('nope')).toThrow(/no table of that name/);
    t.close();
    await expect(t.rowCount('visits')).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('refuses a folder without tables.json, an invalid one, and Parquet files that changed', async () => {
    const empty = await tempDir('sinso-open-tables-empty-');
    await expect(openTables(empty)).rejects.toMatchObject({ code: 'TABLES_NOT_FOUND' });
    const other = await tempDir('sinso-open-tables-bad-');
    await writeFolder(other);
    await expect(openTables(other, { sinsoTables: true })).rejects.toMatchObject({
      code: 'TABLES_INVALID',
      fields: { problem: 'version' },
    });
    await appendFile(join(other, 'visits.parquet'), 'x');
    await expect(openTables(other)).rejects.toMatchObject({
      code: 'TABLES_INVALID',
      fields: { problem: 'file-differs', table: 'visits' },
    });
    await rm(join(other, 'visits.parquet'));
    await expect(openTables(other)).rejects.toMatchObject({ code: 'IO_FAILED' });
    await writeFile(join(other, 'tables.json'), '{');
    await expect(openTables(other)).rejects.toMatchObject({
      code: 'TABLES_INVALID',
      fields: { problem: 'file' },
    });
  });

  it('quotes identifiers and literals', () => {
    expect(sqlIdent('a"b')).toBe('"a""b"');
    expect(sqlString("it's")).toBe("'it''s'");
  });
});
