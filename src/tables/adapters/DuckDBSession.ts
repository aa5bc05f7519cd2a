import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BIGINT,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  type DuckDBResult,
  type DuckDBType,
  INTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { Table } from 'apache-arrow';
import { InternalError } from '../../core/errors/index.js';
import { TablesError } from '../errors.js';
import { sqlIdent } from '../quoteSql.js';

export type OpenSessionParameters = {
  /** DuckDB file; undefined: an in-memory database. */
  path?: string | undefined;
  readOnly?: boolean | undefined;
  /** Worker threads (default: DuckDB's, one per core). */
  threads?: number | undefined;
  /**
   * How long to wait, in milliseconds, while another process holds the file (DuckDB lets one
   * process write a database file, or several read it, never both): the open is retried until
   * then, and TABLES_DATABASE_BUSY after. Default 0: fail at once.
   */
  lockWaitMs?: number | undefined;
  /** Called while waiting for another process's lock: once at first, then at each retry. */
  onLockWait?: ((wait: LockWait) => void) | undefined;
};

/** A wait for another process's lock on the database file. */
export type LockWait = {
  /** The process DuckDB names as holding the lock, when it names one. */
  holderPid: number | undefined;
  /** Milliseconds waited so far. */
  waitedMs: number;
  /** The longest wait (OpenSessionParameters.lockWaitMs). */
  limitMs: number;
};

/** Milliseconds between two tries to open a file another process holds. */
const LOCK_RETRY_MS = 200;

/**
 * Whether DuckDB refused to open a file because another process holds its lock (`IO Error:
 * Could not set lock on file "…": Conflicting lock is held in <program> (PID n)`), and by which
 * process.
 *
 * @example
 * lockHolderOf(err); // { pid: 4242 } or undefined
 */
export function lockHolderOf(err: unknown): { pid: number | undefined } | undefined {
  const message = err instanceof Error ? err.message : '';
  if (!/^IO Error: Could not set lock on file /.test(message)) return undefined;
  const pid = /Conflicting lock is held in [^\n]*\(PID (\d+)\)/.exec(message)?.[1];
  return { pid: pid === undefined ? undefined : Number(pid) };
}

/**
 * One DuckDB database and connection, with the settings sinso relies on: UTC for every
 * timestamp cast, insertion order preserved (stable Parquet bytes). Close it with `close()`.
 *
 * @example
 * const s = await DuckDBSession.open({});
 * try { await s.run('SELECT 1'); } finally { s.close(); }
 */
export class DuckDBSession {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(p: OpenSessionParameters = {}): Promise<DuckDBSession> {
    const options: Record<string, string> = { preserve_insertion_order: 'true' };
    if (p.readOnly) options['access_mode'] = 'READ_ONLY';
    if (p.threads !== undefined) options['threads'] = String(p.threads);
    const instance = await createInstance(p, options);
    const connection = await instance.connect();
    // every TIMESTAMPTZ → TIMESTAMP cast in UTC, whatever the machine's zone (ICU is built in)
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDBSession(instance, connection);
  }

  /** Runs SQL written by sinso itself (a failure is a bug or an I/O problem, wrapped). */
  async run(sql: string): Promise<DuckDBMaterializedResult> {
    try {
      return await this.connection.run(sql);
    } catch (err) {
      throw new InternalError('INTERNAL', { what: 'a DuckDB statement sinso wrote failed' }, { cause: err });
    }
  }

  /** Runs SQL and returns the rows as JSON-friendly objects (small results only). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  }

  /** Starts a streaming query (chunks fetched on demand). */
  stream(sql: string): Promise<DuckDBResult> {
    return this.connection.stream(sql);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** DuckDBInstance.create, retried while another process holds the file (up to p.lockWaitMs). */
async function createInstance(
  p: OpenSessionParameters,
  options: Record<string, string>,
): Promise<DuckDBInstance> {
  const limitMs = p.lockWaitMs ?? 0;
  const start = performance.now();
  for (;;) {
    try {
      if (p.path !== undefined && !p.readOnly) await mkdir(dirname(p.path), { recursive: true });
      return await DuckDBInstance.create(p.path ?? ':memory:', options);
    } catch (err) {
      const holder = lockHolderOf(err);
      const waitedMs = performance.now() - start;
      if (holder && waitedMs < limitMs) {
        p.onLockWait?.({ holderPid: holder.pid, waitedMs, limitMs });
        await sleep(Math.min(LOCK_RETRY_MS, limitMs - waitedMs));
        continue;
      }
      if (holder) {
        throw new TablesError(
          'TABLES_DATABASE_BUSY',
          {
            access: p.readOnly ? 'read' : 'write',
            holderPid: holder.pid,
            waitedSeconds: Math.round(limitMs / 1000),
          },
          { cause: err },
        );
      }
      throw new TablesError('The DuckDB database could not be opened.', {
        code: p.readOnly ? 'TABLES_NOT_FOUND' : 'IO_FAILED',
        fix: p.readOnly
          ? 'Build the tables first with `sinso tables IN... --out DIR` in this workspace.'
          : 'Check that the workspace store folder is writable.',
        cause: err,
      });
    }
  }
}

/**
 * Opens a session, runs `fn` with it, and closes it however `fn` ends.
 *
 * @example
 * const n = await withSession({}, async (s) => (await s.rows('SELECT 42 AS n'))[0]?.['n']);
 */
export async function withSession<T>(
  p: OpenSessionParameters,
  fn: (session: DuckDBSession) => Promise<T>,
): Promise<T> {
  const session = await DuckDBSession.open(p);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

const ARROW_TO_DUCKDB: Record<string, { type: DuckDBType; sql: string; bytes: number }> = {
  Utf8: { type: VARCHAR, sql: 'VARCHAR', bytes: 0 },
  Int32: { type: INTEGER, sql: 'INTEGER', bytes: 4 },
  Int64: { type: BIGINT, sql: 'BIGINT', bytes: 8 },
};

function duckTypeOf(arrowType: { toString(): string }) {
  const t = ARROW_TO_DUCKDB[String(arrowType)];
  if (!t) throw new RangeError(`unsupported Arrow type ${String(arrowType)}`);
  return t;
}

/**
 * Creates `table` from an Arrow table and loads it through bulk DuckDB data chunks: fixed-width
 * columns are copied buffer to vector, validity bitmaps likewise (Arrow's and DuckDB's layouts
 * agree), strings go in from the one UTF-8 buffer by offsets. Nothing is converted row by row
 * into JS values.
 *
 * @example
 * await appendArrowTable(session, 'dicom_files', arrowTable(columns));
 */
export async function appendArrowTable(session: DuckDBSession, table: string, arrow: Table): Promise<void> {
  const fields = arrow.schema.fields;
  const types = fields.map((f) => duckTypeOf(f.type));
  await session.run(
    `CREATE OR REPLACE TEMP TABLE ${sqlIdent(table)} (${fields
      .map((f, i) => `${sqlIdent(f.name)} ${types[i]?.sql}`)
      .join(', ')})`,
  );
  const appender = await session.connection.createAppender(table, 'main', 'temp');
  const size = duckdb.vector_size();
  const columns = fields.map((_, i) => {
    const child = arrow.getChildAt(i);
    const data = child?.data;
    if (data?.length !== 1) throw new RangeError('expected one Arrow chunk per column');
    return data[0] as NonNullable<(typeof data)[0]>;
  });
  try {
    for (let start = 0; start < arrow.numRows; start += size) {
      const count = Math.min(size, arrow.numRows - start);
      const chunk = DuckDBDataChunk.create(
        types.map((t) => t.type),
        count,
      );
      for (const [c, data] of columns.entries()) {
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
        copyValidity(vector, data.nullBitmap, data.nullCount, start, count);
        const width = types[c]?.bytes ?? 0;
        if (width > 0) {
          const values = data.values as Int32Array | BigInt64Array;
          duckdb.copy_data_to_vector(
            vector,
            0,
            values.buffer as ArrayBuffer,
            values.byteOffset + start * width,
            count * width,
          );
        } else {
          const offsets = data.valueOffsets as Int32Array;
          const bytes = data.values as Uint8Array;
          for (let i = 0; i < count; i++) {
            const a = offsets[start + i] as number;
            const b = offsets[start + i + 1] as number;
            duckdb.vector_assign_string_element_len(vector, i, bytes.subarray(a, b));
          }
        }
      }
      chunk.rowCount = count;
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Copies the rows [start, start+count) of an Arrow validity bitmap into a DuckDB vector. */
function copyValidity(
  vector: duckdb.Vector,
  bitmap: Uint8Array | undefined,
  nullCount: number,
  start: number,
  count: number,
): void {
  if (!bitmap || bitmap.length === 0 || nullCount === 0) return;
  duckdb.vector_ensure_validity_writable(vector);
  // start is a multiple of the vector size (2048), so whole bytes line up
  const bytes = Math.ceil(count / 8);
  const src = new Uint8Array(Math.ceil(count / 64) * 8).fill(0xff);
  src.set(bitmap.subarray(start >> 3, (start >> 3) + bytes));
  duckdb.copy_data_to_vector_validity(vector, 0, src.buffer, 0, src.length);
}
