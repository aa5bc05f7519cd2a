import { readFile } from 'node:fs/promises';
import { buildPoseidon } from 'circomlibjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MODULUS } from './constants.js';
import { hashChain, hashChainWords } from './hashChain.js';
import { loadPoseidon, type Poseidon, readWord, writeWord } from './poseidon.js';

const P = FIELD_MODULUS;
const vectors = new URL('../../datasets/vectors/poseidon_bn254_circom.json', import.meta.url);
let poseidon: Poseidon;
beforeAll(async () => {
  poseidon = await loadPoseidon();
});

describe('Poseidon', () => {
  it('matches the circomlib test vectors (initial state 0, one output)', async () => {
    const file = JSON.parse(await readFile(vectors, 'utf8')) as {
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
      { numRuns: 300 },
    );
  });

  it('agrees with circomlibjs at the edges of the field (0, 1, p − 1, near 2^253), every width', async () => {
    const raw = await buildPoseidon();
    const edges = [
      0n,
      1n,
      2n,
      P - 1n,
      P - 2n,
      (1n << 253n) - 1n,
      1n << 252n,
      (1n << 64n) - 1n,
      (1n << 29n) - 1n,
    ];
    for (let n = 1; n <= 16; n++) {
      for (const [k, e] of edges.entries()) {
        const xs = Array.from({ length: n }, (_, i) => edges[(k + i) % edges.length] as bigint);
        xs[0] = e;
        expect(poseidon.hash(xs)).toBe(raw.F.toObject(raw(xs)));
      }
    }
  });

  it('hashes many chains in one call exactly as hashChain does, one by one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 1, max: 4 }),
        fc.bigInt({ min: 0n, max: P - 1n }),
        (length, count, seed) => {
          const values = Array.from(
            { length: length * count },
            (_, i) => (seed * BigInt(i + 3) + BigInt(i)) % P,
          );
          const words = new Uint8Array(values.length * 32);
          for (const [i, v] of values.entries()) writeWord(v, words, i * 32);
          const out = poseidon.hashChainsWords?.(words, length) as Uint8Array;
          expect(out.byteLength).toBe(count * 32);
          for (let c = 0; c < count; c++) {
            const chain = values.slice(c * length, (c + 1) * length);
            expect(readWord(out, c * 32)).toBe(hashChain(poseidon, chain));
            expect(
              readWord(hashChainWords(poseidon, words.subarray(c * length * 32, (c + 1) * length * 32))),
            ).toBe(hashChain(poseidon, chain));
          }
        },
      ),
      { numRuns: 25 },
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
