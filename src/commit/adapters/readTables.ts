import { join } from 'node:path';
import { DuckDBDecimalValue, DuckDBInstance } from '@duckdb/node-api';
import { wrapIoError } from '../../core/errors/index.js';
import { sha256File, sha256Hex } from '../../core/hash.js';
import { readJsonFileText } from '../../core/parse.js';
import {
  type TableColumn,
  type TableEntry,
  type TablesManifest,
  TablesManifestSchema,
} from '../../core/schemas/tables.js';
import { MAX_COLUMNS, MAX_DICTIONARY } from '../constants.js';
import { type Cell, sortDictionary } from '../encodeValue.js';
import { CommitError } from '../errors.js';

export type ReadTablesManifestReturnType = { manifest: TablesManifest; sha256: string };

/**
 * Reads and validates `DIR/tables.json`; returns it with the sha256 of its bytes.
 *
 * @example
 * const { manifest, sha256 } = await readTablesManifest('out/tables');
 */
export async function readTablesManifest(tablesDir: string): Promise<ReadTablesManifestReturnType> {
  const { value: manifest, text } = await readJsonFileText(
    join(tablesDir, 'tables.json'),
    TablesManifestSchema,
    {
      what: 'tables.json',
      code: 'COMMIT_TABLES_INVALID',
      fix: 'Write the tables again with `sinso tables` (pass the folder it wrote).',
    },
  );
  for (const t of manifest.tables) checkTableShape(t);
  return { manifest, sha256: sha256Hex(text) };
}

function checkTableShape(t: TableEntry): void {
  const names = new Set(t.columns.map((c) => c.name));
  const problems: string[] = [];
  if (names.size !== t.columns.length) problems.push('two columns have the same name');
  if (t.columns.length > MAX_COLUMNS) problems.push(`more than ${MAX_COLUMNS} columns`);
  for (const c of t.columns) {
    if (c.logical === 'decimal' && c.scale === undefined)
      problems.push(`decimal column ${c.name} has no scale`);
  }
  if (problems.length > 0) {
    throw new CommitError('A table in tables.json cannot be committed.', {
      code: 'COMMIT_TABLES_INVALID',
      metaMessages: [`Table: ${t.name}`, ...problems.map((p) => `- ${p}`)],
      fix: 'Fix the table description in tables.json (or write the tables again).',
    });
  }
}

/**
 * Checks that a table's Parquet file is the one tables.json describes (sha256).
 *
 * @example
 * await checkTableFile(tablesDir, entry);
 */
export async function checkTableFile(tablesDir: string, entry: TableEntry): Promise<string> {
  const path = join(tablesDir, entry.file);
  let digest: string;
  try {
    digest = await sha256File(path);
  } catch (err) {
    throw wrapIoError(err, `Reading table file ${entry.file}`, 'Check that the tables folder is complete.');
  }
  if (digest !== entry.sha256) {
    throw new CommitError('A table file differs from the one tables.json describes.', {
      code: 'COMMIT_TABLES_INVALID',
      metaMessages: [`Table: ${entry.name}`],
      fix: 'Write the tables again with `sinso tables`; do not edit Parquet files by hand.',
    });
  }
  return path;
}

/** Reads committed tables through an in-memory DuckDB. Close it when done. */
export type TableReader = {
  /** Rows of the Parquet file. */
  rowCount(path: string): Promise<number>;
  /** The sorted distinct non-null values of a categorical column. */
  dictionary(path: string, column: TableColumn, table: string): Promise<string[]>;
  /**
   * The cells of rows in file order, column-major per batch (`batch[column][row]`); from row
   * `offset`, at most `limit` rows when given.
   */
  scan(
    path: string,
    entry: TableEntry,
    range?: { offset: number; limit: number },
  ): AsyncGenerator<Cell[][], void, undefined>;
  close(): void;
};

/**
 * Opens a table reader (DuckDB in memory; reads Parquet in chunks, column by column).
 *
 * @example
 * const reader = await openTableReader();
 * try { for await (const batch of reader.scan(path, entry)) … } finally { reader.close(); }
 */
export async function openTableReader(): Promise<TableReader> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const run = async <T>(what: string, table: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CommitError) throw err;
      throw new CommitError(`Reading a table with DuckDB failed (${what}).`, {
        code: 'COMMIT_TABLES_INVALID',
        cause: err,
        metaMessages: [`Table: ${table}`],
        fix: 'Check that the Parquet file has the columns and types tables.json lists.',
      });
    }
  };
  return {
    rowCount: (path) =>
      run('count', path, async () => {
        const r = await connection.runAndReadAll(
          `SELECT count(*) AS n FROM read_parquet(${sqlString(path)})`,
        );
        return Number(r.getRows()[0]?.[0] ?? 0);
      }),
    dictionary: (path, column, table) =>
      run('dictionary', table, async () => {
        const col = quoteIdent(column.name);
        const source = `read_parquet(${sqlString(path)})`;
        const count = await connection.runAndReadAll(`SELECT count(DISTINCT ${col}) FROM ${source}`);
        if (Number(count.getRows()[0]?.[0] ?? 0) > MAX_DICTIONARY) {
          throw new CommitError('A categorical column has too many distinct values.', {
            code: 'COMMIT_TABLES_INVALID',
            metaMessages: [`Table: ${table}`, `Column: ${column.name}`],
            fix: `A dictionary holds at most ${MAX_DICTIONARY} values; declare the column as string.`,
          });
        }
        const r = await connection.runAndReadAll(
          `SELECT DISTINCT CAST(${col} AS VARCHAR) FROM ${source} WHERE ${col} IS NOT NULL`,
        );
        return sortDictionary(r.getRows().map((row) => String(row[0])));
      }),
    async *scan(path, entry, range) {
      const float = entry.columns.find(
        (c) => c.logical === 'decimal' && /^(FLOAT|DOUBLE|REAL)/i.test(c.type),
      );
      if (float) throw floatDecimal(entry.name, float);
      const select = entry.columns.map((c) => `${cellExpression(c)} AS ${quoteIdent(c.name)}`).join(', ');
      const limit = range ? ` LIMIT ${range.limit} OFFSET ${range.offset}` : '';
      const result = await run('scan', entry.name, () =>
        connection.stream(`SELECT ${select} FROM read_parquet(${sqlString(path)})${limit}`),
      );
      for (;;) {
        const chunk = await run('scan', entry.name, () => result.fetchChunk());
        if (!chunk || chunk.rowCount === 0) return;
        yield entry.columns.map((c, i) => chunk.getColumnValues(i).map((v) => toCell(entry.name, c, v)));
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The SQL that turns a column into the value its encoding starts from (exact; no floating point). */
function cellExpression(c: TableColumn): string {
  const q = quoteIdent(c.name);
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

function toCell(table: string, c: TableColumn, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof DuckDBDecimalValue) return v.value;
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return BigInt(v);
  throw new CommitError('A table value has a type the commitment cannot read.', {
    code: 'COMMIT_TABLES_INVALID',
    metaMessages: [`Table: ${table}`, `Column: ${c.name} (${c.logical})`],
    fix: 'Use the physical types tables.json lists (BIGINT, DECIMAL, DATE, TIMESTAMP, BOOLEAN, VARCHAR).',
  });
}

function floatDecimal(table: string, c: TableColumn): CommitError {
  return new CommitError('A decimal column is stored as floating point.', {
    code: 'COMMIT_TABLES_INVALID',
    metaMessages: [`Table: ${table}`, `Column: ${c.name}`],
    fix: 'Store decimal columns as DECIMAL(18, scale): a float cannot be encoded exactly.',
  });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
