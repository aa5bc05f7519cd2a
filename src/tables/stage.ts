import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TablesManifestSchema } from '../core/schemas/tables.js';
import { defineStage } from '../core/stage.js';
import { buildTables } from './buildTables.js';
import { TablesOptionsSchema, TablesSuppressOptionsSchema } from './schema.js';
import { suppressTables } from './suppressTables.js';

/** Whether a folder holds a tables.json written by sinso (so a CLI run may replace it). */
async function holdsTables(path: string): Promise<boolean> {
  try {
    return TablesManifestSchema.safeParse(JSON.parse(await readFile(join(path, 'tables.json'), 'utf8')))
      .success;
  } catch {
    return false;
  }
}

/** `tables` / `sinso tables`: de-identified FHIR + DICOM → DuckDB tables, Parquet, tables.json, risk.json. */
export const tablesStage = defineStage({
  name: 'tables',
  version: '1',
  summary:
    'Build the dataset tables (DuckDB, Parquet) from de-identified FHIR and DICOM, with a k-anonymity report',
  options: TablesOptionsSchema,
  inputs: ['inputs'],
  outputs: ['out'],
  needsKeys: false,
  output: { deterministic: true },
  ownsOutput: (_key, path) => holdsTables(path),
  run: (ctx, o) => buildTables(ctx, o),
});

/** `tables.suppress` / `sinso tables suppress`: drop (or generalize, then drop) patients below k. */
export const tablesSuppressStage = defineStage({
  name: 'tables.suppress',
  version: '1',
  summary:
    'Suppress patients in k-anonymity classes below --min-k (drop, or generalize then drop) in a new tables folder',
  options: TablesSuppressOptionsSchema,
  inputs: ['input'],
  outputs: ['out'],
  needsKeys: false,
  output: { deterministic: true },
  ownsOutput: (_key, path) => holdsTables(path),
  run: (ctx, o) => suppressTables(ctx, o),
});
