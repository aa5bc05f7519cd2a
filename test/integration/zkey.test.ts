import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as snarkjs from 'snarkjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInsecurePtau } from '../../src/zk/adapters/ptau.js';
import { writeInsecureZkey } from '../../src/zk/adapters/zkey.js';
import { tempDir } from '../utils/tmp.js';

/** The parts of snarkjs these tests call beyond vendor.d.ts. */
type Snarkjs = {
  curves: { getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }> };
  zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string): Promise<unknown>;
    beacon(from: string, to: string, name: string, hash: string, iterationsExp: number): Promise<unknown>;
    exportVerificationKey(zkey: string): Promise<unknown>;
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: unknown): Promise<boolean>;
  };
  groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasm: string,
      zkey: string,
    ): Promise<{ proof: unknown; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: readonly string[], proof: unknown): Promise<boolean>;
  };
};
const sj = snarkjs as unknown as Snarkjs;

const SEED = '5e1250c0ffee';
const BEACON = 'b0a710ad';
const NAME = 'test phase 2 beacon';

/**
 * A small circuit with public inputs and outputs, private inputs, a private input in no
 * constraint's A or B, sums and products: (x + k)^8 + y·z, with 2·n constraints.
 */
const source = (n: number) => `pragma circom 2.0.0;
template T(n) {
  signal input x;
  signal input k;
  signal input y;
  signal input z;
  signal input unused;
  signal output out;
  signal output sum;
  signal p[n + 1];
  signal q[n];
  p[0] <== x + k;
  for (var i = 0; i < n; i++) {
    q[i] <== p[i] * (y + i);
    p[i + 1] <== q[i] * z + 3 * p[i];
  }
  out <== p[n];
  sum <== x + 2 * y + 5;
}
component main { public [x, y] } = T(${n});
`;

describe('writeInsecureZkey', () => {
  let dir: string;
  const compileCircuit = async (name: string, n: number) => {
    await writeFile(join(dir, `${name}.circom`), source(n));
    await promisify(execFile)(
      process.execPath,
      ['node_modules/circom2/cli.js', join(dir, `${name}.circom`), '--r1cs', '--wasm', '-o', dir],
      { timeout: 60_000 },
    );
    return join(dir, `${name}.r1cs`);
  };
  const snarkjsZkey = async (r1cs: string, ptau: string, out: string) => {
    await sj.zKey.newZKey(r1cs, ptau, `${out}.phase1`);
    await sj.zKey.beacon(`${out}.phase1`, out, NAME, BEACON, 10);
    return readFile(out);
  };

  beforeAll(async () => {
    dir = await tempDir('sinso-zkey-');
  });
  afterAll(async () => {
    // snarkjs's multi-threaded curve is built once and cached; stop its workers
    await (await sj.curves.getCurveFromName('bn128')).terminate();
    await rm(dir, { recursive: true, force: true });
  });

  it("is byte for byte snarkjs's zkey new → zkey beacon on the insecure ptau; proves and verifies", async () => {
    const ptau = join(dir, 'p8.ptau');
    await writeInsecurePtau({ power: 8, seed: SEED, out: ptau });
    // 60 constraints + 4 public: a domain of 2^7 under a ptau of 2^8
    const r1cs = await compileCircuit('small', 30);
    const ours = join(dir, 'ours.zkey');
    const r = await writeInsecureZkey({
      r1cs,
      power: 8,
      seed: SEED,
      beaconName: NAME,
      beaconHash: BEACON,
      out: ours,
    });
    expect(r.domainSize).toBe(128);
    const theirs = await snarkjsZkey(r1cs, ptau, join(dir, 'theirs.zkey'));
    const mine = await readFile(ours);
    expect(mine.length).toBe(theirs.length);
    expect(mine.equals(theirs)).toBe(true);
    expect((await stat(ours)).size).toBe(r.bytes);

    const vk = await sj.zKey.exportVerificationKey(ours);
    const { proof, publicSignals } = await sj.groth16.fullProve(
      { x: 3, k: 4, y: 5, z: 6, unused: 7 },
      join(dir, 'small_js', 'small.wasm'),
      ours,
    );
    expect(publicSignals[1]).toBe('18'); // sum = x + 2y + 5
    expect(await sj.groth16.verify(vk, publicSignals, proof)).toBe(true);
    const tampered = [...publicSignals];
    tampered[1] = '19';
    expect(await sj.groth16.verify(vk, tampered, proof)).toBe(false);
  });

  it('matches snarkjs when the domain is the whole ptau, and computes the same in this thread', async () => {
    const ptau = join(dir, 'p6.ptau');
    await writeInsecurePtau({ power: 6, seed: SEED, out: ptau, threads: 0 });
    // 40 constraints + 4 public: a domain of 2^6, the ptau's own power
    const r1cs = await compileCircuit('full', 20);
    const ours = join(dir, 'full.zkey');
    const r = await writeInsecureZkey({
      r1cs,
      power: 6,
      seed: SEED,
      beaconName: NAME,
      beaconHash: BEACON,
      out: ours,
      threads: 0,
    });
    expect(r.domainSize).toBe(64);
    const theirs = await snarkjsZkey(r1cs, ptau, join(dir, 'full-theirs.zkey'));
    expect((await readFile(ours)).equals(theirs)).toBe(true);
  });

  it('refuses a circuit too big for the power and bad parameters, writing nothing', async () => {
    const r1cs = join(dir, 'small.r1cs');
    const out = join(dir, 'bad.zkey');
    const base = { r1cs, power: 6, seed: SEED, beaconName: NAME, beaconHash: BEACON, out, threads: 0 };
    await expect(writeInsecureZkey(base)).rejects.toMatchObject({ code: 'ZK_CIRCUIT_BUILD_FAILED' });
    await expect(writeInsecureZkey({ ...base, power: 8, beaconHash: '0xab' })).rejects.toMatchObject({
      code: 'SCHEMA_INVALID',
    });
    await expect(writeInsecureZkey({ ...base, r1cs: join(dir, 'none.r1cs') })).rejects.toMatchObject({
      code: 'IO_FAILED',
    });
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
