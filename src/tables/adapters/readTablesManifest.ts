import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWith } from '../../core/parse.js';
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
  let text: string;
  try {
    text = await readFile(join(dir, 'tables.json'), 'utf8');
  } catch (err) {
    throw new TablesError('The folder holds no tables.json.', {
      code: 'TABLES_NOT_FOUND',
      fix: 'Pass the --out folder of `sinso tables`.',
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TablesError('tables.json is not valid JSON.', {
      code: 'TABLES_INVALID',
      fix: 'Rebuild the folder with `sinso tables`.',
      cause: err,
    });
  }
  const manifest = parseWith(TablesManifestSchema, json, {
    what: 'tables manifest (tables.json)',
    code: 'TABLES_INVALID',
    fix: 'Rebuild the folder with `sinso tables`.',
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
