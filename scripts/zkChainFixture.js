#!/usr/bin/env node
// @ts-check
/**
 * Remakes test/fixtures/zk/chunk-query-p1-w64.proofs.json: real Groth16 proofs (the default,
 * INSECURE setup whose key is pinned in circuits/keys) of two queries over small tables committed
 * with version 2 — one of 100 rows (one chunk) and one of 600 rows (five chunks) — so the
 * on-chain tests need no proving. Run after `npm run build` when the circuits or their keys
 * change:  node scripts/zkChainFixture.js
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildCommitment } from '../dist/commit/buildCommitment.js';
import { deriveSaltKey } from '../dist/commit/rowSalt.js';
import { sha256File } from '../dist/core/hash.js';
import { silentProgress } from '../dist/core/progress.js';
import { proveQuery } from '../dist/zk/adapters/proveQuery.js';
import { circuitByName } from '../dist/zk/circuits.js';
import { zkQuerySpec } from '../dist/zk/plan.js';
import { parseZkQuery } from '../dist/zk/sql.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CIRCUIT = 'chunk-query-p1-w64';
const SQL = 'SELECT COUNT(*), SUM(value) FROM t WHERE age >= 10';

/** A tables folder with one table t(age, value) of `rows` rows (some NULL; values mostly negative, so sums are). */
async function tables(/** @type {number} */ rows) {
  const dir = mkdtempSync(join(tmpdir(), 'sinso-zkfix-'));
  const file = join(dir, 't.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE CAST((i * 37) % 90 AS BIGINT) END AS age,
      CASE WHEN i % 13 = 0 THEN NULL ELSE CAST((i * 7919) % 2000 - 1200 AS BIGINT) END AS value FROM range(${rows}) r(i) ORDER BY i) TO '${file}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  const column = (/** @type {string} */ name) => ({
    name,
    type: 'BIGINT',
    logical: 'int',
    nullable: true,
    description: name,
  });
  const manifest = {
    schema: '1',
    kind: 'sinso-tables',
    tablesVersion: '1',
    sources: [],
    tables: [
      {
        name: 't',
        file: 't.parquet',
        rows,
        bytes: (await import('node:fs')).statSync(file).size,
        sha256: await sha256File(file),
        orderBy: ['age'],
        columns: [column('age'), column('value')],
      },
    ],
  };
  writeFileSync(join(dir, 'tables.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

async function prove(/** @type {number} */ rows) {
  const tablesDir = await tables(rows);
  const saltKey = deriveSaltKey(new Uint8Array(32).fill(3));
  const commitment = await buildCommitment({ tablesDir, saltKey, progress: silentProgress, version: '2' });
  const bundle = await proveQuery({
    sql: SQL,
    spec: zkQuerySpec(parseZkQuery(SQL)),
    tablesDir,
    commitment,
    saltKey,
    circuits: [/** @type {import('../dist/zk/circuits.js').ChunkQueryCircuit} */ (circuitByName(CIRCUIT))],
    progress: silentProgress,
  });
  return bundle.chunks.map((c) => ({ proof: c.proof, publicSignals: c.publicSignals }));
}

const one = await prove(100);
const five = await prove(600);
const fixture = {
  description: `Groth16 proofs of circuit ${CIRCUIT} (snarkjs 0.7.6, BN254) made with the default INSECURE setup (circuits/keys/${CIRCUIT}.vk.json) by scripts/zkChainFixture.js: "${SQL}" over a table of 100 rows (one chunk) and of 600 rows (five chunks), committed with version 2. Public signals: [count, countX, sumX, sumSqX, nChunks, datasetRoot, queryHash, chunkIndex].`,
  circuit: CIRCUIT,
  oneChunk: one[0],
  fiveChunks: five,
};
writeFileSync(
  join(root, 'test/fixtures/zk/chunk-query-p1-w64.proofs.json'),
  `${JSON.stringify(fixture, null, 2)}\n`,
);
process.exit(0);
