import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDBSession, type LockWait } from '../../src/tables/adapters/DuckDBSession.js';
import { runSql, TablesError } from '../../src/tables/index.js';
import { holdDatabase } from '../utils/duckdb.js';
import { tempDir } from '../utils/tmp.js';

let database: string;

beforeAll(async () => {
  database = join(await tempDir('sinso-runsql-'), 'store', 'sinso.duckdb');
  const s = await DuckDBSession.open({ path: database });
  try {
    await s.run('CREATE TABLE patients AS SELECT range AS n FROM range(3)');
  } finally {
    s.close();
  }
});

const count = async (p: { lockWaitMs?: number; onLockWait?: (w: LockWait) => void } = {}) => {
  let rows: unknown[] = [];
  await runSql({
    database,
    query: 'SELECT count(*) AS n FROM patients',
    dataset: 'main',
    onColumns() {},
    onRows(r) {
      rows = [...rows, ...r];
      return true;
    },
    ...p,
  });
  return rows;
};

describe('runSql while another process holds the database', () => {
  it('fails at once with TABLES_DATABASE_BUSY naming the writer, without a wait', async () => {
    const held = await holdDatabase(database);
    try {
      const err = await count().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TablesError);
      expect(err).toMatchObject({
        code: 'TABLES_DATABASE_BUSY',
        fields: { access: 'read', holderPid: held.pid, waitedSeconds: 0 },
      });
    } finally {
      await held.release();
    }
  });

  it('waits for the writer and answers once it has closed the database', async () => {
    const held = await holdDatabase(database);
    const waits: LockWait[] = [];
    let released: Promise<void> | undefined;
    try {
      const rows = await count({
        lockWaitMs: 600_000,
        onLockWait(w) {
          waits.push(w);
          released ??= held.release();
        },
      });
      expect(rows).toEqual([[3]]);
      expect(waits[0]).toMatchObject({ holderPid: held.pid, limitMs: 600_000 });
    } finally {
      await (released ?? held.release());
    }
  });

  it('reads beside another reader; a writer meets TABLES_DATABASE_BUSY while a reader holds it', async () => {
    const held = await holdDatabase(database, 'read');
    try {
      expect(await count()).toEqual([[3]]);
      const err = await DuckDBSession.open({ path: database }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'TABLES_DATABASE_BUSY',
        fields: { access: 'write', holderPid: held.pid },
      });
    } finally {
      await held.release();
    }
  });
});
