import type { Poseidon } from './poseidon.js';

/**
 * The root over a table's chunk roots: a binary Poseidon(2) Merkle tree, the chunk roots padded
 * with 0 to a power of two. One chunk: its root. No chunk (an empty table): 0.
 *
 * @example
 * chunkTreeRoot(poseidon, [a, b, c]); // Poseidon(Poseidon(a, b), Poseidon(c, 0))
 */
export function chunkTreeRoot(poseidon: Poseidon, roots: readonly bigint[]): bigint {
  if (roots.length === 0) return 0n;
  let level = padToPowerOfTwo(roots);
  while (level.length > 1) level = parents(poseidon, level);
  return level[0] as bigint;
}

/**
 * The siblings from chunk `index` up to the chunk-tree root, bottom first.
 *
 * @example
 * chunkTreeRootFromPath(poseidon, roots[2], 2, chunkTreePath(poseidon, roots, 2)) === chunkTreeRoot(poseidon, roots);
 */
export function chunkTreePath(poseidon: Poseidon, roots: readonly bigint[], index: number): bigint[] {
  const path: bigint[] = [];
  let level = padToPowerOfTwo(roots);
  let i = index;
  while (level.length > 1) {
    path.push(level[i ^ 1] as bigint);
    level = parents(poseidon, level);
    i >>= 1;
  }
  return path;
}

/**
 * Recomputes the chunk-tree root from one chunk root, its index and its path.
 *
 * @example
 * chunkTreeRootFromPath(poseidon, chunkRootValue, 2, path);
 */
export function chunkTreeRootFromPath(
  poseidon: Poseidon,
  chunkRootValue: bigint,
  index: number,
  path: readonly bigint[],
): bigint {
  let h = chunkRootValue;
  let i = index;
  for (const sibling of path) {
    h = i & 1 ? poseidon.hash([sibling, h]) : poseidon.hash([h, sibling]);
    i >>= 1;
  }
  return h;
}

function padToPowerOfTwo(roots: readonly bigint[]): bigint[] {
  let size = 1;
  while (size < roots.length) size *= 2;
  return [...roots, ...new Array<bigint>(size - roots.length).fill(0n)];
}

function parents(poseidon: Poseidon, level: readonly bigint[]): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < level.length; i += 2)
    out.push(poseidon.hash([level[i] as bigint, level[i + 1] as bigint]));
  return out;
}
