import { InternalError } from '../core/errors/index.js';
import { MAX_COLUMNS, V2 } from './constants.js';
import { hashChainWords } from './hashChain.js';
import type { Poseidon } from './poseidon.js';

/** Column slots of a chunk: 16 nodes × 16 column hashes. */
export const COLUMN_SLOTS = V2.nodeArity * V2.nodeArity;

export type ColumnChunkRootReturnType = {
  /** The 256 column slots: H(k, j) for j < columns, 0 after. */
  slots: bigint[];
  /** node_m = Poseidon(slot 16m … 16m+15), m = 0 … 15. */
  nodes: bigint[];
  /** Poseidon(node_0 … node_15). */
  root: bigint;
};

/**
 * The chunk root of version 2 from the column hashes of one chunk (columns in tables.json order,
 * at most 253): always two levels, node_m = Poseidon(H(16m) … H(16m+15)) with H = 0 for a
 * missing column, root = Poseidon(node_0 … node_15).
 *
 * @example
 * const { nodes, root } = columnChunkRoot(poseidon, columns.map((c) => columnHash(poseidon, c)));
 */
export function columnChunkRoot(
  poseidon: Poseidon,
  columnHashes: readonly bigint[],
): ColumnChunkRootReturnType {
  checkColumns(columnHashes.length);
  const slots = new Array<bigint>(COLUMN_SLOTS).fill(0n);
  for (const [j, h] of columnHashes.entries()) slots[j] = h;
  const nodes = Array.from({ length: V2.nodeArity }, (_, m) =>
    poseidon.hash(slots.slice(m * V2.nodeArity, (m + 1) * V2.nodeArity)),
  );
  return { slots, nodes, root: poseidon.hash(nodes) };
}

/** One chunk's columns as words, for the bulk path (worker threads). */
export type ColumnChunkWords = {
  /** `columns` blocks of 130 words each (salt, null word, 128 values), 32-byte words. */
  columnWords: Uint8Array;
  columns: number;
};

/** Words per column block: salt, null word, 128 values. */
export const COLUMN_BLOCK_WORDS = V2.chunkSize + 2;

/**
 * `columnHash` of every column, then `columnChunkRoot`, over words: the bulk path of
 * `buildCommitment` (version 2). Returns the chunk root's word.
 *
 * @example
 * readWord(columnChunkRootWords(poseidon, { columnWords, columns: 8 }));
 */
export function columnChunkRootWords(poseidon: Poseidon, p: ColumnChunkWords): Uint8Array {
  checkColumns(p.columns);
  const block = COLUMN_BLOCK_WORDS * 32;
  if (p.columnWords.byteLength !== p.columns * block) {
    throw new InternalError('INTERNAL', { what: 'a column chunk buffer has the wrong size' });
  }
  const slots = new Uint8Array(COLUMN_SLOTS * 32);
  const hashes = poseidon.hashChainsWords?.(p.columnWords, COLUMN_BLOCK_WORDS);
  if (hashes !== undefined) slots.set(hashes, 0);
  else {
    for (let j = 0; j < p.columns; j++) {
      slots.set(hashChainWords(poseidon, p.columnWords.subarray(j * block, (j + 1) * block)), j * 32);
    }
  }
  const nodes = new Uint8Array(V2.nodeArity * 32);
  const span = V2.nodeArity * 32;
  const used = Math.ceil(p.columns / V2.nodeArity);
  for (let m = 0; m < V2.nodeArity; m++) {
    nodes.set(
      m < used ? poseidon.hashWords(slots.subarray(m * span, (m + 1) * span)) : zeroNode(poseidon),
      m * 32,
    );
  }
  return poseidon.hashWords(nodes);
}

const zeroNodes = new WeakMap<Poseidon, Uint8Array>();

/** Poseidon of 16 zeros: the node of 16 missing columns (the same in every chunk). */
function zeroNode(poseidon: Poseidon): Uint8Array {
  let w = zeroNodes.get(poseidon);
  if (w === undefined) {
    w = poseidon.hashWords(new Uint8Array(V2.nodeArity * 32));
    zeroNodes.set(poseidon, w);
  }
  return w;
}

function checkColumns(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_COLUMNS) {
    throw new InternalError('INTERNAL', { what: `a chunk holds at most ${MAX_COLUMNS} columns` });
  }
}
