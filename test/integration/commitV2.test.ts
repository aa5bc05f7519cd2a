import { createHash, createHmac } from 'node:crypto';
import { buildPoseidon } from 'circomlibjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommitment,
  chunkWitness,
  columnChunkRoot,
  columnHash,
  deriveSaltKey,
  loadPoseidon,
  proveInclusion,
} from '../../src/commit/index.js';
import { silentProgress } from '../../src/core/progress.js';
import { type Commitment, CommitmentSchema } from '../../src/core/schemas/commitment.js';
import { type Kind, type RefTable, type Value, writeTables } from '../utils/refTables.js';
import { tempDir } from '../utils/tmp.js';

// ---- an independent, straightforward implementation of docs/commitment.md "Version 2" -----------
// plain loops over circomlibjs's own Poseidon (its package entry), nothing from src/commit but
// what it checks against.

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
type RawPoseidon = Awaited<ReturnType<typeof buildPoseidon>>;
let raw: RawPoseidon;
const H = (xs: bigint[]): bigint => {
  if (xs.length < 1 || xs.length > 16) throw new RangeError('Poseidon takes 1..16 inputs');
  return raw.F.toObject(raw(xs)) as bigint;
};
const chain = (xs: bigint[]): bigint => {
  let h = H(xs.slice(0, 16));
  for (let i = 16; i < xs.length; i += 15) h = H([h, ...xs.slice(i, i + 15)]);
  return h;
};
const tag = (s: string) => BigInt(`0x${Buffer.from(s, 'ascii').toString('hex')}`);
const text = (s: string) =>
  BigInt(`0x${createHash('sha256').update(s, 'utf8').digest().subarray(0, 31).toString('hex')}`);
const hmacField = (key: Uint8Array, msg: string) =>
  BigInt(`0x${createHmac('sha256', key).update(msg, 'utf8').digest('hex')}`) % P;

const TYPE_CODE: Record<Kind, bigint> = { string: 2n, categorical: 3n, int: 4n, date: 6n, bool: 8n };

function dictionaryOf(t: RefTable, j: number): string[] {
  const set = new Set<string>();
  for (const r of t.rows) if (r[j] !== null) set.add(r[j] as string);
  return [...set].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function encode(kind: Kind, v: Value, dictionary: string[]): bigint {
  if (v === null) return 0n;
  if (kind === 'bool') return v ? 1n : 0n;
  if (kind === 'string') return text(v as string);
  if (kind === 'categorical') return BigInt(dictionary.indexOf(v as string) + 1);
  const x = v as bigint;
  return x < 0n ? P + x : x;
}

function referenceTableRoot(t: RefTable, saltKey: Uint8Array): { root: bigint; chunkRoots: bigint[] } {
  const dictionaries = t.columns.map((c, j) => (c.kind === 'categorical' ? dictionaryOf(t, j) : []));
  const chunkRoots: bigint[] = [];
  for (let k = 0; k * 128 < t.rows.length; k++) {
    const slots: bigint[] = new Array(256).fill(0n);
    for (let j = 0; j < t.columns.length; j++) {
      const salt = hmacField(saltKey, `sinso/commit/v2/${t.name}/${k}/${j}`);
      let n = 0n;
      const values: bigint[] = [];
      for (let i = 0; i < 128; i++) {
        const row = t.rows[128 * k + i];
        const v = row === undefined ? null : (row[j] as Value);
        if (v === null) n += 1n << BigInt(i);
        values.push(encode(t.columns[j]?.kind as Kind, v, dictionaries[j] as string[]));
      }
      slots[j] = chain([salt, n, ...values]);
    }
    const nodes: bigint[] = [];
    for (let m = 0; m < 16; m++) nodes.push(H(slots.slice(16 * m, 16 * m + 16)));
    chunkRoots.push(H(nodes));
  }
  let level = [...chunkRoots];
  if (level.length === 0) level = [0n];
  let size = 1;
  while (size < level.length) size *= 2;
  while (level.length < size) level.push(0n);
  while (level.length > 1) {
    const up: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(H([level[i] as bigint, level[i + 1] as bigint]));
    level = up;
  }
  const dictHash = (d: string[]) =>
    chain([tag('sinso/commit/v2/dictionary'), BigInt(d.length), ...d.map(text)]);
  const encoding = chain([
    tag('sinso/commit/v2/encoding'),
    text(t.name),
    BigInt(t.columns.length),
    ...t.columns.flatMap((c, j) => [
      text(c.name),
      TYPE_CODE[c.kind],
      0n,
      c.kind === 'categorical' ? dictHash(dictionaries[j] as string[]) : 0n,
    ]),
  ]);
  return { root: H([encoding, BigInt(t.rows.length), level[0] as bigint]), chunkRoots };
}

function referenceDatasetRoot(tables: RefTable[], saltKey: Uint8Array): bigint {
  const roots = tables.map((t) => referenceTableRoot(t, saltKey).root);
  while (roots.length < 14) roots.push(0n);
  return H([tag('sinso/commit/v2/dataset'), BigInt(tables.length), ...roots]);
}

// ---- Parquet from the reference tables ------------------------------------------------------------

// ---- generators ---------------------------------------------------------------------------------

const kindArb = fc.constantFrom<Kind>('int', 'bool', 'string', 'categorical', 'date');
const valueArb = (kind: Kind): fc.Arbitrary<Value> => {
  const v: fc.Arbitrary<Value> =
    kind === 'int'
      ? fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      : kind === 'bool'
        ? fc.boolean()
        : kind === 'string'
          ? fc.string({ maxLength: 6 })
          : kind === 'categorical'
            ? fc.constantFrom('a', 'B', 'c-1', 'zz')
            : fc.bigInt({ min: -30_000n, max: 30_000n });
  return fc.option(v, { nil: null, freq: 4 });
};
const tableArb = (name: string): fc.Arbitrary<RefTable> =>
  fc
    .tuple(fc.array(kindArb, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 300 }))
    .chain(([kinds, rows]) =>
      fc.array(fc.tuple(...kinds.map(valueArb)), { minLength: rows, maxLength: rows }).map((rowValues) => ({
        name,
        columns: kinds.map((kind, j) => ({ name: `c${j}`, kind })),
        rows: rowValues as Value[][],
      })),
    );

/** A deterministic table: `width` columns cycling through the kinds, every 3rd cell of column j NULL. */
function fixedTable(name: string, width: number, rows: number): RefTable {
  const kinds: Kind[] = ['int', 'bool', 'string', 'categorical', 'date'];
  const columns = Array.from({ length: width }, (_, j) => ({ name: `col_${j}`, kind: kinds[j % 5] as Kind }));
  return {
    name,
    columns,
    rows: Array.from({ length: rows }, (_, i) =>
      columns.map((c, j): Value => {
        if ((i + j) % 3 === 0) return null;
        if (c.kind === 'int') return BigInt(i * 7 - 100);
        if (c.kind === 'bool') return i % 2 === 0;
        if (c.kind === 'string') return `s${i}-${j}`;
        if (c.kind === 'categorical') return ['x', 'y', 'z'][i % 3] as string;
        return BigInt(i - 50);
      }),
    ),
  };
}

const saltKey = deriveSaltKey(new Uint8Array(32).fill(7));

beforeAll(async () => {
  raw = await buildPoseidon();
});

const build = (tablesDir: string, workers = 0) =>
  buildCommitment({ tablesDir, saltKey, progress: silentProgress, workers, version: '2' });

describe('commitment version 2 (column chunks)', () => {
  it('equals an independent implementation on random tables (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.tuple(tableArb('t0')), fc.tuple(tableArb('t0'), tableArb('t1'))),
        async (tables) => {
          const dir = await tempDir('sinso-commit-v2-prop-');
          await writeTables(dir, tables);
          const c = await build(dir);
          expect(BigInt(c.root)).toBe(referenceDatasetRoot(tables, saltKey));
          for (const [i, t] of tables.entries()) {
            expect(c.tables[i]?.chunkRoots?.map(BigInt)).toEqual(referenceTableRoot(t, saltKey).chunkRoots);
            expect(c.tables[i]?.chunks).toBe(Math.ceil(t.rows.length / 128));
          }
        },
      ),
      { numRuns: 10, seed: 20260102 },
    );
  });

  describe('a fixed dataset: 20 columns (a second node), nulls, a partial last chunk', () => {
    const wide = fixedTable('wide', 20, 300);
    const narrow = fixedTable('narrow', 3, 128);
    let dir: string;
    let commitment: Commitment;
    beforeAll(async () => {
      dir = await tempDir('sinso-commit-v2-');
      await writeTables(dir, [narrow, wide]);
      commitment = await build(dir);
    });

    it('records version 2 in commitment.json, which the schema reads back', () => {
      expect(commitment).toMatchObject({
        version: '2',
        chunkSize: 128,
        chunkArity: 16,
        layout: 'column-chunks',
        rows: 428,
      });
      expect(CommitmentSchema.parse(JSON.parse(JSON.stringify(commitment)))).toEqual(commitment);
      expect(commitment.tables[1]?.chunks).toBe(3);
      expect(BigInt(commitment.root)).toBe(referenceDatasetRoot([narrow, wide], saltKey));
    });

    it('same inputs give the same bytes, on worker threads too', async () => {
      const again = await build(dir, 2);
      expect(JSON.stringify(again)).toBe(JSON.stringify(commitment));
    });

    it('chunkWitness gives a prover everything for one chunk, consistent with the commitment', async () => {
      const poseidon = await loadPoseidon();
      const w = await chunkWitness({ tablesDir: dir, commitment, saltKey, table: 'wide', chunk: 2 });
      expect(w.rowsInChunk).toBe(300 - 256);
      expect(w.rowCount).toBe(300);
      expect(w.columns).toHaveLength(20);
      expect(w.columnHashes).toHaveLength(256);
      expect(w.columnHashes.slice(20).every((h) => h === 0n)).toBe(true);
      expect(w.nodes).toHaveLength(16);
      expect(w.nodes[1]).toBe(H([...w.columnHashes.slice(16, 32)]));
      expect(w.chunkRoot).toBe(BigInt(commitment.tables[1]?.chunkRoots?.[2] ?? 0));
      for (const col of w.columns) {
        expect(col.values).toHaveLength(128);
        expect(col.nullBits).toHaveLength(128);
        expect(col.nullBits.slice(44).every((b) => b === 1)).toBe(true);
        expect(col.values.slice(44).every((v) => v === 0n)).toBe(true);
        expect(col.nullWord).toBe(col.nullBits.reduce((n, b, i) => n + (BigInt(b) << BigInt(i)), 0n));
        expect(col.hash).toBe(chain([col.salt, col.nullWord, ...col.values]));
      }
      // the exported pure functions, from the witness alone
      const hashes = w.columns.map((c) =>
        columnHash(poseidon, {
          salt: c.salt,
          values: c.values.slice(0, w.rowsInChunk),
          nulls: c.nullBits.slice(0, w.rowsInChunk).map((b) => b === 1),
        }),
      );
      expect(hashes).toEqual(w.columns.map((c) => c.hash));
      expect(columnChunkRoot(poseidon, hashes)).toEqual({
        slots: w.columnHashes,
        nodes: w.nodes,
        root: w.chunkRoot,
      });
      // up the chunk tree (4 chunks → depth 2: chunk 2 is left, then right), then the table and dataset roots
      expect(w.chunkTreePath.indexBits).toEqual([0, 1]);
      let h = w.chunkRoot;
      for (const [level, s] of w.chunkTreePath.siblings.entries()) {
        h = w.chunkTreePath.indexBits[level] ? H([s, h]) : H([h, s]);
      }
      expect(h).toBe(w.chunkTreeRoot);
      expect(H([w.encodingHash, BigInt(w.rowCount), h])).toBe(w.tableRoot);
      expect(w.tableRoots[w.tableIndex]).toBe(w.tableRoot);
      expect(w.datasetRootInputs).toHaveLength(16);
      expect(H(w.datasetRootInputs)).toBe(BigInt(commitment.root));
      const single = await chunkWitness({ tablesDir: dir, commitment, saltKey, table: 'narrow', chunk: 0 });
      expect(single.chunkTreePath).toEqual({ siblings: [], indexBits: [] });
      expect(single.chunkTreeRoot).toBe(single.chunkRoot);
    });

    it('chunkWitness refuses a chunk out of range, the wrong key, and a version 1 commitment', async () => {
      await expect(
        chunkWitness({ tablesDir: dir, commitment, saltKey, table: 'wide', chunk: 3 }),
      ).rejects.toMatchObject({
        code: 'COMMIT_ROW_NOT_FOUND',
        fields: { chunks: 3 },
      });
      await expect(
        chunkWitness({
          tablesDir: dir,
          commitment,
          saltKey: deriveSaltKey(new Uint8Array(32)),
          table: 'wide',
          chunk: 0,
        }),
      ).rejects.toMatchObject({ code: 'COMMIT_INVALID', fields: { problem: 'wrong-key' } });
      const v1 = await buildCommitment({
        tablesDir: dir,
        saltKey,
        progress: silentProgress,
        workers: 0,
        version: '1',
      });
      expect(CommitmentSchema.parse(JSON.parse(JSON.stringify(v1))).version).toBe('1');
      await expect(
        chunkWitness({ tablesDir: dir, commitment: v1, saltKey, table: 'wide', chunk: 0 }),
      ).rejects.toMatchObject({
        code: 'COMMIT_VERSION_UNSUPPORTED',
      });
    });

    it('prove-inclusion refuses a version 2 commitment with a typed error', async () => {
      await expect(
        proveInclusion({ tablesDir: dir, commitment, saltKey, table: 'wide', row: 0 }),
      ).rejects.toMatchObject({
        name: 'CommitError',
        code: 'COMMIT_VERSION_UNSUPPORTED',
        fields: { operation: 'prove-inclusion', version: '2' },
      });
    });
  });

  it('an empty table commits to Poseidon(encodingHash, 0, 0); 14 tables fit, 15 are refused', async () => {
    const tables = Array.from({ length: 15 }, (_, i) =>
      fixedTable(`t${String(i).padStart(2, '0')}`, 2, i === 0 ? 0 : 1),
    );
    const dir15 = await tempDir('sinso-commit-v2-15-');
    await writeTables(dir15, tables);
    await expect(build(dir15)).rejects.toMatchObject({
      code: 'COMMIT_TABLES_INVALID',
      fields: { problem: 'too-many-tables', tables: 15 },
    });
    const dir14 = await tempDir('sinso-commit-v2-14-');
    await writeTables(dir14, tables.slice(0, 14));
    const c = await build(dir14);
    expect(c.tables[0]).toMatchObject({ rows: 0, chunks: 0, chunkRoots: [] });
    expect(BigInt(c.tables[0]?.root ?? 0)).toBe(H([BigInt(c.tables[0]?.encodingHash ?? 0), 0n, 0n]));
    expect(BigInt(c.root)).toBe(referenceDatasetRoot(tables.slice(0, 14), saltKey));
  });
});
