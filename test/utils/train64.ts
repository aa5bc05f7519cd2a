import { createRng } from '../../src/core/rng.js';
import { layerWidths, type ModelShape, paramLayout } from '../../src/train/model.js';

/**
 * An independent float64 oracle of the training math: per-example loss softplus(z) - y·z and its
 * gradient with respect to the flat parameters, by explicit backprop per example (materialized,
 * unlike the graphs' outer-product trick). `theta` in paramLayout order.
 */
export function perExample64(
  shape: ModelShape,
  theta: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: number,
): { losses: Float64Array; grads: Float64Array[] } {
  const widths = layerWidths(shape);
  const L = widths.length - 1;
  const slots = paramLayout(shape);
  const P = (slots[slots.length - 1]?.offset ?? 0) + (slots[slots.length - 1]?.size ?? 0);
  const F = shape.features;
  const losses = new Float64Array(rows);
  const grads: Float64Array[] = [];
  for (let i = 0; i < rows; i++) {
    const acts: Float64Array[] = [Float64Array.from({ length: F }, (_, k) => x[i * F + k] as number)];
    for (let l = 0; l < L; l++) {
      const nIn = widths[l] as number;
      const nOut = widths[l + 1] as number;
      const w = slots[2 * l]?.offset as number;
      const b = slots[2 * l + 1]?.offset as number;
      const a = acts[l] as Float64Array;
      const z = new Float64Array(nOut);
      for (let j = 0; j < nOut; j++) {
        let s = theta[b + j] as number;
        for (let k = 0; k < nIn; k++) s += (a[k] as number) * (theta[w + k * nOut + j] as number);
        z[j] = l < L - 1 ? Math.max(0, s) : s;
      }
      acts.push(z);
    }
    const z = (acts[L] as Float64Array)[0] as number;
    const yi = y[i] as number;
    losses[i] = (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - yi * z;
    const g = new Float64Array(P);
    let delta = Float64Array.of(1 / (1 + Math.exp(-z)) - yi);
    for (let l = L - 1; l >= 0; l--) {
      const nIn = widths[l] as number;
      const nOut = widths[l + 1] as number;
      const w = slots[2 * l]?.offset as number;
      const b = slots[2 * l + 1]?.offset as number;
      const a = acts[l] as Float64Array;
      for (let k = 0; k < nIn; k++)
        for (let j = 0; j < nOut; j++) g[w + k * nOut + j] = (a[k] as number) * (delta[j] as number);
      for (let j = 0; j < nOut; j++) g[b + j] = delta[j] as number;
      if (l > 0) {
        const prev = new Float64Array(nIn);
        for (let k = 0; k < nIn; k++) {
          if ((a[k] as number) <= 0) continue;
          let s = 0;
          for (let j = 0; j < nOut; j++) s += (delta[j] as number) * (theta[w + k * nOut + j] as number);
          prev[k] = s;
        }
        delta = prev;
      }
    }
    grads.push(g);
  }
  return { losses, grads };
}

/** The mean loss over the batch, float64. */
export function meanLoss64(
  shape: ModelShape,
  theta: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: number,
): number {
  const { losses } = perExample64(shape, theta, x, y, rows);
  return losses.reduce((s, v) => s + v, 0) / rows;
}

/** Euclidean norm. */
export const norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  return Math.sqrt(s);
};

/**
 * A seeded synthetic binary problem: x ~ N(0, 1), y = [x·β + noise·N(0, 1) > 0] (separable with
 * noise 0); β is drawn from `rule`, so batches of different seeds share it.
 */
export function syntheticBatch(
  seed: string | number,
  rows: number,
  features: number,
  noise = 0,
  rule = 'rule',
): { x: Float32Array; y: Float32Array; rows: number } {
  const rng = createRng(seed, 'train-test');
  const ruleRng = createRng(rule, 'train-test-beta');
  const beta = Float64Array.from({ length: features }, () => ruleRng.normal());
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < features; k++) {
      const v = rng.normal();
      x[i * features + k] = v;
      s += v * (beta[k] as number);
    }
    y[i] = s + noise * rng.normal() > 0 ? 1 : 0;
  }
  return { x, y, rows };
}
