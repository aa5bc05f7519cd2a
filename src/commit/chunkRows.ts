import { chunkRootWords } from './chunkTree.js';
import { CHUNK_SIZE } from './constants.js';
import { hashChainWords } from './hashChain.js';
import type { Poseidon } from './poseidon.js';

/**
 * The root of one chunk from its rows' leaf inputs, in words: `rowWords` holds `rows` rows of
 * `width` words each (salt, null mask, values). Each row's leaf is `hashChainWords`; the leaves
 * (zeros after the last row) go into `chunkRootWords`. The bulk path of `rowLeaf` + `chunkRoot`;
 * it runs on worker threads.
 *
 * @example
 * chunkRootOfRows(poseidon, { rowWords, width: columns.length + 2, rows: 256 });
 */
export function chunkRootOfRows(
  poseidon: Poseidon,
  p: { rowWords: Uint8Array; width: number; rows: number },
): Uint8Array {
  const leaves = new Uint8Array(CHUNK_SIZE * 32);
  const rowBytes = p.width * 32;
  const batched = poseidon.hashChainsWords?.(p.rowWords.subarray(0, p.rows * rowBytes), p.width);
  if (batched !== undefined) leaves.set(batched, 0);
  else {
    for (let r = 0; r < p.rows; r++) {
      leaves.set(hashChainWords(poseidon, p.rowWords.subarray(r * rowBytes, (r + 1) * rowBytes)), r * 32);
    }
  }
  return chunkRootWords(poseidon, leaves);
}
