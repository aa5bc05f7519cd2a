/**
 * A prepared powers-of-tau file (.ptau) for BN254, made locally: INSECURE, for tests, the demo
 * and CI only.
 *
 * Why: Groth16 with snarkjs needs a prepared .ptau (`powersoftau new` → contributions → `prepare
 * phase2`). snarkjs takes 8 minutes for one of power 14 on two cores and over 90 CPU-minutes at
 * power 18, and a 20–40 MB binary does not belong in git. Production passes a public ceremony's
 * file (`--ptau FILE`) and never this one.
 *
 * Why it is insecure: the secrets of the setup (τ, α, β, the "toxic waste") are derived from
 * the seed, so anyone who knows the seed can forge proofs for every circuit set up on this file.
 * Knowing them is also what makes it fast: each point is a fixed-base multiplication of the
 * generator, [s]G, by a scalar computed in Fr — [τ^i]G1, [τ^i]G2, [ατ^i]G1, [βτ^i]G1, [β]G2, and
 * for the Lagrange sections [L_i(τ)] in G1 and G2 and [αL_i(τ)], [βL_i(τ)] in G1 for every
 * domain size 2^0 … 2^power — instead of the FFT over points that `prepare phase2` runs.
 *
 * What it writes is exactly what snarkjs 0.7.6 writes for `powersoftau new bn128 P`, then
 * `powersoftau beacon HASH E` (one beacon contribution, named), then `prepare phase2`: the same
 * τ, α, β (derived from the beacon hash as snarkjs derives them: 2^E rounds of SHA-256 seed a
 * ChaCha20 generator), the same sections and encodings (points as little-endian Montgomery
 * affine), the same contribution record and hashes — byte for byte (the integration test
 * compares the two files). So `snarkjs powersoftau verify` accepts it and shows the beacon.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { blake2b } from '@noble/hashes/blake2b';
import { sha256 } from '@noble/hashes/sha2';
import * as snarkjs from 'snarkjs';
import { z } from 'zod';
import {
  type InternalErrorType,
  InterruptedError,
  type InterruptedErrorType,
  type IoErrorType,
  isSinsoError,
  type SchemaErrorType,
  wrapIoError,
} from '../../core/errors/index.js';
import { abortStaged, beginStaged, commitStaged } from '../../core/fs.js';
import { parseWith } from '../../core/parse.js';
import { workerFile } from '../../core/workerFile.js';
import { createWorkerPool, type WorkerPool } from '../../core/workerPool.js';
import {
  chooseWindow,
  createFixedBaseEngine,
  type FixedBaseEngine,
  type FixedBaseEngineParameters,
  type PtauGroup,
} from './ptauEngine.js';
import type { PtauTask } from './ptauWorker.js';

/** The contribution's name when none is given: what `snarkjs powersoftau verify` shows. */
export const INSECURE_PTAU_NAME = 'INSECURE test setup (sinso): toxic waste known from seed';

const WriteInsecurePtauParametersSchema = z.strictObject({
  power: z.number().int().min(1).max(27),
  seed: z.union([
    z.instanceof(Uint8Array).refine((b) => b.length >= 1 && b.length <= 255, '1 to 255 bytes'),
    z.string().regex(/^(0x)?([0-9a-fA-F]{2}){1,255}$/, 'a hex string of 1 to 255 bytes'),
  ]),
  out: z.string().min(1),
  iterationsExp: z.number().int().min(10).max(40).optional(),
  name: z.string().min(1).max(64).optional(),
  threads: z.number().int().min(0).max(64).optional(),
  signal: z.instanceof(AbortSignal).optional(),
  onProgress: z.custom<(done: number, total: number) => void>((v) => typeof v === 'function').optional(),
});

export type WriteInsecurePtauParameters = {
  /** log2 of the number of powers: circuits up to 2^power constraints (1 … 27). */
  power: number;
  /**
   * The beacon hash that τ, α and β are derived from: bytes, or hex (1 to 255 bytes). Anyone
   * who has it has the toxic waste.
   */
  seed: Uint8Array | string;
  /** The .ptau file to write (atomically: a staged sibling renamed into place). */
  out: string;
  /** The beacon's 2^E SHA-256 rounds (snarkjs's numIterationsExp): 10 … 40, default 10. */
  iterationsExp?: number | undefined;
  /** The contribution's name (up to 64 characters), default {@link INSECURE_PTAU_NAME}. */
  name?: string | undefined;
  /** Worker threads for the multiplications; 0 computes in this thread. Default: one per core. */
  threads?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each chunk with the points written so far and the total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
};

export type WriteInsecurePtauReturnType = {
  out: string;
  power: number;
  /** The file's size. */
  bytes: number;
  /** The contribution's response hash (hex), as `snarkjs powersoftau beacon` prints it. */
  responseHash: string;
};

/** Bad parameters (SCHEMA_INVALID), a failed write (IO_FAILED), an abort, a worker's failure. */
export type WriteInsecurePtauErrorType =
  | SchemaErrorType
  | IoErrorType
  | InterruptedErrorType
  | InternalErrorType;

/**
 * Writes an INSECURE prepared powers-of-tau file for BN254, identical to snarkjs's `new` →
 * `beacon` → `prepare phase2` for the same power and beacon, in seconds instead of minutes.
 * For tests and the demo only: the seed gives away the toxic waste.
 *
 * @example
 * await writeInsecurePtau({ power: 12, seed: 'a1b2c3', out: 'cache/insecure_12.ptau' });
 */
export async function writeInsecurePtau(
  parameters: WriteInsecurePtauParameters,
): Promise<WriteInsecurePtauReturnType> {
  const p = parseWith(WriteInsecurePtauParametersSchema, parameters, {
    what: 'insecure powers-of-tau parameters',
  }) as WriteInsecurePtauParameters;
  const power = p.power;
  const beaconHash = typeof p.seed === 'string' ? hexToBytes(p.seed) : new Uint8Array(p.seed);
  const iterationsExp = p.iterationsExp ?? 10;
  const name = p.name ?? INSECURE_PTAU_NAME;
  const threads = p.threads ?? availableParallelism();
  const N = 2 ** power;
  const chunk = chunkSize(N);

  const curve = await loadCurve();
  const code = { code: curve.tm.code, pG1gen: curve.tm.pG1gen, pG2gen: curve.tm.pG2gen };
  const Fr = curve.Fr;

  // the beacon's key, as `powersoftau beacon` derives it after `powersoftau new`
  const firstChallenge = firstChallengeHash(curve, power);
  const key = createPtauKey(curve, firstChallenge, beaconRng(beaconHash, iterationsExp));
  const tau = key.tau.prvKey;
  const alpha = key.alpha.prvKey;
  const beta = key.beta.prvKey;

  // G1: sections 2, 4, 5 (4N − 1), 12 (4N − 1), 14, 15 (2 × (2N − 1)); G2: 3, 6 (N + 1), 13 (2N − 1)
  const g1Points = 12 * N - 3;
  const g2Points = 3 * N;
  const total = g1Points + g2Points;
  const workers = Math.max(threads, 1);
  const windows = {
    G1: chooseWindow('G1', g1Points / workers),
    G2: chooseWindow('G2', g2Points / workers),
  };
  const local = await createFixedBaseEngine({ ...code, windows });
  const multiplier =
    threads === 0
      ? inlineMultiplier(local, p.signal)
      : poolMultiplier({ ...code, windows }, threads, p.signal);

  let done = 0;
  const staged = await beginStaged(p.out).catch((err: unknown) => {
    throw wrapIoError(err, 'Preparing the powers-of-tau file', 'Check that the folder is writable.');
  });
  let fh: FileHandle | undefined;
  try {
    fh = await open(staged, 'w+');
    const file = fileWriter(fh);

    await file.write(binFileHeader(11));
    await file.write(sectionHeader(1, 44));
    await file.write(ptauHeader(curve, power));

    // sections 2–6: the powers, hashed compressed into the response as they come
    const responseHasher = blake2b.create({ dkLen: 64 });
    responseHasher.update(firstChallenge);
    const sectionAt: Record<number, { at: number; group: PtauGroup; points: number }> = {};
    const firsts: Record<number, Uint8Array> = {};
    const powers: [number, PtauGroup, number, Uint8Array][] = [
      [2, 'G1', 2 * N - 1, Fr.one],
      [3, 'G2', N, Fr.one],
      [4, 'G1', N, alpha],
      [5, 'G1', N, beta],
      [6, 'G2', 1, beta],
    ];
    for (const [id, group, points, first] of powers) {
      await file.write(sectionHeader(id, points * pointSize(group)));
      sectionAt[id] = { at: file.position(), group, points };
      let t = first;
      const hashChunks = inPiecesOf(
        Math.min(points, SNARKJS_CHUNK[group]) * (pointSize(group) / 2),
        (piece) => responseHasher.update(piece),
      );
      for (let i = 0; i < points; i += chunk) {
        const n = Math.min(chunk, points - i);
        const scalars = local.geometric(t, tau, n + 1);
        t = scalars.slice(n * 32, n * 32 + 32);
        await multiplier.submit(group, local.fromMontgomery(scalars.subarray(0, n * 32)), async (out) => {
          if (i === 0) firsts[id] = out.slice(0, Math.min(2, n) * pointSize(group));
          hashChunks.add(local.toCompressed(group, out));
          await file.write(out);
          done += n;
          p.onProgress?.(done, total);
        });
      }
      await multiplier.drain();
      hashChunks.flush();
    }

    // section 7: the beacon contribution, with the hashes `powersoftau verify` checks
    const partialHash = toPartialHash(responseHasher);
    responseHasher.update(pubKeyBytes(curve, key, false));
    const responseHash = responseHasher.digest();
    const challengeHasher = blake2b.create({ dkLen: 64 });
    challengeHasher.update(responseHash);
    for (const id of [2, 3, 4, 5, 6]) {
      const s = sectionAt[id] as { at: number; group: PtauGroup; points: number };
      const size = pointSize(s.group);
      for (let i = 0; i < s.points; i += READ_CHUNK) {
        const n = Math.min(READ_CHUNK, s.points - i);
        const lem = await file.read(s.at + i * size, n * size);
        challengeHasher.update(local.toUncompressed(s.group, lem));
      }
    }
    const nextChallenge = challengeHasher.digest();
    const contribution = contributionSection({
      tauG1: (firsts[2] as Uint8Array).subarray(64, 128),
      tauG2: (firsts[3] as Uint8Array).subarray(128, 256),
      alphaG1: (firsts[4] as Uint8Array).subarray(0, 64),
      betaG1: (firsts[5] as Uint8Array).subarray(0, 64),
      betaG2: (firsts[6] as Uint8Array).subarray(0, 128),
      pubKey: pubKeyBytes(curve, key, true),
      partialHash,
      nextChallenge,
      name,
      iterationsExp,
      beaconHash,
    });
    await file.write(sectionHeader(7, contribution.length));
    await file.write(contribution);

    // sections 12–15: the Lagrange bases, ifft over Fr of τ^j per domain size (what `prepare
    // phase2` does over points), shared by the four sections
    const lagrange: Uint8Array[] = [];
    const lagrangeOf = async (q: number): Promise<Uint8Array> => {
      const have = lagrange[q];
      if (have) return have;
      const n = 2 ** q;
      const powersOfTau = local.geometric(Fr.one, tau, n);
      // tauG1 has 2N − 1 points: prepare phase2 pads the last power with the point at infinity
      if (q === power + 1) powersOfTau.fill(0, (n - 1) * 32);
      const values = await Fr.ifft(powersOfTau);
      if (q <= power) lagrange[q] = values;
      return values;
    };
    const lagrangeSections: [number, PtauGroup, number, Uint8Array | undefined][] = [
      [12, 'G1', power + 1, undefined],
      [13, 'G2', power, undefined],
      [14, 'G1', power, alpha],
      [15, 'G1', power, beta],
    ];
    for (const [id, group, top, factor] of lagrangeSections) {
      await file.write(sectionHeader(id, (2 ** (top + 1) - 1) * pointSize(group)));
      for (let q = 0; q <= top; q++) {
        const base = await lagrangeOf(q);
        const values = factor ? local.scale(base, factor) : base;
        const n = 2 ** q;
        for (let i = 0; i < n; i += chunk) {
          const m = Math.min(chunk, n - i);
          await multiplier.submit(
            group,
            local.fromMontgomery(values.subarray(i * 32, (i + m) * 32)),
            async (out) => {
              await file.write(out);
              done += m;
              p.onProgress?.(done, total);
            },
          );
        }
      }
      await multiplier.drain();
    }

    const bytes = file.position();
    await fh.sync();
    await fh.close();
    fh = undefined;
    await commitStaged(p.out);
    return { out: p.out, power, bytes, responseHash: Buffer.from(responseHash).toString('hex') };
  } catch (err) {
    await fh?.close().catch(() => {});
    await abortStaged(p.out);
    if (isNodeError(err)) throw wrapIoError(err, 'Writing the powers-of-tau file');
    throw err;
  } finally {
    await multiplier.close();
  }
}

/**
 * Scalars per task: at most 2048 (~0.1 s of G1 work), and N/16 for small powers so that every
 * worker gets work (and a small file still goes through many chunks, as a large one does).
 */
export const chunkSize = (N: number) => Math.min(2048, Math.max(16, N / 16));
/**
 * The points per update of the response hash in `powersoftau beacon` (2^20 bytes of LEM points).
 * The hash does not depend on how its input is split, but the partial hash stored in the file
 * holds BLAKE2b's block buffer, whose bytes past the data depend on the split: to be byte
 * identical, the file's hash is fed in the same pieces.
 */
const SNARKJS_CHUNK = { G1: 2 ** 20 / 64, G2: 2 ** 20 / 128 } as const;

/** Regroups a stream of byte arrays into pieces of `size` bytes (the last one shorter). */
function inPiecesOf(size: number, emit: (piece: Uint8Array) => void) {
  let piece = new Uint8Array(size);
  let filled = 0;
  return {
    add(bytes: Uint8Array) {
      let off = 0;
      while (off < bytes.length) {
        const take = Math.min(size - filled, bytes.length - off);
        piece.set(bytes.subarray(off, off + take), filled);
        filled += take;
        off += take;
        if (filled === size) {
          emit(piece);
          piece = new Uint8Array(size);
          filled = 0;
        }
      }
    },
    flush() {
      if (filled > 0) emit(piece.slice(0, filled));
      filled = 0;
    },
  };
}

/** Points read back per step for the challenge hash. */
const READ_CHUNK = 1 << 14;

export const pointSize = (group: PtauGroup) => (group === 'G1' ? 64 : 128);

// --- the curve (ffjavascript through snarkjs, so it is the very code snarkjs runs) ---------

/** The parts of an ffjavascript curve used here (ffjavascript ships no types). */
export type FfGroup = {
  g: Uint8Array;
  F: { n8: number };
  fromRng(rng: ChaCha): Uint8Array;
  toAffine(p: Uint8Array): Uint8Array;
  timesFr(p: Uint8Array, s: Uint8Array): Uint8Array;
  toRprLEM(buff: Uint8Array, pos: number, p: Uint8Array): void;
  toRprUncompressed(buff: Uint8Array, pos: number, p: Uint8Array): void;
  toUncompressed(p: Uint8Array): Uint8Array;
};
export type FfCurve = {
  q: bigint;
  tm: { code: Uint8Array; pG1gen: number; pG2gen: number };
  r: bigint;
  Fr: {
    one: Uint8Array;
    fromRng(rng: ChaCha): Uint8Array;
    ifft(values: Uint8Array): Promise<Uint8Array>;
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    sub(a: Uint8Array, b: Uint8Array): Uint8Array;
    inv(a: Uint8Array): Uint8Array;
  };
  G1: FfGroup;
  G2: FfGroup;
};
type SnarkjsCurves = {
  curves: { getCurveFromName(name: string, options: { singleThread: boolean }): Promise<FfCurve> };
};

/**
 * snarkjs's bn128 curve, single-threaded: no worker pool of its own (ours does the heavy part),
 * and `tm.code` holds the WebAssembly module our engines instantiate.
 */
export async function loadCurve(): Promise<FfCurve> {
  return (snarkjs as unknown as SnarkjsCurves).curves.getCurveFromName('bn128', { singleThread: true });
}

// --- multiplications, in this thread or on workers, results in order ------------------------

export type Multiplier = {
  /** Queues a chunk; `then` runs with its points, in submission order. */
  submit(group: PtauGroup, scalars: Uint8Array, then: (points: Uint8Array) => Promise<void>): Promise<void>;
  /** Waits until every queued chunk's `then` has run. */
  drain(): Promise<void>;
  close(): Promise<void>;
};

export function inlineMultiplier(
  engine: FixedBaseEngine,
  signal: AbortSignal | undefined,
  activity = 'writing the powers-of-tau file',
): Multiplier {
  return {
    async submit(group, scalars, then) {
      if (signal?.aborted) throw interrupted(activity);
      await then(engine.multiplyGenerator(group, scalars));
    },
    async drain() {},
    async close() {},
  };
}

export function poolMultiplier(
  data: FixedBaseEngineParameters,
  size: number,
  signal: AbortSignal | undefined,
  name = 'powers-of-tau',
): Multiplier {
  let pool: WorkerPool<PtauTask, Uint8Array> | undefined;
  // results are consumed in submission order: a chain keeps the `then`s sequential
  let chain: Promise<void> = Promise.resolve();
  let failure: { err: unknown } | undefined;
  // submitted but not yet consumed: bounded, so finished chunks never pile up behind a slow one
  let pending = 0;
  const limit = size * 3;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  return {
    async submit(group, scalars, then) {
      pool ??= createWorkerPool<PtauTask, Uint8Array>({
        file: workerFile(import.meta.url, './ptauWorker.js'),
        size,
        perWorker: 2,
        name,
        signal,
        workerData: data,
      });
      while (pending >= limit && !failure) await new Promise<void>((resolve) => waiters.push(resolve));
      if (failure) throw failure.err;
      pending++;
      const { result } = await pool.submit({ group, scalars }, [scalars.buffer as ArrayBuffer]);
      chain = chain.then(async () => {
        try {
          if (!failure) await then(await result);
        } catch (err) {
          failure ??= { err };
        } finally {
          pending--;
          wake();
        }
      });
    },
    async drain() {
      await chain;
      if (failure) throw failure.err;
    },
    async close() {
      await pool?.close();
    },
  };
}

function interrupted(activity: string): InterruptedError {
  return new InterruptedError('INTERRUPTED', {
    activity,
    nothingWritten: true,
  });
}

// --- the file: binfileutils layout (magic, version, sections of id + u64 size) ---------------

export type FileWriter = {
  write(bytes: Uint8Array): Promise<void>;
  read(at: number, length: number): Promise<Uint8Array>;
  position(): number;
};

export function fileWriter(fh: FileHandle): FileWriter {
  let pos = 0;
  return {
    async write(bytes) {
      let off = 0;
      while (off < bytes.length) {
        const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, pos);
        off += bytesWritten;
        pos += bytesWritten;
      }
    },
    async read(at, length) {
      const buf = new Uint8Array(length);
      let off = 0;
      while (off < length) {
        const { bytesRead } = await fh.read(buf, off, length - off, at + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf;
    },
    position: () => pos,
  };
}

export function binFileHeader(sections: number, magic: 'ptau' | 'zkey' = 'ptau'): Uint8Array {
  const b = new Uint8Array(12);
  b.set(new TextEncoder().encode(magic));
  const v = new DataView(b.buffer);
  v.setUint32(4, 1, true);
  v.setUint32(8, sections, true);
  return b;
}

export function sectionHeader(id: number, size: number): Uint8Array {
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setUint32(0, id, true);
  v.setBigUint64(4, BigInt(size), true);
  return b;
}

/** Section 1: n8 of Fq, q little-endian, power, ceremony power. */
function ptauHeader(curve: FfCurve, power: number): Uint8Array {
  const b = new Uint8Array(44);
  const v = new DataView(b.buffer);
  v.setUint32(0, 32, true);
  let q = curve.q;
  for (let i = 0; i < 32; i++) {
    b[4 + i] = Number(q & 0xffn);
    q >>= 8n;
  }
  v.setUint32(36, power, true);
  v.setUint32(40, power, true);
  return b;
}

type ContributionParts = {
  tauG1: Uint8Array;
  tauG2: Uint8Array;
  alphaG1: Uint8Array;
  betaG1: Uint8Array;
  betaG2: Uint8Array;
  pubKey: Uint8Array;
  partialHash: Uint8Array;
  nextChallenge: Uint8Array;
  name: string;
  iterationsExp: number;
  beaconHash: Uint8Array;
};

/** Section 7 with one beacon contribution (type 1), as snarkjs's writeContributions lays it out. */
function contributionSection(c: ContributionParts): Uint8Array {
  const nameBytes = new TextEncoder().encode(c.name.substring(0, 64));
  const params = [
    1,
    nameBytes.length,
    ...nameBytes,
    2,
    c.iterationsExp,
    3,
    c.beaconHash.length,
    ...c.beaconHash,
  ];
  const parts = [
    u32(1),
    c.tauG1,
    c.tauG2,
    c.alphaG1,
    c.betaG1,
    c.betaG2,
    c.pubKey,
    c.partialHash,
    c.nextChallenge,
    u32(1),
    u32(params.length),
    new Uint8Array(params),
  ];
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

// --- the beacon key: snarkjs's keypair.js, misc.js and powersoftau_utils.js, ported ----------

export type PtauKeyPart = { prvKey: Uint8Array; g1_s: Uint8Array; g1_sx: Uint8Array; g2_spx: Uint8Array };
export type PtauKey = { tau: PtauKeyPart; alpha: PtauKeyPart; beta: PtauKeyPart };

/** ffjavascript's ChaCha20 generator (the one snarkjs seeds from the beacon). */
export class ChaCha {
  private readonly state: number[];
  private readonly buff = new Array<number>(16).fill(0);
  private idx = 16;
  constructor(seed: readonly number[]) {
    this.state = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, ...seed.slice(0, 8), 0, 0, 0, 0];
  }
  nextU32(): number {
    if (this.idx === 16) this.update();
    return this.buff[this.idx++] as number;
  }
  nextU64(): bigint {
    return BigInt(this.nextU32()) * 0x100000000n + BigInt(this.nextU32());
  }
  nextBool(): boolean {
    return (this.nextU32() & 1) === 1;
  }
  private update(): void {
    const st = this.buff;
    for (let i = 0; i < 16; i++) st[i] = this.state[i] as number;
    for (let i = 0; i < 10; i++) {
      quarterRound(st, 0, 4, 8, 12);
      quarterRound(st, 1, 5, 9, 13);
      quarterRound(st, 2, 6, 10, 14);
      quarterRound(st, 3, 7, 11, 15);
      quarterRound(st, 0, 5, 10, 15);
      quarterRound(st, 1, 6, 11, 12);
      quarterRound(st, 2, 7, 8, 13);
      quarterRound(st, 3, 4, 9, 14);
    }
    for (let i = 0; i < 16; i++) st[i] = ((st[i] as number) + (this.state[i] as number)) >>> 0;
    this.idx = 0;
    for (let i = 12; i < 16; i++) {
      this.state[i] = ((this.state[i] as number) + 1) >>> 0;
      if (this.state[i] !== 0) break;
    }
  }
}

function quarterRound(st: number[], a: number, b: number, c: number, d: number): void {
  const rot = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
  st[a] = ((st[a] as number) + (st[b] as number)) >>> 0;
  st[d] = rot(((st[d] as number) ^ (st[a] as number)) >>> 0, 16);
  st[c] = ((st[c] as number) + (st[d] as number)) >>> 0;
  st[b] = rot(((st[b] as number) ^ (st[c] as number)) >>> 0, 12);
  st[a] = ((st[a] as number) + (st[b] as number)) >>> 0;
  st[d] = rot(((st[d] as number) ^ (st[a] as number)) >>> 0, 8);
  st[c] = ((st[c] as number) + (st[d] as number)) >>> 0;
  st[b] = rot(((st[b] as number) ^ (st[c] as number)) >>> 0, 7);
}

export function chachaFromHash(hash: Uint8Array): ChaCha {
  const v = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  return new ChaCha(Array.from({ length: 8 }, (_, i) => v.getUint32(i * 4, false)));
}

/** misc.rngFromBeaconParams: 2^E rounds of SHA-256 over the beacon hash seed ChaCha. */
export function beaconRng(beaconHash: Uint8Array, iterationsExp: number): ChaCha {
  let h = beaconHash;
  for (let i = 0; i < 2 ** iterationsExp; i++) h = sha256(h);
  return chachaFromHash(h);
}

/** keypair.createPTauKey: three private keys, then each one's proof of knowledge. */
export function createPtauKey(curve: FfCurve, challengeHash: Uint8Array, rng: ChaCha): PtauKey {
  const prv = [curve.Fr.fromRng(rng), curve.Fr.fromRng(rng), curve.Fr.fromRng(rng)] as const;
  const part = (prvKey: Uint8Array, personalization: number): PtauKeyPart => {
    const g1_s = curve.G1.toAffine(curve.G1.fromRng(rng));
    const g1_sx = curve.G1.toAffine(curve.G1.timesFr(g1_s, prvKey));
    const h = blake2b.create({ dkLen: 64 });
    h.update(new Uint8Array([personalization]));
    h.update(challengeHash);
    h.update(curve.G1.toUncompressed(g1_s));
    h.update(curve.G1.toUncompressed(g1_sx));
    const g2_sp = curve.G2.toAffine(curve.G2.fromRng(chachaFromHash(h.digest())));
    const g2_spx = curve.G2.toAffine(curve.G2.timesFr(g2_sp, prvKey));
    return { prvKey, g1_s, g1_sx, g2_spx };
  };
  const tau = part(prv[0], 0);
  const alpha = part(prv[1], 1);
  const beta = part(prv[2], 2);
  return { tau, alpha, beta };
}

/** utils.toPtauPubKeyRpr: 6 G1 then 3 G2 points, LEM (file) or uncompressed (hash). */
function pubKeyBytes(curve: FfCurve, key: PtauKey, montgomery: boolean): Uint8Array {
  const out = new Uint8Array(64 * 6 + 128 * 3);
  let at = 0;
  const put = (G: FfGroup, point: Uint8Array, size: number) => {
    if (montgomery) G.toRprLEM(out, at, point);
    else G.toRprUncompressed(out, at, point);
    at += size;
  };
  for (const k of [key.tau, key.alpha, key.beta]) {
    put(curve.G1, k.g1_s, 64);
    put(curve.G1, k.g1_sx, 64);
  }
  for (const k of [key.tau, key.alpha, key.beta]) put(curve.G2, k.g2_spx, 128);
  return out;
}

/** utils.calculateFirstChallengeHash: the hash of `powersoftau new`'s file (all generators). */
export function firstChallengeHash(curve: FfCurve, power: number): Uint8Array {
  // BLAKE2b-512 (OpenSSL's: ~10x noble's on these 24 MB at power 16)
  const hasher = createHash('blake2b512');
  const g1 = new Uint8Array(64);
  const g2 = new Uint8Array(128);
  curve.G1.toRprUncompressed(g1, 0, curve.G1.g);
  curve.G2.toRprUncompressed(g2, 0, curve.G2.g);
  hasher.update(createHash('blake2b512').digest());
  const repeat = (point: Uint8Array, n: number) => {
    const block = Math.min(n, 1 << 14);
    const big = new Uint8Array(block * point.length);
    for (let i = 0; i < block; i++) big.set(point, i * point.length);
    for (let left = n; left > 0; left -= block) {
      hasher.update(left >= block ? big : big.subarray(0, left * point.length));
    }
  };
  const N = 2 ** power;
  repeat(g1, 2 * N - 1);
  repeat(g2, N);
  repeat(g1, N);
  repeat(g1, N);
  hasher.update(g2);
  return new Uint8Array(hasher.digest());
}

/** misc.toPartialHash: BLAKE2b's state mid-stream (noble's internals), 216 bytes. */
function toPartialHash(hash: ReturnType<typeof blake2b.create>): Uint8Array {
  const h = hash as unknown as { buffer: Uint8Array; pos: number; length: number } & Record<string, unknown>;
  const res = new Uint8Array(216);
  const res32 = new Uint32Array(res.buffer, 128);
  res.set(h.buffer);
  const names = [
    'v0l',
    'v0h',
    'v1l',
    'v1h',
    'v2l',
    'v2h',
    'v3l',
    'v3h',
    'v4l',
    'v4h',
    'v5l',
    'v5h',
    'v6l',
    'v6h',
    'v7l',
    'v7h',
  ];
  names.forEach((n, i) => {
    res32[i] = (h[n] as number) >>> 0;
  });
  res32[18] = h.pos;
  res32[16] = h.length - h.pos;
  return res;
}

export function hexToBytes(hex: string): Uint8Array {
  const s = hex.startsWith('0x') ? hex.slice(2) : hex;
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

/** A file-system error (ENOSPC, EACCES…), as opposed to one of ours. */
export function isNodeError(err: unknown): boolean {
  return err instanceof Error && !isSinsoError(err) && typeof (err as { code?: unknown }).code === 'string';
}
