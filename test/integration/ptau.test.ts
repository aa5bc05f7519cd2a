import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as snarkjs from 'snarkjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSECURE_PTAU_NAME, writeInsecurePtau } from '../../src/zk/adapters/ptau.js';
import { tempDir } from '../utils/tmp.js';

/** The parts of snarkjs these tests call (vendor.d.ts declares only groth16.verify/fullProve). */
type Snarkjs = {
  curves: { getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }> };
  powersOfTau: {
    newAccumulator(curve: unknown, power: number, file: string): Promise<unknown>;
    beacon(from: string, to: string, name: string, hash: string, iterationsExp: number): Promise<unknown>;
    preparePhase2(from: string, to: string): Promise<void>;
    verify(file: string, logger: Logger): Promise<boolean>;
  };
  zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string): Promise<unknown>;
    exportVerificationKey(zkey: string): Promise<unknown>;
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
type Logger = Record<'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void>;
const sj = snarkjs as unknown as Snarkjs;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const POWER = 8;
const BEACON = '5e1250c0ffee';

describe('writeInsecurePtau', () => {
  let dir: string;
  let ours: string;
  beforeAll(async () => {
    dir = await tempDir('sinso-ptau-');
    ours = join(dir, 'ours.ptau');
    await writeInsecurePtau({ power: POWER, seed: BEACON, out: ours });
  });
  afterAll(async () => {
    // snarkjs's multi-threaded curve is built once and cached; stop its workers
    await (await sj.curves.getCurveFromName('bn128')).terminate();
    await rm(dir, { recursive: true, force: true });
  });

  it("is byte for byte snarkjs's new → beacon → prepare phase2 for the same beacon", async () => {
    const curve = await sj.curves.getCurveFromName('bn128');
    await sj.powersOfTau.newAccumulator(curve, POWER, join(dir, 'p0.ptau'));
    await sj.powersOfTau.beacon(join(dir, 'p0.ptau'), join(dir, 'p1.ptau'), INSECURE_PTAU_NAME, BEACON, 10);
    await sj.powersOfTau.preparePhase2(join(dir, 'p1.ptau'), join(dir, 'theirs.ptau'));
    const theirs = await readFile(join(dir, 'theirs.ptau'));
    const mine = await readFile(ours);
    expect(mine.length).toBe(theirs.length);
    expect(mine.equals(theirs)).toBe(true);
  });

  it('computes the same file in this thread as on worker threads', async () => {
    const inline = join(dir, 'inline.ptau');
    await writeInsecurePtau({ power: POWER, seed: BEACON, out: inline, threads: 0 });
    expect((await readFile(inline)).equals(await readFile(ours))).toBe(true);
  });

  it('passes snarkjs powersoftau verify', async () => {
    expect(await sj.powersOfTau.verify(ours, quiet)).toBe(true);
  });

  it('sets up, proves and verifies a Groth16 circuit; a tampered public signal fails', async () => {
    const source = join(dir, 'mul.circom');
    await writeFile(
      source,
      'pragma circom 2.0.0;\ntemplate Mul() { signal input a; signal input b; signal output c; c <== a * b; }\ncomponent main = Mul();\n',
    );
    await promisify(execFile)(
      process.execPath,
      ['node_modules/circom2/cli.js', source, '--r1cs', '--wasm', '-o', dir],
      { timeout: 60_000 },
    );
    const zkey = join(dir, 'mul.zkey');
    await sj.zKey.newZKey(join(dir, 'mul.r1cs'), ours, zkey);
    const vk = await sj.zKey.exportVerificationKey(zkey);
    const { proof, publicSignals } = await sj.groth16.fullProve(
      { a: 3, b: 11 },
      join(dir, 'mul_js', 'mul.wasm'),
      zkey,
    );
    expect(publicSignals).toEqual(['33']);
    expect(await sj.groth16.verify(vk, publicSignals, proof)).toBe(true);
    expect(await sj.groth16.verify(vk, ['34'], proof)).toBe(false);
  });

  it('writes nothing for invalid parameters, and replaces a file atomically', async () => {
    const out = join(dir, 'bad.ptau');
    await expect(writeInsecurePtau({ power: 0, seed: BEACON, out })).rejects.toMatchObject({
      code: 'SCHEMA_INVALID',
    });
    await expect(writeInsecurePtau({ power: 4, seed: 'not hex', out })).rejects.toMatchObject({
      code: 'SCHEMA_INVALID',
    });
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(out, 'old');
    const r = await writeInsecurePtau({ power: 2, seed: new Uint8Array([1, 2, 3]), out, threads: 0 });
    expect((await stat(out)).size).toBe(r.bytes);
  });
});
