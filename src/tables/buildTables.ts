import { join } from 'node:path';
import type { Progress } from '../core/progress.js';
import type { Rejection, StageContext, StageResult } from '../core/stage.js';
import { appendArrowTable, DuckDBSession } from './adapters/DuckDBSession.js';
import { exportTables } from './adapters/exportTables.js';
import { readDicomHeaders } from './adapters/readDicomHeaders.js';
import { type FhirFileInput, readSources, type TablesInputs } from './adapters/readSources.js';
import { arrowTable } from './arrowColumns.js';
import { dicomArrowColumns } from './dicomMetadata.js';
import { TablesError } from './errors.js';
import {
  conflictingDuplicatesSql,
  createStagingSql,
  FHIR_TABLES,
  type FhirTableName,
  fhirInsertSql,
  stagingTable,
} from './fhirSql.js';
import { type DedupeTables, DICOM_FILES_TABLE, replaceDatasetSql } from './materializeSql.js';
import { sqlIdent } from './quoteSql.js';
import { parseQuasiIdentifiers } from './risk.js';
import type { TablesOptions, TablesResult } from './schema.js';

/** The workspace DuckDB file: `<workspace>/store/sinso.duckdb`. */
export function workspaceDatabasePath(storeDir: string): string {
  return join(storeDir, 'sinso.duckdb');
}

/** Why DuckDB refused a file, without any data value: the line number when it gives one. */
function ndjsonRejectReason(table: FhirTableName, err: unknown): string {
  const line = /\bline (\d+)/i.exec(err instanceof Error ? err.message : '')?.[1];
  return `not valid ${FHIR_TABLES[table]} NDJSON${line ? ` (line ${line})` : ''}: fix or remove the file`;
}

/**
 * Loads NDJSON files into the FHIR staging tables, one `INSERT … SELECT … FROM read_json` per
 * file: DuckDB's native reader parses and SQL flattens. A file DuckDB cannot read is rejected
 * (by ordinal and path) and the others still load.
 *
 * @example
 * const rejected = await loadFhirFiles(session, [{ table: 'observations', path, ordinal: 1 }]);
 */
export async function loadFhirFiles(
  session: DuckDBSession,
  files: readonly FhirFileInput[],
  progress?: Progress,
): Promise<Rejection[]> {
  for (const t of Object.keys(FHIR_TABLES) as FhirTableName[]) await session.run(createStagingSql(t));
  const task = progress?.start('tables: FHIR files', files.length);
  const rejected: Rejection[] = [];
  for (const f of files) {
    try {
      await session.connection.run(fhirInsertSql(f.table, f.path, f.ordinal));
    } catch (err) {
      rejected.push({ ordinal: f.ordinal, path: f.path, reason: ndjsonRejectReason(f.table, err) });
    }
    task?.tick();
  }
  task?.done();
  return rejected;
}

/** The FHIR tables loaded from more than one file: their resource ids are de-duplicated. */
export function tablesToDedupe(files: readonly FhirFileInput[]): DedupeTables {
  const count = new Map<FhirTableName, number>();
  for (const f of files) count.set(f.table, (count.get(f.table) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n > 1).map(([t]) => t));
}

/**
 * The same resource id in two input files: identical rows are kept once (silently: a folder given
 * twice, or overlapping exports); rows that differ from the first file's are left out and their
 * file is reported, so no resource is counted twice and none is silently replaced.
 *
 * @example
 * const rejected = await duplicateRejections(session, inputs.fhir);
 */
export async function duplicateRejections(
  session: DuckDBSession,
  files: readonly FhirFileInput[],
): Promise<Rejection[]> {
  const byOrdinal = new Map(files.map((f) => [f.ordinal, f]));
  const out: Rejection[] = [];
  for (const table of tablesToDedupe(files)) {
    for (const r of await session.rows(conflictingDuplicatesSql(table))) {
      const file = byOrdinal.get(Number(r['ordinal']));
      if (!file) continue;
      out.push({
        ordinal: file.ordinal,
        path: file.path,
        reason:
          `${Number(r['n'])} ${FHIR_TABLES[table]} resource(s) have the id of a different resource in input file ` +
          `#${Number(r['first'])} and were left out: give each resource once (one export per folder, no overlapping folders)`,
      });
    }
  }
  return out;
}

/**
 * Reads the DICOM headers (bounded concurrency), builds the raw file table as Arrow columns and
 * loads it into DuckDB through bulk data chunks.
 *
 * @example
 * const rejected = await loadDicomFiles(session, inputs.dicom, { concurrency: 8 });
 */
export async function loadDicomFiles(
  session: DuckDBSession,
  files: TablesInputs['dicom'],
  options: { concurrency: number; progress?: Progress | undefined },
): Promise<Rejection[]> {
  const task = options.progress?.start('tables: DICOM headers', files.length);
  const { files: read, rejected } = await readDicomHeaders(files, {
    concurrency: options.concurrency,
    onFile: () => task?.tick(),
  });
  task?.done();
  await appendArrowTable(session, DICOM_FILES_TABLE, arrowTable(dicomArrowColumns(read)));
  return rejected;
}

/** Creates the (empty) staging tables of sources that were not loaded, e.g. no DICOM input. */
async function ensureStagingTables(session: DuckDBSession): Promise<void> {
  const present = new Set(
    (await session.rows('SELECT table_name FROM duckdb_tables() WHERE temporary')).map(
      (r) => r['table_name'],
    ),
  );
  for (const t of Object.keys(FHIR_TABLES) as FhirTableName[]) {
    if (!present.has(stagingTable(t))) await session.run(createStagingSql(t));
  }
  if (!present.has(DICOM_FILES_TABLE)) {
    await appendArrowTable(session, DICOM_FILES_TABLE, arrowTable(dicomArrowColumns([])));
  }
}

/**
 * Replaces every table of a dataset (DuckDB schema) with the staged rows, in one transaction:
 * readers see the old tables or the new ones, never a mix.
 *
 * @example
 * await replaceDataset(session, 'main');
 */
export async function replaceDataset(
  session: DuckDBSession,
  dataset: string,
  dedupe: DedupeTables = new Set(),
): Promise<void> {
  await ensureStagingTables(session);
  await session.run('BEGIN TRANSACTION');
  try {
    for (const sql of replaceDatasetSql(dataset, dedupe)) await session.run(sql);
    await session.run('COMMIT');
  } catch (err) {
    await session.connection.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * The `tables` stage: de-identified FHIR and DICOM folders → the tables in the workspace DuckDB
 * (schema `dataset`; in memory without a workspace) → `<out>/<table>.parquet`, `tables.json`,
 * `risk.json`.
 *
 * @example
 * const r = await buildTables(ctx, TablesOptionsSchema.parse({ inputs: ['deid-fhir'], out: 'tables' }));
 */
export async function buildTables(ctx: StageContext, o: TablesOptions): Promise<StageResult<TablesResult>> {
  const qi = parseQuasiIdentifiers(o.qi);
  const inputs = await readSources(o.inputs);
  if (inputs.fhir.length === 0 && inputs.dicom.length === 0) {
    throw new TablesError('TABLES_NO_INPUT');
  }
  const session = await DuckDBSession.open({
    path: ctx.workspace ? workspaceDatabasePath(ctx.workspace.paths.store) : undefined,
  });
  try {
    const rejected = [
      ...(await loadFhirFiles(session, inputs.fhir, ctx.progress)),
      ...(await duplicateRejections(session, inputs.fhir)),
      ...(await loadDicomFiles(session, inputs.dicom, {
        concurrency: o.concurrency,
        progress: ctx.progress,
      })),
    ].sort((a, b) => a.ordinal - b.ordinal);
    await replaceDataset(session, o.dataset, tablesToDedupe(inputs.fhir));
    const { manifest, risk } = await exportTables(session, {
      relationOf: (t) => `${sqlIdent(o.dataset)}.${sqlIdent(t)}`,
      out: o.out,
      sources: inputs.sources,
      qi,
      minK: o.minK,
      asOfYear: o.asOfYear,
    });
    return {
      summary: {
        rows: Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])),
        k: risk.k,
        patientsBelowMinK: risk.rowsBelowMinK,
        rejected: rejected.length,
      },
      rejected,
    };
  } finally {
    session.close();
  }
}
