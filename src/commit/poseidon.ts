import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { InternalError } from '../core/errors/index.js';
import { FIELD_MODULUS, POSEIDON_MAX_INPUTS } from './constants.js';

/**
 * Poseidon over BN254 as circomlib defines it (x^5 S-box, t = inputs + 1, 8 full rounds, the
 * partial rounds of circomlib, initial state 0): the same function as circomlib's in-circuit
 * `Poseidon(n)`. Backed by circomlibjs's WebAssembly implementation.
 *
 * Two faces: `hash` over bigints, and `hashWords` over "words" (32-byte little-endian Montgomery
 * forms, the representation circomlibjs computes in), which skips conversions when trees are built
 * in bulk: a node's output words are the next level's input words.
 */
export type Poseidon = {
  /** Poseidon of 1..16 field elements (each < p). */
  hash(inputs: readonly bigint[]): bigint;
  /** Poseidon of 1..16 words concatenated (32·n bytes); returns the output word (a new array). */
  hashWords(words: Uint8Array): Uint8Array;
  /**
   * Many `hashChain`s over words at once, where the backend can batch them: `words` holds
   * consecutive blocks of `chainLength` words; returns one output word per block, concatenated.
   * Absent where the backend cannot batch (callers then chain `hashWords` themselves).
   */
  hashChainsWords?(words: Uint8Array, chainLength: number): Uint8Array;
};

type RawPoseidon = (input: Uint8Array) => Uint8Array;

const P = FIELD_MODULUS;
/** Montgomery radix R = 2^256 and its inverse mod p. */
const R_MOD_P = (1n << 256n) % P;
const R_INV = modPow(R_MOD_P, P - 2n);

let loaded: Promise<Poseidon> | undefined;

/**
 * Loads Poseidon once per thread (building the WebAssembly takes a moment) and returns it.
 *
 * @example
 * const poseidon = await loadPoseidon();
 * poseidon.hash([1n, 2n]); // 0x115cc0f5…189a
 */
export function loadPoseidon(): Promise<Poseidon> {
  loaded ??= importBuildPoseidon()
    .then((build) => build())
    .then((fn) => wrap(fn as RawPoseidon));
  return loaded;
}

/**
 * circomlibjs's Poseidon module alone, not the package entry: the entry also loads blake-hash,
 * whose prebuilt native addon corrupts the native heap (glibc "free(): invalid pointer", SIGABRT
 * or SIGSEGV at some later allocation) once it is loaded in the main thread and in a worker
 * thread of the same process — which is what the commitment workers would do. The package's
 * `exports` name only its entry, so the file is found next to the entry that Node resolves.
 */
async function importBuildPoseidon(): Promise<() => Promise<unknown>> {
  const entry = createRequire(import.meta.url).resolve('circomlibjs'); // …/circomlibjs/build/main.cjs
  const file = new URL('../src/poseidon_wasm.js', pathToFileURL(entry));
  const mod = (await import(file.href)) as { buildPoseidon: () => Promise<unknown> };
  return mod.buildPoseidon;
}

function wrap(raw: RawPoseidon): Poseidon {
  const hashWords = (words: Uint8Array): Uint8Array => {
    const n = words.byteLength / 32;
    if (!Number.isInteger(n) || n < 1 || n > POSEIDON_MAX_INPUTS) {
      throw new InternalError('INTERNAL', {
        what: 'Poseidon takes 1 to 16 field elements',
        detail: `inputs: ${n}`,
      });
    }
    return raw(words);
  };
  return {
    hashWords,
    hash(inputs) {
      const words = new Uint8Array(inputs.length * 32);
      for (const [i, x] of inputs.entries()) writeWord(x, words, i * 32);
      return readWord(hashWords(words));
    },
  };
}

/**
 * Writes field element `x` (0 ≤ x < p) as a word: x·2^256 mod p, 32 bytes little-endian.
 *
 * @example
 * const w = new Uint8Array(32); writeWord(5n, w, 0); readWord(w) === 5n;
 */
export function writeWord(x: bigint, out: Uint8Array, offset: number): void {
  if (x < 0n || x >= P) {
    throw new InternalError('INTERNAL', { what: 'a value is not a field element' });
  }
  let m = (x * R_MOD_P) % P;
  const view = new DataView(out.buffer, out.byteOffset + offset, 32);
  for (let i = 0; i < 4; i++) {
    view.setBigUint64(8 * i, BigInt.asUintN(64, m), true);
    m >>= 64n;
  }
}

/**
 * Reads the field element of the word at `offset`.
 *
 * @example
 * readWord(poseidon.hashWords(words));
 */
export function readWord(words: Uint8Array, offset = 0): bigint {
  const view = new DataView(words.buffer, words.byteOffset + offset, 32);
  let m = 0n;
  for (let i = 3; i >= 0; i--) m = (m << 64n) | view.getBigUint64(8 * i, true);
  return (m * R_INV) % P;
}

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}
