// @ts-check
/**
 * `npm run bench -- commit`: commitment building in rows/s on an observations-like table
 * (8 columns: 3 ids, 2 categorical, 1 decimal, 1 timestamp, 1 int; --rows rows), version 2
 * (column chunks) and version 1 (row leaves), on worker threads (one per core) and in one
 * thread, in the same run. The Parquet input is built once with DuckDB and cached under bench/out/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildCommitment } from '../../dist/commit/buildCommitment.js';
import { deriveSaltKey } from '../../dist/commit/rowSalt.js';
import { silentProgress } from '../../dist/core/progress.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** @param {string} name @param {string} type @param {string} logical @param {number} [scale] */
const column = (name, type, logical, scale) => ({
  name,
  type,
  logical,
  ...(scale === undefined ? {} : { scale }),
  nullable: true,
  description: name,
});

/**
 * Builds (once per size) a tables folder with one observations table of `rows` rows (8 columns;
 * with `age`, a 9th: an int 0..89, NULL every 37th row, `(i * 13) % 90`), cached under
 * bench/out/commit-<rows>[-age]/. Row i (0-based, in observation_id order) has
 * `value = ((i * 7919) % 200000) / 1000` (NULL when i % 50 = 0).
 * @param {number} rows @param {{ age?: boolean }} [o]
 */
export async function observationsTables(rows, o = {}) {
  const dir = join(root, 'bench/out', `commit-${rows}${o.age ? '-age' : ''}`);
  if (existsSync(join(dir, 'tables.json'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'observations.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const age = o.age ? ', CASE WHEN i % 37 = 0 THEN NULL ELSE CAST((i * 13) % 90 AS BIGINT) END AS age' : '';
  await c.run(`COPY (
      SELECT printf('obs-%09d', i) AS observation_id,
        printf('pat-%07d', i // 40) AS patient_id,
        printf('enc-%08d', i // 4) AS encounter_id,
        ['4548-4', '39156-5', '8302-2', '29463-7', '8480-6', '8462-4'][1 + i % 6] AS code,
        ['%', 'kg/m2', 'cm', 'kg', 'mm[Hg]'][1 + (i * 7) % 5] AS unit,
        CASE WHEN i % 50 = 0 THEN NULL ELSE CAST(((i * 7919) % 200000) / 1000.0 AS DECIMAL(18, 4)) END AS value,
        TIMESTAMP '2015-01-01 00:00:00' + to_microseconds(i * 60000000) AS effective,
        CAST(i % 1000 AS BIGINT) AS sequence${age}
      FROM range(${rows}) t(i) ORDER BY i) TO '${file}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  const bytes = readFileSync(file);
  const manifest = {
    schema: '1',
    kind: 'sinso-tables',
    tablesVersion: '1',
    sources: [],
    tables: [
      {
        name: 'observations',
        file: 'observations.parquet',
        rows,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        orderBy: ['observation_id'],
        columns: [
          column('observation_id', 'VARCHAR', 'id'),
          column('patient_id', 'VARCHAR', 'id'),
          column('encounter_id', 'VARCHAR', 'id'),
          column('code', 'VARCHAR', 'categorical'),
          column('unit', 'VARCHAR', 'categorical'),
          column('value', 'DECIMAL(18,4)', 'decimal', 4),
          column('effective', 'TIMESTAMP', 'timestamp'),
          column('sequence', 'BIGINT', 'int'),
          ...(o.age ? [column('age', 'BIGINT', 'int')] : []),
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'tables.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/**
 * @param {string} name @param {string} description @param {'1' | '2'} version
 * @param {(p: Record<string, string | number>) => number} workers
 */
const commitWorkload = (name, description, version, workers) => ({
  name,
  description,
  /** @param {Record<string, string | number>} p */
  setup: async (p) => ({ dir: await observationsTables(Number(p.rows)) }),
  /** @param {Record<string, string | number>} p @param {{dir: string}} s */
  async run(p, s) {
    const n = workers(p);
    const c = await buildCommitment({
      tablesDir: s.dir,
      saltKey: deriveSaltKey(new Uint8Array(32).fill(1)),
      progress: silentProgress,
      workers: n,
      version,
    });
    return {
      units: c.rows,
      unit: 'rows',
      extra: { version, workers: n, chunks: c.tables[0]?.chunks, root: c.root },
    };
  },
});

/** @type {import('../types.js').Benchmark} */
export const commit = {
  name: 'commit',
  description: 'Commitment building (encode, salt, Poseidon leaves, chunk trees, roots), rows/s',
  runs: 1,
  warmup: 0,
  params: {
    rows: { default: 1000000, description: 'rows of the observations-like table' },
    workers: { default: 0, description: 'worker threads of the first workload (0: one per core)' },
  },
  workloads: [
    commitWorkload(
      'commit-v2',
      'sinso commit --version 2 (column chunks) on worker threads (default: one per core)',
      '2',
      (p) => Number(p.workers) || availableParallelism(),
    ),
    commitWorkload(
      'commit-v2-1-thread',
      'sinso commit --version 2 with --workers 0 (hashing in the main thread)',
      '2',
      () => 0,
    ),
    commitWorkload(
      'commit-v1',
      'sinso commit --version 1 (row leaves) on worker threads (default: one per core)',
      '1',
      (p) => Number(p.workers) || availableParallelism(),
    ),
    commitWorkload(
      'commit-v1-1-thread',
      'sinso commit --version 1 with --workers 0 (hashing in the main thread)',
      '1',
      () => 0,
    ),
  ],
  ratios: [
    ['commit-v2', 'commit-v1'],
    ['commit-v2', 'commit-v2-1-thread'],
    ['commit-v1', 'commit-v1-1-thread'],
  ],
};
