import { createHash } from 'node:crypto';

/**
 * A seeded deterministic random number generator (xoshiro128**), so every random choice in sinso
 * comes in as a parameter: the same seed always gives the same sequence on every platform.
 * Not for secrets: use `crypto.randomBytes` (or a keyed HMAC) for keys and salts.
 */
export type Rng = {
  /** Uniform 32-bit unsigned integer. */
  u32(): number;
  /** Uniform float in [0, 1) with 53 bits of randomness. */
  float(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** Normal deviate (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** An independent generator for a named sub-stream, e.g. `rng.fork('patient', 17)`. */
  fork(...labels: (string | number)[]): Rng;
};

/**
 * Creates a generator from a seed and optional labels. Equal (seed, labels) give equal streams;
 * different labels give independent ones, so partitions can be generated in any order.
 *
 * @example
 * const rng = createRng(42, 'synth');
 * rng.int(1, 6);
 */
export function createRng(seed: number | string | bigint, ...labels: (string | number)[]): Rng {
  const key = [String(seed), ...labels.map(String)].join('\u0000');
  const d = createHash('sha256').update(key).digest();
  return fromState(
    String(seed),
    labels,
    d.readUInt32LE(0),
    d.readUInt32LE(4),
    d.readUInt32LE(8),
    d.readUInt32LE(12),
  );
}

function fromState(
  seed: string,
  labels: readonly (string | number)[],
  s0: number,
  s1: number,
  s2: number,
  s3: number,
): Rng {
  let a = s0 >>> 0;
  let b = s1 >>> 0;
  let c = s2 >>> 0;
  let d = s3 >>> 0;
  if ((a | b | c | d) === 0) a = 1;
  let spare: number | undefined;
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const float = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  const rng: Rng = {
    u32,
    float,
    int(min, max) {
      if (!(max >= min)) return min;
      const span = max - min + 1;
      return min + Math.floor(float() * span);
    },
    normal(mean = 0, sd = 1) {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return mean + sd * s;
      }
      let u = 0;
      while (u === 0) u = float();
      const v = float();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    bernoulli(p) {
      return float() < p;
    },
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(float() * items.length)] as T;
    },
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const v = u32();
        for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
      }
      return out;
    },
    fork(...more) {
      return createRng(seed, ...labels, ...more);
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
