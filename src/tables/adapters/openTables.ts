import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBDecimalValue } from '@duckdb/node-api';
import { InternalError, SinsoError, wrapIoError } from '../../core/errors/index.js';
import { sha256File, sha256Hex } from '../../core/hash.js';
import { readJsonFileText } from '../../core/parse.js';
import {
  type TableColumn,
  type TableEntry,
  type TablesManifest,
  TablesManifestSchema,
} from '../../core/schemas/tables.js';
import { TablesError, type tablesErrors } from '../errors.js';
import { sqlIdent, sqlString } from '../quoteSql.js';
import { TABLE_NAMES, TABLES_VERSION } from '../schema.js';
import { DuckDBSession } from './DuckDBSession.js';

/**
 * A value as a table stream gives it, exact, by the column's logical type: `int` as a bigint,
 * `decimal` as the bigint value × 10^scale, `date` as bigint days since 1970-01-01, `timestamp` as
 * bigint microseconds since 1970-01-01T00:00:00Z, `bool` as a boolean, `id` / `string` /
 * `categorical` as a string; null for SQL NULL. No floating point anywhere.
 */
export type TableCell = bigint | boolean | string | null;

export type OpenTablesParameters = {
  /**
   * Require every table `sinso tables` builds, of this version of the table schemas (the tables
   * stage's own readers: suppression, risk). Other readers take any tables.json.
   */
  sinsoTables?: boolean | undefined;
};

/** A tables folder, checked, with one DuckDB session over its Parquet files. Close it when done. */
export type TablesFolder = {
  dir: string;
  manifest: TablesManifest;
  /** sha256 of the bytes of tables.json (what a commitment records). */
  sha256: string;
  /** The entry of a table; throws when tables.json has no such table. */
  table(name: string): TableEntry;
  /** The path of a table's Parquet file. */
  path(name: string): string;
  /** `read_parquet('<dir>/<file>')`, for SQL over the table in this folder's session. */
  relation(name: string): string;
  /** The DuckDB session (in memory) the folder is read through; opened on first use. */
  session(): Promise<DuckDBSession>;
  /** The number of rows of the table's Parquet file. */
  rowCount(name: string): Promise<number>;
  /**
   * The distinct non-null values of a column as text, in no particular order; undefined when
   * there are more than `max`.
   */
  distinct(name: string, column: string, max: number): Promise<string[] | undefined>;
  /**
   * The table's rows in file order, which is its primary order (`orderBy`, as `sinso tables`
   * writes it) and the commitment's: batches of cells, column-major (`batch[column][row]`), in
   * the columns of tables.json; from row `offset`, at most `limit` rows when given.
   */
  scan(
    name: string,
    range?: { offset: number; limit: number },
  ): AsyncGenerator<TableCell[][], void, undefined>;
  close(): void;
};
export type OpenTablesReturnType = TablesFolder;
export type OpenTablesErrorType = SinsoError;

/** Every reader reports a bad tables folder the same way: a TablesError naming the problem. */
const invalid = (f: Parameters<typeof tablesErrors.TABLES_INVALID.message>[0], cause?: unknown) =>
  new TablesError('TABLES_INVALID', f, cause === undefined ? {} : { cause });

/**
 * Opens a tables folder (the output of `sinso tables`): reads and validates tables.json (the core
 * contract), checks that every Parquet file it lists is there with the size and sha256 it
 * records, and reads the tables through one in-memory DuckDB session: row counts, distinct
 * values and typed row streams in commitment order. The one reader of tables folders: tables,
 * commit and publish all read them through it.
 *
 * @example
 * const tables = await openTables('out/tables');
 * try {
 *   for await (const batch of tables.scan('patients')) console.log(batch[0]?.length);
 * } finally {
 *   tables.close();
 * }
 */
export async function openTables(dir: string, p: OpenTablesParameters = {}): Promise<OpenTablesReturnType> {
  const { value: manifest, text } = await readJsonFileText(join(dir, 'tables.json'), TablesManifestSchema, {
    what: 'tables manifest (tables.json)',
    invalid: (issues, cause) => new TablesError('TABLES_INVALID', { problem: 'file' }, { issues, cause }),
    unreadable: (cause) => new TablesError('TABLES_NOT_FOUND', { where: 'folder' }, { cause }),
  });
  if (p.sinsoTables) checkSinsoTables(manifest);
  for (const entry of manifest.tables) await checkTableFile(dir, entry);

  let session: DuckDBSession | undefined;
  let closed = false;
  const connect = async () => {
    if (closed)
      throw new InternalError('INTERNAL', { what: 'the tables folder was read after it was closed' });
    session ??= await DuckDBSession.open({});
    return session;
  };
  const table = (name: string): TableEntry => {
    const entry = manifest.tables.find((t) => t.name === name);
    if (!entry) {
      throw invalid({ problem: 'no-table', table: name, tables: manifest.tables.map((t) => t.name) });
    }
    return entry;
  };
  const path = (name: string) => join(dir, table(name).file);
  const relation = (name: string) => `read_parquet(${sqlString(path(name))})`;
  const read = async <T>(what: string, name: string, fn: (s: DuckDBSession) => Promise<T>): Promise<T> => {
    const s = await connect();
    try {
      return await fn(s);
    } catch (err) {
      if (err instanceof SinsoError) throw err;
      throw invalid({ problem: 'read', table: name, step: what }, err);
    }
  };

  return {
    dir,
    manifest,
    sha256: sha256Hex(text),
    table,
    path,
    relation,
    session: connect,
    rowCount: (name) =>
      read('count', name, async (s) => {
        const r = await s.connection.runAndReadAll(`SELECT count(*) AS n FROM ${relation(name)}`);
        return Number(r.getRows()[0]?.[0] ?? 0);
      }),
    distinct: (name, column, max) =>
      read('dictionary', name, async (s) => {
        const col = sqlIdent(column);
        const count = await s.connection.runAndReadAll(
          `SELECT count(DISTINCT ${col}) FROM ${relation(name)}`,
        );
        if (Number(count.getRows()[0]?.[0] ?? 0) > max) return undefined;
        const r = await s.connection.runAndReadAll(
          `SELECT DISTINCT CAST(${col} AS VARCHAR) FROM ${relation(name)} WHERE ${col} IS NOT NULL`,
        );
        return r.getRows().map((row) => String(row[0]));
      }),
    async *scan(name, range) {
      const entry = table(name);
      const float = entry.columns.find(
        (c) => c.logical === 'decimal' && /^(FLOAT|DOUBLE|REAL)/i.test(c.type),
      );
      if (float) throw invalid({ problem: 'float-decimal', table: entry.name, column: float.name });
      const select = entry.columns.map((c) => `${cellExpression(c)} AS ${sqlIdent(c.name)}`).join(', ');
      const limit = range ? ` LIMIT ${range.limit} OFFSET ${range.offset}` : '';
      const result = await read('scan', entry.name, (s) =>
        s.connection.stream(`SELECT ${select} FROM ${relation(name)}${limit}`),
      );
      for (;;) {
        const chunk = await read('scan', entry.name, () => result.fetchChunk());
        if (!chunk || chunk.rowCount === 0) return;
        yield entry.columns.map((c, i) => chunk.getColumnValues(i).map((v) => toCell(entry.name, c, v)));
      }
    },
    close() {
      closed = true;
      session?.close();
      session = undefined;
    },
  };
}

/**
 * Opens a tables folder, runs `fn` with it, and closes it however `fn` ends.
 *
 * @example
 * const rows = await withTables('out/tables', {}, (t) => t.rowCount('patients'));
 */
export async function withTables<T>(
  dir: string,
  p: OpenTablesParameters,
  fn: (tables: TablesFolder) => Promise<T>,
): Promise<T> {
  const tables = await openTables(dir, p);
  try {
    return await fn(tables);
  } finally {
    tables.close();
  }
}

function checkSinsoTables(manifest: TablesManifest): void {
  const names = new Set(manifest.tables.map((t) => t.name));
  if (manifest.tablesVersion !== TABLES_VERSION || TABLE_NAMES.some((n) => !names.has(n))) {
    throw invalid({ problem: 'version' });
  }
}

/** Checks that a table's Parquet file is the one tables.json describes (size, then sha256). */
async function checkTableFile(dir: string, entry: TableEntry): Promise<void> {
  const path = join(dir, entry.file);
  let size: number;
  let digest: string;
  try {
    size = (await stat(path)).size;
    digest = size === entry.bytes ? await sha256File(path) : '';
  } catch (err) {
    throw wrapIoError(err, `Reading table file ${entry.file}`, 'Check that the tables folder is complete.');
  }
  if (size !== entry.bytes || digest !== entry.sha256) {
    throw invalid({ problem: 'file-differs', table: entry.name });
  }
}

/** The SQL that turns a column into its exact cell value (no floating point). */
function cellExpression(c: TableColumn): string {
  const q = sqlIdent(c.name);
  switch (c.logical) {
    case 'int':
      return `CAST(${q} AS BIGINT)`;
    case 'decimal':
      return `CAST(${q} AS DECIMAL(38, ${c.scale ?? 0}))`;
    case 'date':
      return `datediff('day', DATE '1970-01-01', CAST(${q} AS DATE))`;
    case 'timestamp':
      return `epoch_us(${q})`;
    case 'bool':
      return `CAST(${q} AS BOOLEAN)`;
    case 'id':
    case 'string':
    case 'categorical':
      return `CAST(${q} AS VARCHAR)`;
  }
}

function toCell(table: string, c: TableColumn, v: unknown): TableCell {
  if (v === null || v === undefined) return null;
  if (v instanceof DuckDBDecimalValue) return v.value;
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return BigInt(v);
  throw invalid({ problem: 'cell-type', table, column: `${c.name} (${c.logical})` });
}
