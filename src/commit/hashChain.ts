import { InternalError } from '../core/errors/index.js';
import { POSEIDON_MAX_INPUTS } from './constants.js';
import type { Poseidon } from './poseidon.js';

/**
 * Hashes a list of any length ≥ 1 with Poseidon, as a chain: h = Poseidon(x1 … x16) over the
 * first (up to) 16 elements, then h = Poseidon(h, next up to 15 elements) until none are left.
 * A list of up to 16 elements is therefore one plain Poseidon call. Row leaves, encoding hashes,
 * dictionary hashes and the dataset root all use it.
 *
 * @example
 * hashChain(poseidon, [1n, 2n]) === poseidon.hash([1n, 2n]);
 */
export function hashChain(poseidon: Poseidon, inputs: readonly bigint[]): bigint {
  if (inputs.length === 0) throw emptyChain();
  let h = poseidon.hash(inputs.slice(0, POSEIDON_MAX_INPUTS));
  for (let i = POSEIDON_MAX_INPUTS; i < inputs.length; i += POSEIDON_MAX_INPUTS - 1) {
    h = poseidon.hash([h, ...inputs.slice(i, i + POSEIDON_MAX_INPUTS - 1)]);
  }
  return h;
}

/**
 * `hashChain` over words (32-byte Montgomery forms, concatenated): the bulk path.
 *
 * @example
 * readWord(hashChainWords(poseidon, words)) === hashChain(poseidon, values);
 */
export function hashChainWords(poseidon: Poseidon, words: Uint8Array): Uint8Array {
  const n = words.byteLength / 32;
  if (n < 1) throw emptyChain();
  let h = poseidon.hashWords(words.subarray(0, Math.min(n, POSEIDON_MAX_INPUTS) * 32));
  for (let i = POSEIDON_MAX_INPUTS; i < n; i += POSEIDON_MAX_INPUTS - 1) {
    const end = Math.min(n, i + POSEIDON_MAX_INPUTS - 1);
    const block = new Uint8Array((end - i + 1) * 32);
    block.set(h, 0);
    block.set(words.subarray(i * 32, end * 32), 32);
    h = poseidon.hashWords(block);
  }
  return h;
}

function emptyChain(): InternalError {
  return new InternalError('INTERNAL', { what: 'a hash chain needs at least one element' });
}
