import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DuckDBSession,
  describeDuckDBError,
  sqlIdent,
  sqlString,
  TablesError,
  withSession,
} from '../../tables/index.js';
import { TrainError } from '../errors.js';
import type { RawFeatures } from '../preprocess.js';
import type { ModelSpec } from '../spec.js';
import type { PledgedDataset } from './pledgedData.js';

/** The rows of one committed table a job read: ranges of row indices in commitment order. */
export type TableRowsUsed = { table: string; rows: number; ranges: [number, number][] };
/** What a job used of one pledged dataset. */
export type RowsUsed = {
  pledge: string;
  tokenId: string;
  version: number;
  root: string;
  tables: TableRowsUsed[];
};

/** The examples of a job, pooled over its pledged datasets (in memory only: never written). */
export type Examples = {
  raw: RawFeatures;
  /** 0 or 1 per example. */
  label: Float32Array;
  /** Which pledged dataset (index into the job's list) each example came from. */
  dataset: Uint16Array;
  /** The patient of each example, unique across datasets (dataset index, then the pseudonym). */
  patient: string[];
  /** Examples dropped because their label was NULL. */
  unlabeled: number;
  rowsUsed: RowsUsed[];
};

type TablesJson = { tables: { name: string; file: string; rows: number; columns: { name: string }[] }[] };

/** Runs the spec's feature query; a failure is the user's SQL: kind and position, never the text. */
async function userQuery(session: DuckDBSession, sql: string): Promise<Record<string, unknown[]>> {
  try {
    const result = await session.connection.run(sql);
    // (the session is locked down: the query reads the job's tables and nothing else)
    return (await result.getColumnsObjectJS()) as Record<string, unknown[]>;
  } catch (err) {
    const e = new TablesError('SQL_FAILED', describeDuckDBError(err, sql), { cause: err });
    throw new TrainError(
      'TRAIN_DATA_INVALID',
      { problem: `the feature query failed (${e.message})` },
      { cause: e },
    );
  }
}

/** Sorted row indices → [start, end) ranges. */
export function toRanges(rows: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last[1] === r) last[1] = r + 1;
    else out.push([r, r + 1]);
  }
  return out;
}

/** Whether the query names a table (as a word, case-insensitive): those are the tables it reads. */
function referenced(sql: string, table: string): boolean {
  return new RegExp(`(^|[^a-z0-9_])${table}([^a-z0-9_]|$)`, 'i').test(sql);
}

/**
 * Runs the spec's feature query in DuckDB over each pledged dataset's decrypted tables (views by
 * table name) and pools the examples. Records, per dataset and table the query reads, the
 * committed rows the job used: the rows of its examples' patients (tables with a patient_id
 * column), or every row (tables without one).
 *
 * @example
 * const ex = await loadExamples({ datasets, spec });
 */
export async function loadExamples(p: {
  datasets: readonly PledgedDataset[];
  spec: ModelSpec;
}): Promise<Examples> {
  const { spec } = p;
  const numeric = spec.features.numeric;
  const categorical = spec.features.categorical;
  const columns = {
    numeric: numeric.map(() => [] as number[]),
    categorical: categorical.map(() => [] as (string | null)[]),
  };
  const label: number[] = [];
  const dataset: number[] = [];
  const patient: string[] = [];
  const rowsUsed: RowsUsed[] = [];
  let unlabeled = 0;
  for (const [d, ds] of p.datasets.entries()) {
    const tables = (JSON.parse(await readFile(join(ds.tablesDir, 'tables.json'), 'utf8')) as TablesJson)
      .tables;
    await withSession({ threads: 1 }, async (session) => {
      // the tables in memory, then no file system: the consumer's query reads nothing else
      await session.run('CREATE SCHEMA sinso_job');
      for (const t of tables) {
        const file = sqlString(join(ds.tablesDir, t.file));
        await session.run(`CREATE TABLE ${sqlIdent(t.name)} AS SELECT * FROM read_parquet(${file})`);
        if (t.columns.some((c) => c.name === 'patient_id')) {
          await session.run(
            `CREATE TABLE sinso_job.${sqlIdent(t.name)} AS SELECT file_row_number AS r, patient_id FROM read_parquet(${file}, file_row_number = true)`,
          );
        }
      }
      await session.run('CREATE TABLE sinso_job.patients_used (patient_id VARCHAR)');
      await session.run('SET enable_external_access = false');
      await session.run('SET lock_configuration = true');
      const cols = await userQuery(session, spec.data.query);
      const need = [spec.data.patient, spec.data.label, ...numeric, ...categorical];
      const missing = need.find((c) => !(c in cols));
      if (missing !== undefined) {
        throw new TrainError('TRAIN_DATA_INVALID', {
          problem: `the feature query returns no column ${missing}`,
        });
      }
      const n = cols[spec.data.patient]?.length ?? 0;
      const ids = cols[spec.data.patient] as unknown[];
      const ys = cols[spec.data.label] as unknown[];
      const seen = new Set<string>();
      for (let r = 0; r < n; r++) {
        const y = ys[r];
        if (y === null || y === undefined) {
          unlabeled++;
          continue;
        }
        const yv = typeof y === 'boolean' ? (y ? 1 : 0) : Number(y);
        if (yv !== 0 && yv !== 1) {
          throw new TrainError('TRAIN_DATA_INVALID', {
            problem: `the label ${spec.data.label} is not 0/1 or boolean`,
          });
        }
        const id = ids[r];
        if (id === null || id === undefined) {
          throw new TrainError('TRAIN_DATA_INVALID', {
            problem: `the patient column ${spec.data.patient} has NULLs`,
          });
        }
        seen.add(String(id));
        label.push(yv);
        dataset.push(d);
        patient.push(`${d}:${String(id)}`);
        numeric.forEach((c, j) => {
          const v = (cols[c] as unknown[])[r];
          const x = v === null || v === undefined ? Number.NaN : Number(v);
          if (typeof v === 'string' || (v !== null && v !== undefined && !Number.isFinite(x))) {
            throw new TrainError('TRAIN_DATA_INVALID', {
              problem: `the numeric feature ${c} is not a finite number`,
            });
          }
          columns.numeric[j]?.push(x);
        });
        categorical.forEach((c, j) => {
          const v = (cols[c] as unknown[])[r];
          columns.categorical[j]?.push(v === null || v === undefined || v === '' ? null : String(v));
        });
      }
      if (seen.size > 0) {
        await session.run(
          `INSERT INTO sinso_job.patients_used VALUES ${[...seen].map((x) => `(${sqlString(x)})`).join(', ')}`,
        );
      }
      const used: TableRowsUsed[] = [];
      for (const t of tables) {
        if (!referenced(spec.data.query, t.name)) continue;
        const rows = t.columns.some((c) => c.name === 'patient_id')
          ? (
              await session.rows(
                `SELECT r FROM sinso_job.${sqlIdent(t.name)} WHERE patient_id IN (SELECT patient_id FROM sinso_job.patients_used) ORDER BY r`,
              )
            ).map((x) => Number(x['r']))
          : Array.from({ length: t.rows }, (_, i) => i);
        used.push({ table: t.name, rows: rows.length, ranges: toRanges(rows) });
      }
      rowsUsed.push({
        pledge: ds.pledge,
        tokenId: ds.tokenId,
        version: ds.version,
        root: ds.root,
        tables: used,
      });
    });
  }
  if (label.length === 0)
    throw new TrainError('TRAIN_DATA_INVALID', { problem: 'the feature query returned no labelled example' });
  return {
    raw: {
      rows: label.length,
      numeric: Object.fromEntries(numeric.map((c, j) => [c, Float64Array.from(columns.numeric[j] ?? [])])),
      categorical: Object.fromEntries(categorical.map((c, j) => [c, columns.categorical[j] ?? []])),
    },
    label: Float32Array.from(label),
    dataset: Uint16Array.from(dataset),
    patient,
    unlabeled,
    rowsUsed,
  };
}
