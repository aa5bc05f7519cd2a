import { InternalError } from '../core/errors/index.js';
import { CHUNK_ARITY, CHUNK_SIZE } from './constants.js';
import { CommitError } from './errors.js';
import type { Poseidon } from './poseidon.js';

/**
 * The root of one chunk: a 16-ary Poseidon(16) tree over its 256 leaves (16 nodes, then the
 * root over the nodes); missing leaves of a last, partial chunk are 0.
 *
 * @example
 * chunkRoot(poseidon, leaves); // leaves.length ≤ 256
 */
export function chunkRoot(poseidon: Poseidon, leaves: readonly bigint[]): bigint {
  return poseidon.hash(chunkNodes(poseidon, leaves));
}

/**
 * `chunkRoot` over words: `leafWords` holds 256 leaf words (32 bytes each; zeros for missing).
 *
 * @example
 * readWord(chunkRootWords(poseidon, leafWords));
 */
export function chunkRootWords(poseidon: Poseidon, leafWords: Uint8Array): Uint8Array {
  const nodes = new Uint8Array(CHUNK_ARITY * 32);
  const span = CHUNK_ARITY * 32;
  for (let i = 0; i < CHUNK_ARITY; i++) {
    nodes.set(poseidon.hashWords(leafWords.subarray(i * span, (i + 1) * span)), i * 32);
  }
  return poseidon.hashWords(nodes);
}

/** The path of a leaf inside its chunk: 15 siblings at the leaf level, then 15 at the node level. */
export type ChunkPath = { leafSiblings: bigint[]; nodeSiblings: bigint[] };

/**
 * The siblings that lead from leaf `index` (0..255) of a chunk to the chunk root.
 *
 * @example
 * const path = chunkPath(poseidon, leaves, 17);
 * chunkRootFromPath(poseidon, leaves[17], 17, path) === chunkRoot(poseidon, leaves);
 */
export function chunkPath(poseidon: Poseidon, leaves: readonly bigint[], index: number): ChunkPath {
  checkIndex(index);
  const padded = padLeaves(leaves);
  const nodes = chunkNodes(poseidon, leaves);
  const group = Math.floor(index / CHUNK_ARITY);
  const inGroup = index % CHUNK_ARITY;
  const groupLeaves = padded.slice(group * CHUNK_ARITY, (group + 1) * CHUNK_ARITY);
  return {
    leafSiblings: groupLeaves.filter((_, i) => i !== inGroup),
    nodeSiblings: nodes.filter((_, i) => i !== group),
  };
}

/**
 * Recomputes a chunk root from one leaf, its index and its path.
 *
 * @example
 * chunkRootFromPath(poseidon, leaf, 17, path);
 */
export function chunkRootFromPath(poseidon: Poseidon, leaf: bigint, index: number, path: ChunkPath): bigint {
  checkIndex(index);
  const node = poseidon.hash(insertAt(path.leafSiblings, index % CHUNK_ARITY, leaf));
  return poseidon.hash(insertAt(path.nodeSiblings, Math.floor(index / CHUNK_ARITY), node));
}

function chunkNodes(poseidon: Poseidon, leaves: readonly bigint[]): bigint[] {
  const padded = padLeaves(leaves);
  return Array.from({ length: CHUNK_ARITY }, (_, i) =>
    poseidon.hash(padded.slice(i * CHUNK_ARITY, (i + 1) * CHUNK_ARITY)),
  );
}

function padLeaves(leaves: readonly bigint[]): bigint[] {
  if (leaves.length > CHUNK_SIZE) {
    throw new InternalError('INTERNAL', { what: 'a chunk holds at most 256 rows' });
  }
  return [...leaves, ...new Array<bigint>(CHUNK_SIZE - leaves.length).fill(0n)];
}

function insertAt(siblings: readonly bigint[], position: number, value: bigint): bigint[] {
  if (siblings.length !== CHUNK_ARITY - 1) {
    throw new CommitError('COMMIT_PROOF_INVALID', { step: 'chunk' });
  }
  return [...siblings.slice(0, position), value, ...siblings.slice(position)];
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= CHUNK_SIZE) {
    throw new CommitError('COMMIT_PROOF_INVALID', { step: 'chunk' });
  }
}
