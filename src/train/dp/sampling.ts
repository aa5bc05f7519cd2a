import type { Csprng } from '../../core/csprng.js';
import { TrainError } from '../errors.js';

/**
 * Batch sampling and Gaussian noise for DP-SGD, all drawn from a {@link Csprng}
 * (`createCsprng(secretSeed, ...labels)` from core/csprng.ts), so that nothing about the batches
 * or the noise can be predicted from what an observer sees, and the same (seed, labels) give the
 * same draws on every run.
 *
 * Only {@link poissonBatches} matches the privacy analysis of the accountant (rdp.ts): the RDP
 * bound of the Sampled Gaussian Mechanism assumes each example joins each batch independently
 * with probability q. {@link shuffledBatches} (fixed-size batches from a shuffle) is offered for
 * non-private training and is NOT covered by that bound.
 */

/** Draws `n` uniforms in [0, 1) from `rng`, equal to `n` calls of `rng.float()` but in one read of the stream. */
function floats(rng: Csprng, n: number): Float64Array {
  const b = rng.bytes(8 * n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = 8 * i;
    const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
    // the same 53 bits as Csprng.float(): the top 27 of hi and the top 26 of lo
    out[i] = ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
  }
  return out;
}

/** Uniform integer in [0, bound) (bound ≤ 2^32) from 32-bit words of the stream, by rejection (no modulo bias). */
function uniformInt(rng: Csprng, bound: number): number {
  const limit = 4294967296 - (4294967296 % bound); // the largest multiple of bound ≤ 2^32
  for (;;) {
    const b = rng.bytes(4);
    const u = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (u < limit) return u % bound;
  }
}

export type PoissonBatchesReturnType = Uint32Array[];
export type PoissonBatchesErrorType = TrainError;

/**
 * Poisson sampling: `steps` batches (by default one epoch's worth, round(1/q), as Opacus's
 * `DPDataLoader` does), each holding every example index in [0, n) independently with
 * probability q, in increasing order. Batch sizes vary (mean nq, variance nq(1 − q)); a batch
 * may be empty. This is the sampling the RDP accountant's bound assumes. Each example draws a
 * uniform u from the CSPRNG (53 bits) and joins when u < q.
 *
 * @example
 * const rng = createCsprng(secretSeed, 'train', jobId, 'batches', epoch);
 * for (const batch of poissonBatches(rng, rows, 0.01)) { ... }
 */
export function poissonBatches(
  rng: Csprng,
  n: number,
  q: number,
  steps: number = Math.round(1 / q),
): PoissonBatchesReturnType {
  checkCount('n', n);
  if (typeof q !== 'number' || !(q > 0 && q <= 1))
    invalid(`the sampling rate q must be in (0, 1] (got ${String(q)})`);
  checkCount('steps', steps);
  const out: Uint32Array[] = [];
  const picked = new Uint32Array(n);
  for (let s = 0; s < steps; s++) {
    const u = floats(rng, n);
    let k = 0;
    for (let i = 0; i < n; i++) if (u[i]! < q) picked[k++] = i;
    out.push(picked.slice(0, k));
  }
  return out;
}

export type ShuffledBatchesReturnType = Uint32Array[];

/**
 * Fixed-size batches from one shuffle: a Fisher–Yates permutation of [0, n) (uniform swaps by
 * rejection sampling on 32-bit words of the CSPRNG), cut into ⌈n / batchSize⌉ batches in order
 * (the last one holds the remainder). Every example is used exactly once per epoch. NOT covered
 * by the RDP accountant's Poisson-sampling analysis: use it for non-private training.
 *
 * @example
 * const batches = shuffledBatches(createCsprng(seed, 'shuffle', epoch), rows, 256);
 */
export function shuffledBatches(rng: Csprng, n: number, batchSize: number): ShuffledBatchesReturnType {
  checkCount('n', n);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    invalid(`the batch size must be a whole number >= 1 (got ${String(batchSize)})`);
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(rng, i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const out: Uint32Array[] = [];
  for (let start = 0; start < n; start += batchSize) out.push(perm.slice(start, start + batchSize));
  return out;
}

export type GaussianNoiseReturnType = Float32Array;

/**
 * `n` independent N(0, σ²) draws as float32, by the Box–Muller transform of the CSPRNG's 53-bit
 * uniforms: u1 ∈ (0, 1] (1 − float), u2 ∈ [0, 1), r = √(−2 ln u1), giving r·cos(2πu2) and
 * r·sin(2πu2) (both used; an odd n drops the last sine). Computed in float64, scaled by σ, then
 * rounded to float32. The largest |z| it can produce is √(2·53·ln 2) ≈ 8.57 (the 53-bit
 * resolution of u1); Math.log/cos/sin are V8's (fdlibm ports), so equal seeds give equal noise
 * on any platform running the same Node major.
 *
 * For DP-SGD, σ here is the noise's standard deviation, noiseMultiplier · clipNorm.
 *
 * @example
 * const noise = gaussianNoise(createCsprng(secretSeed, 'noise', step, 'w1'), w1.length, 1.1 * clipNorm);
 */
export function gaussianNoise(rng: Csprng, n: number, sigma: number): GaussianNoiseReturnType {
  checkCount('n', n);
  if (typeof sigma !== 'number' || !(sigma >= 0) || !Number.isFinite(sigma))
    invalid(`the noise standard deviation must be a finite number >= 0 (got ${String(sigma)})`);
  const out = new Float32Array(n);
  const pairs = Math.ceil(n / 2);
  const u = floats(rng, 2 * pairs);
  for (let k = 0; k < pairs; k++) {
    const r = Math.sqrt(-2 * Math.log(1 - u[2 * k]!));
    const t = 2 * Math.PI * u[2 * k + 1]!;
    out[2 * k] = sigma * r * Math.cos(t);
    if (2 * k + 1 < n) out[2 * k + 1] = sigma * r * Math.sin(t);
  }
  return out;
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 4294967295)
    invalid(`${name} must be a whole number in [0, 2^32) (got ${String(v)})`);
}

function invalid(problem: string): never {
  throw new TrainError('TRAIN_SPEC_INVALID', { problem });
}
