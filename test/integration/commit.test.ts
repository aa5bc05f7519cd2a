import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// Loads circomlibjs's package entry, and so blake-hash's native addon, in this thread: the worker
// thread regression test below depends on it (the unit tests of src/commit cover Poseidon itself).
import 'circomlibjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommitment,
  CHUNK_SIZE,
  type CommittedColumn,
  deriveSaltKey,
  encodeValue,
  type InclusionProof,
  loadPoseidon,
  type Poseidon,
  proveInclusion,
  verifyInclusion,
} from '../../src/commit/index.js';
import { silentProgress } from '../../src/core/progress.js';
import type { Commitment } from '../../src/core/schemas/commitment.js';
import type { TableEntry, TablesManifest } from '../../src/core/schemas/tables.js';
import { withSession } from '../utils/duckdb.js';
import { tempDir } from '../utils/tmp.js';

let poseidon: Poseidon;
beforeAll(async () => {
  poseidon = await loadPoseidon();
});

// ---- Parquet fixtures -------------------------------------------------------------------------

type FixtureTable = { name: string; sql: string; orderBy: string[]; columns: TableEntry['columns'] };

const col = (
  name: string,
  type: string,
  logical: TableEntry['columns'][number]['logical'],
  scale?: number,
) => ({
  name,
  type,
  logical,
  ...(scale === undefined ? {} : { scale }),
  nullable: true,
  description: name,
});

/** An observations-like table of `rows` rows (ids, categoricals, decimal, timestamp, int, date, bool, nulls). */
function observations(rows: number): FixtureTable {
  return {
    name: 'observations',
    orderBy: ['obs_id'],
    sql: `SELECT printf('obs-%06d', i) AS obs_id, printf('pat-%04d', i % 37) AS patient_id,
        CASE WHEN i % 5 = 0 THEN NULL ELSE ['4548-4', '39156-5', '8302-2'][1 + i % 3] END AS code,
        ['%', 'kg/m2', 'cm'][1 + i % 3] AS unit,
        CAST((i * 37 % 2000 - 1000) / 100.0 AS DECIMAL(18, 4)) AS value,
        TIMESTAMP '1968-05-01 12:00:00' + to_microseconds(i * 86400000123) AS effective,
        CAST(i - 10 AS BIGINT) AS seq, DATE '1969-12-25' + CAST(i AS INTEGER) AS day,
        CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
        'note ' || i AS note
      FROM range(${rows}) t(i) ORDER BY i`,
    columns: [
      col('obs_id', 'VARCHAR', 'id'),
      col('patient_id', 'VARCHAR', 'id'),
      col('code', 'VARCHAR', 'categorical'),
      col('unit', 'VARCHAR', 'categorical'),
      col('value', 'DECIMAL(18,4)', 'decimal', 4),
      col('effective', 'TIMESTAMP', 'timestamp'),
      col('seq', 'BIGINT', 'int'),
      col('day', 'DATE', 'date'),
      col('flag', 'BOOLEAN', 'bool'),
      col('note', 'VARCHAR', 'string'),
    ],
  };
}

const patients: FixtureTable = {
  name: 'patients',
  orderBy: ['patient_id'],
  sql: `SELECT 'pat-0000' AS patient_id, 'F' AS gender, CAST(1961 AS BIGINT) AS birth_year`,
  columns: [
    col('patient_id', 'VARCHAR', 'id'),
    col('gender', 'VARCHAR', 'categorical'),
    col('birth_year', 'BIGINT', 'int'),
  ],
};

/** Writes Parquet files with DuckDB and a tables.json that describes them. */
async function writeTables(dir: string, tables: readonly FixtureTable[]): Promise<string> {
  const entries: TableEntry[] = [];
  await withSession(async (session) => {
    for (const t of tables) {
      const file = `${t.name}.parquet`;
      await session.run(`COPY (${t.sql}) TO '${join(dir, file)}' (FORMAT parquet)`);
      const bytes = await readFile(join(dir, file));
      const [n] = await session.rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(dir, file)}')`);
      entries.push({
        name: t.name,
        file,
        rows: Number(n?.['n']),
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        orderBy: t.orderBy,
        columns: t.columns,
      });
    }
  });
  const manifest: TablesManifest = {
    schema: '1',
    kind: 'sinso-tables',
    tablesVersion: '1',
    tables: entries,
    sources: [],
  };
  await writeFile(join(dir, 'tables.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

describe('commitment of Parquet tables, and inclusion proofs', () => {
  const saltKey = deriveSaltKey(new Uint8Array(32).fill(1));
  const rows = 2 * CHUNK_SIZE + 45; // 3 chunks, the last one partial
  let dir: string;
  let commitment: Commitment;

  beforeAll(async () => {
    dir = await writeTables(await tempDir('sinso-commit-'), [patients, observations(rows)]);
    commitment = await buildCommitment({
      tablesDir: dir,
      saltKey,
      progress: silentProgress,
      workers: 0,
      version: '1',
    });
  });

  it('commits every table: rows, chunks, dictionaries, and a root that hashes the table roots', () => {
    expect(commitment.rows).toBe(rows + 1);
    const obs = commitment.tables[1];
    expect(obs?.chunks).toBe(3);
    expect(obs?.chunkRoots).toHaveLength(3);
    expect(obs?.columns.find((c) => c.name === 'code')?.dictionary).toEqual(['39156-5', '4548-4', '8302-2']);
    expect(obs?.columns.find((c) => c.name === 'value')?.scale).toBe(4);
    expect(commitment.tables[0]?.chunks).toBe(1);
    expect(JSON.stringify(commitment)).not.toContain('pat-0000');
  });

  it('is reproducible: same tables and key give the same bytes, on worker threads too', async () => {
    const again = await buildCommitment({
      tablesDir: dir,
      saltKey,
      progress: silentProgress,
      workers: 2,
      version: '1',
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(commitment));
    const other = await buildCommitment({
      tablesDir: dir,
      saltKey: deriveSaltKey(new Uint8Array(32).fill(2)),
      progress: silentProgress,
      workers: 0,
      version: '1',
    });
    expect(other.root).not.toBe(commitment.root);
    expect(other.tables[1]?.encodingHash).toBe(commitment.tables[1]?.encodingHash);
  });

  it('starts and stops its worker threads again and again without harm (blake-hash regression)', async () => {
    // This file loads circomlibjs's entry, and so blake-hash's native addon, in this thread. The
    // workers once loaded it too, which corrupted the native heap within a few pool lifetimes
    // (SIGABRT); they now load circomlibjs's Poseidon module alone.
    for (let i = 0; i < 4; i++) {
      const again = await buildCommitment({
        tablesDir: dir,
        saltKey,
        progress: silentProgress,
        workers: 2,
        version: '1',
      });
      expect(again.root).toBe(commitment.root);
    }
  });

  it.each([
    ['observations', 0],
    ['observations', 1],
    ['observations', 300],
    ['observations', rows - 1],
    ['patients', 0],
  ])('proves and verifies %s row %i', async (table, row) => {
    const proof = await proveInclusion({ tablesDir: dir, commitment, saltKey, table, row });
    await expect(verifyInclusion(proof, commitment)).resolves.toEqual({ ok: true });
    expect(proof.chunk.leafSiblings).toHaveLength(15);
    expect(proof.chunk.nodeSiblings).toHaveLength(15);
    expect(proof.chunkTree.path).toHaveLength(table === 'patients' ? 0 : 2);
  });

  it('shows the row in display form, with encodings matching encodeValue', async () => {
    const proof = await proveInclusion({
      tablesDir: dir,
      commitment,
      saltKey,
      table: 'observations',
      row: 5,
    });
    const values = Object.fromEntries(proof.values.map((v) => [v.column, v.value]));
    expect(values).toMatchObject({
      obs_id: 'obs-000005',
      patient_id: 'pat-0005',
      code: null,
      unit: 'cm',
      value: '-8.1500',
      seq: '-5',
      day: '1969-12-30',
      flag: false,
    });
    expect(values['effective']).toBe('1968-05-06T12:00:00.000615Z');
    const table = commitment.tables[1] as Commitment['tables'][number];
    for (const [i, v] of proof.values.entries()) {
      const c = table.columns[i] as CommittedColumn;
      expect(BigInt(v.encoded)).toBe(encodeValue(c, v.value, c.dictionary));
    }
    expect(BigInt(proof.nullMask)).toBe(1n << 2n);
  });

  describe('a proof fails, naming the step, when', () => {
    let proof: InclusionProof;
    beforeAll(async () => {
      proof = await proveInclusion({ tablesDir: dir, commitment, saltKey, table: 'observations', row: 300 });
    });
    const tamper = (f: (p: InclusionProof) => void): InclusionProof => {
      const copy = structuredClone(proof);
      f(copy);
      return copy;
    };

    it('a row value changed (and its encoding with it)', async () => {
      const p = tamper((x) => {
        const seq = x.values.find((v) => v.column === 'seq');
        if (seq) {
          seq.value = '291';
          seq.encoded = `0x${291n.toString(16).padStart(64, '0')}`;
        }
      });
      await expect(verifyInclusion(p, commitment)).resolves.toMatchObject({ ok: false, step: 'leaf' });
      const q = tamper((x) => {
        const unit = x.values.find((v) => v.column === 'unit');
        if (unit) unit.value = 'kg/m2';
      });
      await expect(verifyInclusion(q, commitment)).resolves.toMatchObject({ ok: false, step: 'encoding' });
    });

    it('the salt changed', async () => {
      const p = tamper((x) => {
        x.salt = `0x${(BigInt(x.salt) + 1n).toString(16).padStart(64, '0')}`;
      });
      await expect(verifyInclusion(p, commitment)).resolves.toMatchObject({ ok: false, step: 'leaf' });
    });

    it('a sibling was swapped', async () => {
      const p = tamper((x) => {
        const [a, b] = x.chunk.leafSiblings;
        x.chunk.leafSiblings[0] = b as string;
        x.chunk.leafSiblings[1] = a as string;
      });
      await expect(verifyInclusion(p, commitment)).resolves.toMatchObject({ ok: false, step: 'chunk' });
      const q = tamper((x) => {
        x.chunkTree.path.reverse();
      });
      await expect(verifyInclusion(q, commitment)).resolves.toMatchObject({ ok: false, step: 'chunk-tree' });
    });

    it('the dataset root is wrong, or the commitment was altered', async () => {
      const p = tamper((x) => {
        x.datasetRoot = `0x${'1'.repeat(64)}`;
      });
      await expect(verifyInclusion(p, commitment)).resolves.toMatchObject({ ok: false, step: 'commitment' });
      const altered = structuredClone(commitment);
      const code = altered.tables[1]?.columns.find((c) => c.name === 'unit');
      code?.dictionary?.reverse();
      await expect(verifyInclusion(proof, altered)).resolves.toMatchObject({ ok: false, step: 'commitment' });
    });

    it('a hash is not a field element', async () => {
      const p = tamper((x) => {
        x.chunk.nodeSiblings[3] = `0x${'f'.repeat(64)}`;
      });
      await expect(verifyInclusion(p, commitment)).rejects.toMatchObject({
        code: 'COMMIT_PROOF_INVALID',
        fields: { step: 'format' },
      });
    });

    it('never puts a value into the result', async () => {
      const p = tamper((x) => {
        const id = x.values.find((v) => v.column === 'obs_id');
        if (id) id.value = 'obs-999999';
      });
      const r = await verifyInclusion(p, commitment);
      expect(r).toEqual({
        ok: false,
        step: 'encoding',
        reason: 'A value does not encode to the field element the proof lists.',
      });
      expect(JSON.stringify(r)).not.toContain('obs-');
    });

    it('throws for a proof of another version, or one that does not match the proof schema', async () => {
      await expect(
        verifyInclusion(
          tamper((x) => {
            x.chunkSize = 128;
          }),
          commitment,
        ),
      ).rejects.toMatchObject({
        code: 'COMMIT_PROOF_INVALID',
        fields: { step: 'version' },
      });
      const bad = tamper((x) => {
        x.chunk.leafSiblings = ['nope'];
      });
      await expect(verifyInclusion(bad, commitment)).rejects.toMatchObject({
        code: 'COMMIT_PROOF_INVALID',
        fields: { step: 'format' },
        issues: [expect.objectContaining({ path: expect.stringMatching(/^chunk\.leafSiblings/) })],
      });
    });
  });

  it('refuses a proof with the wrong key, a row out of range, or changed tables', async () => {
    await expect(
      proveInclusion({
        tablesDir: dir,
        commitment,
        saltKey: deriveSaltKey(new Uint8Array(32)),
        table: 'patients',
        row: 0,
      }),
    ).rejects.toMatchObject({ code: 'COMMIT_INVALID', fields: { problem: 'wrong-key' } });
    await expect(
      proveInclusion({ tablesDir: dir, commitment, saltKey, table: 'patients', row: 1 }),
    ).rejects.toMatchObject({
      code: 'COMMIT_ROW_NOT_FOUND',
      fields: { table: 'patients', rows: 1 },
    });
    const changed = structuredClone(commitment);
    changed.tablesSha256 = '0'.repeat(64);
    await expect(
      proveInclusion({ tablesDir: dir, commitment: changed, saltKey, table: 'patients', row: 0 }),
    ).rejects.toMatchObject({ code: 'COMMIT_INVALID', fields: { problem: 'tables-changed' } });
  });

  it('an empty table commits to Poseidon(encodingHash, 0, 0)', async () => {
    const empty = await writeTables(await tempDir('sinso-commit-empty-'), [
      { ...patients, sql: `${patients.sql} LIMIT 0` },
    ]);
    const c = await buildCommitment({
      tablesDir: empty,
      saltKey,
      progress: silentProgress,
      workers: 0,
      version: '1',
    });
    const t = c.tables[0];
    expect(t?.chunks).toBe(0);
    expect(t?.root).toBe(
      `0x${poseidon
        .hash([BigInt(t?.encodingHash ?? 0), 0n, 0n])
        .toString(16)
        .padStart(64, '0')}`,
    );
    expect(t?.columns[1]?.dictionary).toEqual([]);
  });
});
