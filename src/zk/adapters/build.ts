import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as snarkjs from 'snarkjs';
import { isSinsoError } from '../../core/errors/index.js';
import { exists } from '../../core/fs.js';
import { canonicalJson, sha256File, sha256Hex } from '../../core/hash.js';
import { takePidLock } from '../../core/pidLock.js';
import type { Progress } from '../../core/progress.js';
import { silentProgress } from '../../core/progress.js';
import { type ChunkQueryCircuit, mainSource } from '../circuits.js';
import { ZkError } from '../errors.js';
import { releaseCurves } from './curves.js';
import { readR1csSize, writeInsecureZkey } from './zkey.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The package root (src/zk/adapters and dist/zk/adapters are both three levels down). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CIRCUITS_DIR = join(ROOT, 'circuits');
/** Compiled circuits and setups, keyed by source hash (git-ignored). */
export const DEFAULT_CACHE = join(ROOT, '.cache', 'zk');

/** Where a circuit's proving key comes from. */
export type SetupSource =
  /**
   * Keys made here from public seeds (the powers of tau's and phase 2's), computed straight from
   * the secrets they give away (writeInsecureZkey; no .ptau file is made): anyone can forge
   * proofs. Tests and the demo only.
   */
  | { kind: 'insecure'; power: number }
  /** A public ceremony's prepared powers of tau (e.g. the Hermez/Polygon ceremony's files). */
  | { kind: 'ptau'; file: string };

export const DEFAULT_SETUP: SetupSource = { kind: 'insecure', power: 16 };
/** The public beacon the insecure powers of tau derive τ, α and β from: anyone can forge proofs under it. */
export const INSECURE_PTAU_SEED = sha256Hex('sinso/zk/insecure-ptau/v1');
/** The public beacon of the (insecure) phase 2 of every setup made here: same r1cs, same ptau → same keys. */
const PHASE2_BEACON = sha256Hex('sinso/zk/phase2-beacon/v1');
/** The phase 2 beacon's contribution name and 2^E SHA-256 rounds (snarkjs zkey beacon's arguments). */
const PHASE2_NAME = 'sinso phase 2 beacon';
const PHASE2_ITERATIONS_EXP = 10;

export type CircuitArtifacts = {
  circuit: ChunkQueryCircuit;
  /** sha256 of everything the circuit is compiled from (circom sources, circomlib, compiler version). */
  sourceSha256: string;
  wasm: string;
  r1cs: string;
  zkey: string;
  verificationKey: Record<string, unknown>;
  /** sha256 of the canonical JSON of the verification key. */
  vkSha256: string;
  /** What the powers of tau is: the sha256 of a ceremony's file, or of the insecure setup's power and seed. */
  ptauId: string;
};

/**
 * Compiles a circuit and makes its proving and verification keys, each into the cache under its
 * source hash (and the powers of tau's hash), unless they are there already. Safe to call from
 * several processes at once (a lock per cache entry); an interrupted build leaves no entry.
 */
export async function ensureCircuit(
  circuit: ChunkQueryCircuit,
  o: {
    setup?: SetupSource | undefined;
    cacheRoot?: string | undefined;
    progress?: Progress | undefined;
  } = {},
): Promise<CircuitArtifacts> {
  const cacheRoot = o.cacheRoot ?? DEFAULT_CACHE;
  const progress = o.progress ?? silentProgress;
  const sourceSha256 = await circuitSourceHash(circuit);
  const compiled = join(cacheRoot, 'compiled', `${circuit.name}-${sourceSha256.slice(0, 16)}`);
  await buildOnce(compiled, async (dir) => {
    const task = progress.start(`compile ${circuit.name}`, 1);
    await compile(circuit, dir);
    task.done();
  });
  const given = o.setup ?? DEFAULT_SETUP;
  // an insecure setup grows to what the circuit needs (one power above its domain)
  const setup: SetupSource =
    given.kind === 'insecure'
      ? {
          kind: 'insecure',
          power: Math.max(given.power, (await readR1csSize(join(compiled, 'circuit.r1cs'))).domainPower + 1),
        }
      : given;
  // the insecure setup is named by what its points are made from (its bytes also carry a
  // contribution record); a ceremony's file by its hash
  const ptauId =
    setup.kind === 'insecure'
      ? sha256Hex(`insecure/${setup.power}/${INSECURE_PTAU_SEED}`)
      : await sha256File(setup.file);
  const setupDir = join(
    cacheRoot,
    'setup',
    `${circuit.name}-${sourceSha256.slice(0, 16)}-${ptauId.slice(0, 16)}`,
  );
  await buildOnce(setupDir, async (dir) => {
    const task = progress.start(`setup ${circuit.name}`, 100);
    const r1cs = join(compiled, 'circuit.r1cs');
    const zkey = join(dir, 'circuit.zkey');
    try {
      if (setup.kind === 'insecure') {
        // the key straight from the known secrets: the same bytes as zkey new on the insecure
        // powers of tau then zkey beacon below, in seconds instead of minutes
        let shown = 0;
        await writeInsecureZkey({
          r1cs,
          power: setup.power,
          seed: INSECURE_PTAU_SEED,
          beaconName: PHASE2_NAME,
          beaconHash: PHASE2_BEACON,
          iterationsExp: PHASE2_ITERATIONS_EXP,
          out: zkey,
          onProgress: (done, total) => {
            const pct = Math.floor((100 * done) / total);
            task.tick(pct - shown);
            shown = pct;
          },
        });
      } else {
        await snarkjs.zKey.newZKey(r1cs, setup.file, join(dir, 'phase1.zkey'));
        await snarkjs.zKey.beacon(
          join(dir, 'phase1.zkey'),
          zkey,
          PHASE2_NAME,
          PHASE2_BEACON,
          PHASE2_ITERATIONS_EXP,
        );
        await rm(join(dir, 'phase1.zkey'));
      }
      const vk = await snarkjs.zKey.exportVerificationKey(zkey);
      await writeFile(join(dir, 'vk.json'), `${canonicalJson(vk, 2)}\n`);
    } catch (err) {
      if (isSinsoError(err)) throw err;
      throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', { circuit: circuit.name, step: 'setup' }, { cause: err });
    } finally {
      await releaseCurves();
    }
    task.done();
  });
  const vkText = await readFile(join(setupDir, 'vk.json'), 'utf8');
  const verificationKey = JSON.parse(vkText) as Record<string, unknown>;
  return {
    circuit,
    sourceSha256,
    wasm: join(compiled, 'circuit.wasm'),
    r1cs: join(compiled, 'circuit.r1cs'),
    zkey: join(setupDir, 'circuit.zkey'),
    verificationKey,
    vkSha256: sha256Hex(canonicalJson(verificationKey)),
    ptauId,
  };
}

/** sha256 over the compiler version, the generated main and every circom file it includes. */
export async function circuitSourceHash(circuit: ChunkQueryCircuit): Promise<string> {
  const lib = join(CIRCUITS_DIR, 'lib');
  const files = (await readdir(lib)).filter((f) => f.endsWith('.circom')).sort();
  const circomlib = dirname(require.resolve('circomlib/package.json'));
  const parts: string[] = [`circom2 ${circom2Version()}`, mainSource(circuit)];
  for (const f of files) parts.push(`lib/${f}`, await readFile(join(lib, f), 'utf8'));
  for (const f of CIRCOMLIB_FILES) {
    parts.push(`circomlib/${f}`, await readFile(join(circomlib, 'circuits', f), 'utf8'));
  }
  return sha256Hex(parts.join('\n\u0000\n'));
}

function circom2Version(): string {
  return (require('circom2/package.json') as { version: string }).version;
}

/** The circomlib files the circuits include (copied next to them: circom2's WASI sandbox sees only the working folder). */
const CIRCOMLIB_FILES = ['poseidon.circom', 'poseidon_constants.circom'];

/**
 * Compiles in a folder that holds everything the circuit includes (circuits/lib and the circomlib
 * files, copied), with that folder as the only include path: circom2 runs in WebAssembly with
 * only the working folder visible.
 */
async function compile(circuit: ChunkQueryCircuit, dir: string): Promise<void> {
  await writeFile(join(dir, 'main.circom'), mainSource(circuit));
  await cp(join(CIRCUITS_DIR, 'lib'), join(dir, 'lib'), { recursive: true });
  const circomlib = dirname(require.resolve('circomlib/package.json'));
  await mkdir(join(dir, 'circomlib', 'circuits'), { recursive: true });
  for (const f of CIRCOMLIB_FILES)
    await cp(join(circomlib, 'circuits', f), join(dir, 'circomlib', 'circuits', f));
  const bin = join(dirname(require.resolve('circom2/package.json')), 'cli.js');
  try {
    await run(process.execPath, [bin, 'main.circom', '--O2', '--r1cs', '--wasm', '-l', '.', '-o', '.'], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
    });
    await rename(join(dir, 'main_js', 'main.wasm'), join(dir, 'circuit.wasm'));
    await rename(join(dir, 'main.r1cs'), join(dir, 'circuit.r1cs'));
    await rm(join(dir, 'main_js'), { recursive: true, force: true });
  } catch (err) {
    throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', { circuit: circuit.name, step: 'compile' }, { cause: err });
  }
}

/**
 * Builds a cache entry once: into a staging folder renamed into place when complete, under a
 * lock so concurrent processes wait for one builder instead of racing.
 */
async function buildOnce(dir: string, build: (staging: string) => Promise<void>): Promise<void> {
  if (await exists(join(dir, '.complete'))) return;
  await mkdir(dirname(dir), { recursive: true });
  const lock = await takePidLock(`${dir}.lock`, { waitMs: 30 * 60_000, ownPid: 'stale' });
  if ('heldBy' in lock) {
    throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', {
      circuit: dir.split('/').at(-1) ?? '',
      step: 'waiting for another build',
    });
  }
  try {
    if (await exists(join(dir, '.complete'))) return;
    const staging = `${dir}.sinso-tmp`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await build(staging);
    await writeFile(join(staging, '.complete'), '');
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } finally {
    await lock.release();
  }
}
