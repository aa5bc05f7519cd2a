import { TablesManifestSchema } from '../core/schemas/tables.js';
import { defineStage } from '../core/stage.js';
import { buildTables } from './buildTables.js';
import {
  TablesOptionsSchema,
  TablesResultSchema,
  TablesSuppressOptionsSchema,
  TablesSuppressResultSchema,
} from './schema.js';
import { suppressTables } from './suppressTables.js';

/** A folder holding a tables.json that sinso wrote is an earlier output (a CLI run may replace it). */
const tablesMarker = { file: 'tables.json', schema: TablesManifestSchema };

/** `tables` / `sinso tables`: de-identified FHIR + DICOM → DuckDB tables, Parquet, tables.json, risk.json. */
export const tablesStage = defineStage({
  name: 'tables',
  version: '1',
  summary:
    'Build the dataset tables (DuckDB, Parquet) from de-identified FHIR and DICOM, with a k-anonymity report',
  options: TablesOptionsSchema,
  result: TablesResultSchema,
  inputs: ['inputs'],
  outputs: ['out'],
  marker: tablesMarker,
  output: { deterministic: true },
  cli: {
    positional: { key: 'inputs', name: 'IN...', many: true },
    description:
      "Builds patients, encounters, observations, conditions, medications, imaging_studies, imaging_series and imaging_instances (docs/tables.md) from the folders written by `sinso deid fhir` and `sinso deid dicom`. DuckDB parses the NDJSON and SQL flattens it; DICOM headers are read up to the pixel data and loaded as Arrow columns; pixel data stays in the files, referenced by CID. The tables are built in the workspace DuckDB (store/sinso.duckdb, schema --dataset; in memory without a workspace), replacing that schema in one transaction, and exported as OUT/<table>.parquet in each table's primary order, with OUT/tables.json and OUT/risk.json (k-anonymity). Same inputs, same bytes. Unreadable files are named on stderr; exit 2 when any.",
    examples: [
      'sinso tables deid-fhir/ deid-dicom/ --out tables/',
      'sinso tables deid-fhir/ --out tables/ --dataset owner-1 --qi age_band_10 --qi gender --qi zip3',
    ],
  },
  run: (ctx, o) => buildTables(ctx, o),
});

/** `tables.suppress` / `sinso tables suppress`: drop (or generalize, then drop) patients below k. */
export const tablesSuppressStage = defineStage({
  name: 'tables.suppress',
  version: '1',
  summary:
    'Suppress patients in k-anonymity classes below --min-k (drop, or generalize then drop) in a new tables folder',
  options: TablesSuppressOptionsSchema,
  result: TablesSuppressResultSchema,
  inputs: ['input'],
  outputs: ['out'],
  marker: tablesMarker,
  output: { deterministic: true },
  cli: {
    positional: { key: 'input', name: 'TABLES_DIR', many: false },
    description:
      'Reads a tables folder and writes a new one in which every patient of a k-anonymity class smaller than --min-k is removed with every row of theirs in every table (imaging series and instances follow their study). With --method generalize, birth years first become the first year of their decade (birth_date removed) and zip3 becomes 000 for everyone, then what is still below k is dropped. tables.json records the counts; risk.json is recomputed.',
    examples: [
      'sinso tables suppress tables/ --out tables-k5/',
      'sinso tables suppress tables/ --out tables-k10/ --min-k 10 --method generalize',
    ],
  },
  run: (ctx, o) => suppressTables(ctx, o),
});
