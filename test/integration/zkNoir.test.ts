/**
 * The Noir + UltraHonk candidate (bench/zk/noir.js, circuits/noir/chunk_query) on random chunks:
 * the circuit's public SUM/COUNT equal a plain computation over the same rows, a proof comes out,
 * and a wrong chunk root gets no witness. The artifact, verification key and the local CRS are
 * cached under bench/out/zk-noir/ (the first run compiles, ~5 s, and makes the CRS, ~10 s).
 *
 * Verification: with the local (insecure) CRS, bb's native verifier fails, because bb pins
 * Ignition's [τ]₂; the test asserts that, not a pass (bench/zk/noir.js measures the Solidity
 * verifier with the local [τ]₂, which does pass).
 */
import type { Barretenberg } from '@aztec/bb.js';
import { Noir } from '@noir-lang/noir_js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPoseidon2,
  circuitInputs,
  circuitKeys,
  compileCircuit,
  makeChunk,
  openBb,
  P,
  proveChunk,
} from '../../bench/zk/noir.js';

const C = 128;
let api: Barretenberg;
let noir: Noir;
let keys: Awaited<ReturnType<typeof circuitKeys>>;

beforeAll(async () => {
  const compiled = await compileCircuit(C, () => {});
  api = await openBb();
  keys = await circuitKeys(api, compiled, () => {});
  noir = new Noir(compiled.program);
}, 180_000);

afterAll(async () => {
  await api?.destroy();
});

/** The query, written out: rows i < nValid whose y is present and >= c; SUM skips a null x. */
function plain(d: ReturnType<typeof makeChunk>, c: bigint) {
  let sum = 0n;
  let count = 0n;
  d.y.forEach((y, i) => {
    if (i < d.nValid && !d.yNull[i] && y >= c) {
      count += 1n;
      sum += d.xNull[i] ? 0n : (d.x[i] ?? 0n);
    }
  });
  return { sum, count };
}

describe('Noir chunk query (UltraHonk)', () => {
  it("bb.js's Poseidon2 matches the published vectors", async () => {
    await expect(checkPoseidon2(api)).resolves.toBeUndefined();
  });

  it.each([
    { seed: 1, nValid: C, c: 10n },
    { seed: 2, nValid: 77, c: -20n },
    { seed: 3, nValid: 1, c: -(2n ** 63n) },
  ])(
    'proves SUM and COUNT of a random chunk (seed $seed, $nValid valid rows, c = $c)',
    async ({ seed, nValid, c }) => {
      const d = makeChunk(seed, 0, C, nValid);
      const want = plain(d, c);
      const r = await proveChunk(api, noir, keys.bytecode, keys.vk, d, c);
      expect({ sum: r.sum, count: r.count }).toEqual(want);
      expect(r.outputsCorrect).toBe(true);
      // public inputs: chunk root, c, then the outputs SUM and COUNT (negative as p + v)
      expect(r.publicInputs).toHaveLength(4);
      const pub = r.publicInputs.map((b) => BigInt(`0x${Buffer.from(b).toString('hex')}`));
      expect(pub[2]).toBe(want.sum < 0n ? P + want.sum : want.sum);
      expect(pub[3]).toBe(want.count);
      expect(r.proofBytes).toBeGreaterThan(1000);
      // the local CRS: bb's verifier pins Ignition's [τ]₂, so the pairing check fails here
      expect(r.verified).toBe(false);
    },
  );

  it('gives no witness for a chunk root the rows do not hash to', async () => {
    const d = makeChunk(4, 0, C, C);
    const { inputs } = await circuitInputs(api, d, 0n);
    await expect(noir.execute({ ...inputs, chunk_root: '0x01' })).rejects.toThrow();
  });
});
