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
    code: 'TABLES_INVALID',
    fix: 'Rebuild the folder with `sinso tables`.',
    missing: {
      code: 'TABLES_NOT_FOUND',
      message: 'The folder holds no tables.json.',
      fix: 'Pass the --out folder of `sinso tables`.',
    },
  });
  const names = new Set(manifest.tables.map((t) => t.name));
  if (manifest.tablesVersion !== TABLES_VERSION || TABLE_NAMES.some((n) => !names.has(n))) {
    throw new TablesError('The tables folder was written by another version of the table schemas.', {
      code: 'TABLES_INVALID',
      metaMessages: [`Expected tables version ${TABLES_VERSION}.`],
      fix: 'Rebuild the folder with this version of `sinso tables`.',
    });
  }
  return manifest;
}

/** `read_parquet('<dir>/<table>.parquet')`, for SQL over a tables folder. */
export function parquetRelation(dir: string, table: string): string {
  return `read_parquet(${sqlString(join(dir, `${table}.parquet`))})`;
}
