import { readFile } from 'node:fs/promises';
import { buildPoseidon } from 'circomlibjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MODULUS } from './constants.js';
import { hashChain } from './hashChain.js';
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
      { numRuns: 40 },
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
