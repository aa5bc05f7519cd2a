import { describe, expect, it } from 'vitest';
import { createCsprng } from '../../core/csprng.js';
import { TrainError } from '../errors.js';
import { gaussianNoise, poissonBatches, shuffledBatches } from './sampling.js';

const SEED = 'test-seed-not-secret';

describe('poissonBatches', () => {
  it('is deterministic for the same seed and labels, and differs for other labels', () => {
    const a = poissonBatches(createCsprng(SEED, 'batches', 1), 500, 0.1, 5);
    const b = poissonBatches(createCsprng(SEED, 'batches', 1), 500, 0.1, 5);
    const c = poissonBatches(createCsprng(SEED, 'batches', 2), 500, 0.1, 5);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('takes each example with the uniform the stream gives it (u < q), as Csprng.float() would', () => {
    const rng = createCsprng(SEED, 'same-stream');
    const expected: number[] = [];
    for (let i = 0; i < 200; i++) if (rng.float() < 0.3) expected.push(i);
    const [batch] = poissonBatches(createCsprng(SEED, 'same-stream'), 200, 0.3, 1);
    expect(Array.from(batch!)).toEqual(expected);
  });

  it('batch sizes have mean nq and variance nq(1 − q); every example has inclusion rate ≈ q', () => {
    const n = 1000;
    const q = 0.05;
    const steps = 2000;
    const batches = poissonBatches(createCsprng(SEED, 'moments'), n, q, steps);
    expect(batches.length).toBe(steps);
    const sizes = batches.map((b) => b.length);
    const mean = sizes.reduce((s, x) => s + x, 0) / steps;
    const variance = sizes.reduce((s, x) => s + (x - mean) ** 2, 0) / (steps - 1);
    // standard errors: mean 0.15, variance ≈ 1.5 (seeded, so the check is reproducible)
    expect(Math.abs(mean - n * q)).toBeLessThan(0.8);
    expect(Math.abs(variance - n * q * (1 - q))).toBeLessThan(6);
    const counts = new Uint32Array(n);
    for (const b of batches) {
      for (let i = 1; i < b.length; i++) expect(b[i]!).toBeGreaterThan(b[i - 1]!);
      for (const i of b) counts[i]!++;
    }
    // each count ~ Binomial(2000, 0.05): mean 100, sd 9.7
    for (const c of counts) expect(Math.abs(c - steps * q)).toBeLessThan(50);
  });

  it('defaults to one epoch of round(1/q) steps', () => {
    expect(poissonBatches(createCsprng(SEED, 'epoch'), 100, 0.04).length).toBe(25);
    expect(poissonBatches(createCsprng(SEED, 'epoch'), 10, 1, 3)).toEqual([
      Uint32Array.from({ length: 10 }, (_, i) => i),
      Uint32Array.from({ length: 10 }, (_, i) => i),
      Uint32Array.from({ length: 10 }, (_, i) => i),
    ]);
  });
});

describe('shuffledBatches', () => {
  it('is a deterministic permutation cut into fixed-size batches', () => {
    const a = shuffledBatches(createCsprng(SEED, 'shuffle'), 1003, 100);
    expect(a).toEqual(shuffledBatches(createCsprng(SEED, 'shuffle'), 1003, 100));
    expect(a.map((b) => b.length)).toEqual([...Array(10).fill(100), 3]);
    const all = a.flatMap((b) => Array.from(b)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1003 }, (_, i) => i));
    expect(Array.from(a[0]!.slice(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives the 6 permutations of 3 items equally often (χ² with 5 degrees of freedom)', () => {
    const rng = createCsprng(SEED, 'fisher-yates');
    const counts = new Map<string, number>();
    const runs = 6000;
    for (let r = 0; r < runs; r++) {
      const [b] = shuffledBatches(rng, 3, 3);
      const key = Array.from(b!).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - runs / 6) ** 2 / (runs / 6), 0);
    expect(chi2).toBeLessThan(20.5); // p ≈ 0.001
  });
});

describe('gaussianNoise', () => {
  it('is deterministic float32 for the same seed and labels', () => {
    const a = gaussianNoise(createCsprng(SEED, 'noise', 0, 'w1'), 1001, 1.5);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(1001);
    expect(a).toEqual(gaussianNoise(createCsprng(SEED, 'noise', 0, 'w1'), 1001, 1.5));
    expect(a).not.toEqual(gaussianNoise(createCsprng(SEED, 'noise', 1, 'w1'), 1001, 1.5));
  });

  it('has the moments of N(0, σ²): mean 0, variance σ², skewness 0, kurtosis 3', () => {
    const sigma = 2;
    const n = 200_000;
    const x = gaussianNoise(createCsprng(SEED, 'moments'), n, sigma);
    let m1 = 0;
    for (const v of x) m1 += v;
    m1 /= n;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const v of x) {
      const d = v - m1;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // standard errors at n = 2e5: mean 0.0045, variance 0.013, skewness 0.0055, kurtosis 0.011
    expect(Math.abs(m1)).toBeLessThan(0.03);
    expect(Math.abs(m2 - sigma * sigma)).toBeLessThan(0.08);
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(0.04);
    expect(Math.abs(m4 / (m2 * m2) - 3)).toBeLessThan(0.08);
    // the cosine and sine halves of each Box–Muller pair are uncorrelated
    let c = 0;
    for (let k = 0; k + 1 < n; k += 2) c += x[k]! * x[k + 1]!;
    expect(Math.abs(c / (n / 2) / (sigma * sigma))).toBeLessThan(0.02);
    // tail mass beyond 2σ: 2·(1 − Φ(2)) = 0.0455
    let tail = 0;
    for (const v of x) if (Math.abs(v) > 2 * sigma) tail++;
    expect(Math.abs(tail / n - 0.0455)).toBeLessThan(0.003);
  });

  it('σ = 0 gives zeros', () => {
    expect(Array.from(gaussianNoise(createCsprng(SEED, 'zero'), 4, 0)).map(Math.abs)).toEqual([0, 0, 0, 0]);
  });
});

describe('validation', () => {
  it.each([
    () => poissonBatches(createCsprng(SEED), 10, 0),
    () => poissonBatches(createCsprng(SEED), 10, 1.2),
    () => poissonBatches(createCsprng(SEED), -1, 0.1),
    () => poissonBatches(createCsprng(SEED), 10, 0.1, 1.5),
    () => shuffledBatches(createCsprng(SEED), 10, 0),
    () => gaussianNoise(createCsprng(SEED), 10, -1),
    () => gaussianNoise(createCsprng(SEED), 10, Number.NaN),
  ])('rejects bad parameters with TRAIN_SPEC_INVALID (%#)', (f) => {
    expect(f).toThrowError(TrainError);
    try {
      f();
    } catch (e) {
      expect((e as TrainError).code).toBe('TRAIN_SPEC_INVALID');
    }
  });
});
