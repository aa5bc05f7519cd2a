import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { InternalError } from '../core/errors/index.js';
import { FIELD_MODULUS, POSEIDON_MAX_INPUTS } from './constants.js';
import { createPoseidonWasm, type PoseidonWasm } from './poseidonWasm.js';

/**
 * Poseidon over BN254 as circomlib defines it (x^5 S-box, t = inputs + 1, 8 full rounds, the
 * partial rounds of circomlib, initial state 0): the same function as circomlib's in-circuit
 * `Poseidon(n)` and circomlibjs's `buildPoseidon`. Backed by sinso's own WebAssembly
 * (poseidonWasm.ts: 29-bit limbs, lazy reduction; ~3× circomlibjs's speed), checked against
 * circomlib's vectors and circomlibjs in poseidon.test.ts.
 *
 * Two faces: `hash` over bigints, and `hashWords` over "words" (32-byte little-endian field
 * elements, canonical), which skips conversions when trees are built in bulk: a node's output
 * word is the next level's input word.
 */
export type Poseidon = {
  /** Poseidon of 1..16 field elements (each < p). */
  hash(inputs: readonly bigint[]): bigint;
  /** Poseidon of 1..16 words concatenated (32·n bytes); returns the output word (a new array). */
  hashWords(words: Uint8Array): Uint8Array;
  /**
   * Many `hashChain`s over words in one call: `words` holds consecutive blocks of `chainLength`
   * words; returns one output word per block, concatenated (a new array).
   */
  hashChainsWords?(words: Uint8Array, chainLength: number): Uint8Array;
};

const P = FIELD_MODULUS;
const U64 = (1n << 64n) - 1n;

let loaded: Promise<Poseidon> | undefined;

/**
 * Loads Poseidon once per thread (building the WebAssembly takes a moment) and returns it.
 *
 * @example
 * const poseidon = await loadPoseidon();
 * poseidon.hash([1n, 2n]); // 0x115cc0f5…189a
 */
export function loadPoseidon(): Promise<Poseidon> {
  loaded ??= importConstants().then((constants) => wrap(createPoseidonWasm(constants)));
  return loaded;
}

/**
 * circomlibjs's optimized Poseidon constants, that module alone, never the package entry: the
 * entry also loads blake-hash, whose prebuilt native addon corrupts the native heap (glibc
 * "free(): invalid pointer", SIGABRT or SIGSEGV at some later allocation) once it is loaded in the
 * main thread and in a worker thread of the same process — which is what the commitment workers
 * would do. The package's `exports` name only its entry, so the file is found next to the entry
 * that Node resolves.
 */
async function importConstants(): Promise<Parameters<typeof createPoseidonWasm>[0]> {
  const entry = createRequire(import.meta.url).resolve('circomlibjs'); // …/circomlibjs/build/main.cjs
  const file = new URL('../src/poseidon_constants_opt.js', pathToFileURL(entry));
  const mod = (await import(file.href)) as { default: Parameters<typeof createPoseidonWasm>[0] };
  return mod.default;
}

function wrap(m: PoseidonWasm): Poseidon {
  let bytes = new Uint8Array(m.memory.buffer);
  /** The memory's bytes, with room for `size` bytes of input and output at `m.io`. */
  const area = (size: number): Uint8Array => {
    m.reserve(size);
    if (bytes.buffer !== m.memory.buffer) bytes = new Uint8Array(m.memory.buffer);
    return bytes;
  };
  const hashWords = (words: Uint8Array): Uint8Array => {
    const n = words.byteLength / 32;
    if (!Number.isInteger(n) || n < 1 || n > POSEIDON_MAX_INPUTS) {
      throw new InternalError('INTERNAL', {
        what: 'Poseidon takes 1 to 16 field elements',
        detail: `inputs: ${n}`,
      });
    }
    const b = area(words.byteLength + 32);
    b.set(words, m.io);
    const out = m.io + words.byteLength;
    m.poseidon(m.io, n, out);
    return b.slice(out, out + 32);
  };
  return {
    hashWords,
    hash(inputs) {
      const words = new Uint8Array(inputs.length * 32);
      for (const [i, x] of inputs.entries()) writeWord(x, words, i * 32);
      return readWord(hashWords(words));
    },
    hashChainsWords(words, chainLength) {
      const count = words.byteLength / 32 / chainLength;
      if (!Number.isInteger(count) || !Number.isInteger(chainLength) || chainLength < 1) {
        throw new InternalError('INTERNAL', { what: 'hash chains need whole blocks of words' });
      }
      const b = area(words.byteLength + count * 32);
      b.set(words, m.io);
      const out = m.io + words.byteLength;
      m.chains(m.io, chainLength, count, out);
      return b.slice(out, out + count * 32);
    },
  };
}

/**
 * Writes field element `x` (0 ≤ x < p) as a word: 32 bytes little-endian.
 *
 * @example
 * const w = new Uint8Array(32); writeWord(5n, w, 0); readWord(w) === 5n;
 */
export function writeWord(x: bigint, out: Uint8Array, offset: number): void {
  if (x < 0n || x >= P) {
    throw new InternalError('INTERNAL', { what: 'a value is not a field element' });
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, 32);
  let m = x;
  for (let i = 0; i < 4; i++) {
    view.setBigUint64(8 * i, m & U64, true);
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
  return m;
}
