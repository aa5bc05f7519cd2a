import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkRoot } from './chunkTree.js';
import { chunkTreeRoot } from './chunkTreeRoot.js';
import { CHUNK_SIZE } from './constants.js';
import { type Cell, dictionaryIndex } from './encodeValue.js';
import { loadPoseidon, type Poseidon } from './poseidon.js';
import { type CommittedColumn, encodingHash, tableRoot } from './roots.js';
import { encodeRow, rowLeaf } from './rowLeaf.js';
import { deriveSaltKey, rowSalt } from './rowSalt.js';

let poseidon: Poseidon;
beforeAll(async () => {
  poseidon = await loadPoseidon();
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
