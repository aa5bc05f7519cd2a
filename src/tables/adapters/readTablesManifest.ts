import { join } from 'node:path';
import { readJsonFile } from '../../core/parse.js';
import { type TablesManifest, TablesManifestSchema } from '../../core/schemas/tables.js';
import { TablesError } from '../errors.js';
import { sqlString } from '../fhirSql.js';
import { TABLE_NAMES, TABLES_VERSION } from '../schema.js';

/**
 * Reads and checks `<dir>/tables.json`: valid, of this tables version, with every table.
 *
 * @example
 * const manifest = await readTablesManifest('tables/');
 */
export async function readTablesManifest(dir: string): Promise<TablesManifest> {
  const manifest = await readJsonFile(join(dir, 'tables.json'), TablesManifestSchema, {
    what: 'tables manifest (tables.json)',
    invalid: (issues, cause) => new TablesError('TABLES_INVALID', { problem: 'file' }, { issues, cause }),
    unreadable: (cause) => new TablesError('TABLES_NOT_FOUND', { where: 'folder' }, { cause }),
  });
  const names = new Set(manifest.tables.map((t) => t.name));
  if (manifest.tablesVersion !== TABLES_VERSION || TABLE_NAMES.some((n) => !names.has(n))) {
    throw new TablesError('TABLES_INVALID', { problem: 'version' });
  }
  return manifest;
}

/** `read_parquet('<dir>/<table>.parquet')`, for SQL over a tables folder. */
export function parquetRelation(dir: string, table: string): string {
  return `read_parquet(${sqlString(join(dir, `${table}.parquet`))})`;
}
