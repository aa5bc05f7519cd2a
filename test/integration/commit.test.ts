import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildPoseidon } from 'circomlibjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommitment,
  type Cell,
  CHUNK_SIZE,
  type CommittedColumn,
  chunkRoot,
  chunkTreeRoot,
  deriveSaltKey,
  dictionaryIndex,
  encodeCell,
  encodeRow,
  encodeValue,
  encodingHash,
  FIELD_MODULUS,
  formatCell,
  hashChain,
  type InclusionProof,
  loadPoseidon,
  type Poseidon,
  parseDisplayValue,
  proveInclusion,
  readWord,
  rowLeaf,
  rowSalt,
  sortDictionary,
  stringField,
  tableRoot,
  verifyInclusion,
  writeWord,
} from '../../src/commit/index.js';
import { silentProgress } from '../../src/core/progress.js';
import type { Commitment } from '../../src/core/schemas/commitment.js';
import type { TableEntry, TablesManifest } from '../../src/core/schemas/tables.js';
import { repoRoot } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

const P = FIELD_MODULUS;
let poseidon: Poseidon;
beforeAll(async () => {
  poseidon = await loadPoseidon();
});

describe('Poseidon', () => {
  it('matches the circomlib test vectors (initial state 0, one output)', async () => {
    const file = JSON.parse(
      await readFile(join(repoRoot, 'datasets/vectors/poseidon_bn254_circom.json'), 'utf8'),
    ) as {
      field_modulus: string;
      vectors: { inputs: number[]; expected: string | string[]; initState?: number; nOut?: number }[];
    };
    expect(BigInt(file.field_modulus)).toBe(P);
    const usable = file.vectors.filter((v) => !v.initState && (v.nOut ?? 1) === 1);
    expect(usable.length).toBeGreaterThanOrEqual(9);
    for (const v of usable) {
      expect(poseidon.hash(v.inputs.map(BigInt))).toBe(BigInt(v.expected as string));
    }
  });

  it('agrees with circomlibjs on random inputs of every width, and words round-trip', async () => {
    const raw = await buildPoseidon();
    const field = fc.bigInt({ min: 0n, max: P - 1n });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 16 }), (xs) => {
        const w = new Uint8Array(32);
        writeWord(xs[0] as bigint, w, 0);
        expect(readWord(w)).toBe(xs[0]);
        expect(poseidon.hash(xs)).toBe(raw.F.toObject(raw(xs)));
      }),
      { numRuns: 40 },
    );
  });

  it('chains lists longer than 16', () => {
    const xs = Array.from({ length: 40 }, (_, i) => BigInt(i + 1));
    const h1 = poseidon.hash(xs.slice(0, 16));
    const h2 = poseidon.hash([h1, ...xs.slice(16, 31)]);
    expect(hashChain(poseidon, xs)).toBe(poseidon.hash([h2, ...xs.slice(31)]));
    expect(hashChain(poseidon, [7n])).toBe(poseidon.hash([7n]));
  });
});

describe('value encoding (version 1)', () => {
  const outOfRange = (problem: string) =>
    expect.objectContaining({
      code: 'COMMIT_VALUE_OUT_OF_RANGE',
      fields: expect.objectContaining({ problem }),
    });
  const int = { name: 'n', logical: 'int' } as const;
  const dec = { name: 'price', logical: 'decimal', scale: 2 } as const;
  const date = { name: 'd', logical: 'date' } as const;
  const ts = { name: 't', logical: 'timestamp' } as const;

  it('encodes ints, negative ints as p + x, and rejects values outside signed 64 bits', () => {
    expect(encodeValue(int, '42')).toBe(42n);
    expect(encodeValue(int, '-1')).toBe(P - 1n);
    expect(encodeValue(int, '-9223372036854775808')).toBe(P - 2n ** 63n);
    expect(() => encodeValue(int, '9223372036854775808')).toThrow(outOfRange('int64'));
    expect(() => encodeValue(int, '007')).toThrow(outOfRange('not-canonical'));
  });

  it('encodes decimals as value × 10^scale exactly', () => {
    expect(encodeValue(dec, '12.50')).toBe(1250n);
    expect(encodeValue(dec, '-0.01')).toBe(P - 1n);
    expect(encodeValue(dec, '0.30')).toBe(30n);
    expect(formatCell(dec, -305n)).toBe('-3.05');
    expect(() => encodeValue(dec, '1.5')).toThrow(outOfRange('not-canonical'));
    expect(encodeValue({ name: 'x', logical: 'decimal', scale: 0 }, '-7')).toBe(P - 7n);
  });

  it('encodes dates as days since 1970 and timestamps as microseconds, before 1970 too', () => {
    expect(encodeValue(date, '1970-01-01')).toBe(0n);
    expect(encodeValue(date, '1969-12-31')).toBe(P - 1n);
    expect(encodeValue(date, '2000-03-01')).toBe(11017n);
    expect(encodeValue(ts, '1970-01-01T00:00:00.000001Z')).toBe(1n);
    expect(encodeValue(ts, '1969-12-31T23:59:59.999999Z')).toBe(P - 1n);
    expect(formatCell(ts, -1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(() => encodeValue(date, '2021-02-30')).toThrow(outOfRange('not-canonical'));
  });

  it('round-trips display values for every numeric type (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 0, max: 6 }),
        (x, s) => {
          const d = { name: 'x', logical: 'decimal', scale: s } as const;
          expect(parseDisplayValue(d, formatCell(d, x))).toBe(x);
          expect(parseDisplayValue(int, formatCell(int, x))).toBe(x);
          expect(parseDisplayValue(ts, formatCell(ts, x * 1000n + 7n))).toBe(x * 1000n + 7n);
          const days = x % 3_000_000n;
          expect(parseDisplayValue(date, formatCell(date, days))).toBe(days);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hashes text to the first 31 bytes of SHA-256, and codes categoricals by the byte-sorted dictionary', () => {
    const digest = createHash('sha256').update('héllo', 'utf8').digest();
    expect(stringField('héllo')).toBe(BigInt(`0x${digest.subarray(0, 31).toString('hex')}`));
    expect(encodeValue({ name: 's', logical: 'string' }, 'héllo')).toBe(stringField('héllo'));
    const dict = sortDictionary(['mg', 'g', 'G', 'é', 'mg']);
    expect(dict).toEqual(['G', 'g', 'mg', 'é']);
    const cat = { name: 'unit', logical: 'categorical' } as const;
    expect(encodeValue(cat, 'G', dict)).toBe(1n);
    expect(encodeValue(cat, 'é', dict)).toBe(4n);
    expect(() => encodeValue(cat, 'kg', dict)).toThrow(outOfRange('dictionary'));
    expect(encodeValue({ name: 'b', logical: 'bool' }, true)).toBe(1n);
  });

  it('encodes null as 0 with its bit set in the null mask', () => {
    const columns = [int, dec, { name: 's', logical: 'string' } as const];
    expect(encodeRow(columns, [null, 5n, null])).toEqual({ nullMask: 0b101n, values: [0n, 5n, 0n] });
    expect(encodeRow(columns, [0n, 5n, ''])).toEqual({ nullMask: 0n, values: [0n, 5n, stringField('')] });
  });
});

/** The table root of in-memory rows via the pure functions (no Parquet). */
function pureTableRoot(columns: CommittedColumn[], rows: Cell[][], saltKey: Uint8Array): bigint {
  const dicts = columns.map((c) => (c.dictionary ? dictionaryIndex(c.dictionary) : undefined));
  const leaves = rows.map((r, i) =>
    rowLeaf(poseidon, rowSalt(saltKey, 't', i), encodeRow(columns, r, dicts)),
  );
  const roots: bigint[] = [];
  for (let i = 0; i < leaves.length; i += CHUNK_SIZE)
    roots.push(chunkRoot(poseidon, leaves.slice(i, i + CHUNK_SIZE)));
  return tableRoot(poseidon, {
    encodingHash: encodingHash(poseidon, 't', columns),
    rows: rows.length,
    chunkTreeRoot: chunkTreeRoot(poseidon, roots),
  });
}

describe('roots', () => {
  const key = deriveSaltKey(new Uint8Array(32).fill(7));
  const columns: CommittedColumn[] = [
    { name: 'a', logical: 'int' },
    { name: 'b', logical: 'categorical', dictionary: ['x', 'y'] },
  ];

  it('the table root changes when any value of any row changes (property)', () => {
    const row = fc.tuple(fc.option(fc.bigInt({ min: -100n, max: 100n })), fc.constantFrom('x', 'y', null));
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 270 }),
        fc.nat(),
        fc.boolean(),
        (rows, pick, which) => {
          const cells = rows.map((r) => [...r] as Cell[]);
          const before = pureTableRoot(columns, cells, key);
          const i = pick % cells.length;
          const target = cells[i] as Cell[];
          if (which) target[0] = target[0] === null ? 0n : (target[0] as bigint) + 1n;
          else target[1] = target[1] === 'x' ? 'y' : target[1] === 'y' ? null : 'x';
          expect(pureTableRoot(columns, cells, key)).not.toBe(before);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('a dictionary or a scale cannot be swapped: the encoding hash commits them', () => {
    const base = encodingHash(poseidon, 't', columns);
    expect(
      encodingHash(poseidon, 't', [
        columns[0] as CommittedColumn,
        { name: 'b', logical: 'categorical', dictionary: ['y', 'x'] },
      ]),
    ).not.toBe(base);
    expect(encodingHash(poseidon, 'u', columns)).not.toBe(base);
    expect(
      encodingHash(poseidon, 't', [
        { name: 'a', logical: 'decimal', scale: 1 },
        columns[1] as CommittedColumn,
      ]),
    ).not.toBe(base);
  });
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
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const entries: TableEntry[] = [];
  for (const t of tables) {
    const file = `${t.name}.parquet`;
    await c.run(`COPY (${t.sql}) TO '${join(dir, file)}' (FORMAT parquet)`);
    const bytes = await readFile(join(dir, file));
    const n = await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${join(dir, file)}')`);
    entries.push({
      name: t.name,
      file,
      rows: Number(n.getRows()[0]?.[0]),
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      orderBy: t.orderBy,
      columns: t.columns,
    });
  }
  c.closeSync();
  db.closeSync();
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
    commitment = await buildCommitment({ tablesDir: dir, saltKey, progress: silentProgress, workers: 0 });
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
    const again = await buildCommitment({ tablesDir: dir, saltKey, progress: silentProgress, workers: 2 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(commitment));
    const other = await buildCommitment({
      tablesDir: dir,
      saltKey: deriveSaltKey(new Uint8Array(32).fill(2)),
      progress: silentProgress,
      workers: 0,
    });
    expect(other.root).not.toBe(commitment.root);
    expect(other.tables[1]?.encodingHash).toBe(commitment.tables[1]?.encodingHash);
  });

  it('starts and stops its worker threads again and again without harm (blake-hash regression)', async () => {
    // This file loads circomlibjs's entry, and so blake-hash's native addon, in this thread. The
    // workers once loaded it too, which corrupted the native heap within a few pool lifetimes
    // (SIGABRT); they now load circomlibjs's Poseidon module alone.
    for (let i = 0; i < 4; i++) {
      const again = await buildCommitment({ tablesDir: dir, saltKey, progress: silentProgress, workers: 2 });
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
    const c = await buildCommitment({ tablesDir: empty, saltKey, progress: silentProgress, workers: 0 });
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

it('encodeCell rejects a value of the wrong kind', () => {
  expect(() => encodeCell({ name: 'n', logical: 'int' }, 'x')).toThrow(
    expect.objectContaining({
      code: 'COMMIT_TABLES_INVALID',
      fields: { problem: 'value-kind', column: 'n', logical: 'int' },
    }),
  );
});
