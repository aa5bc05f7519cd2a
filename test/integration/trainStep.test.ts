import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { TrainStep } from '../../src/train/adapters/trainStep.js';
import { TrainError } from '../../src/train/errors.js';
import {
  initParams,
  type ModelShape,
  type Optimizer,
  type Param,
  paramLayout,
} from '../../src/train/model.js';
import { createReferenceState, referenceParams, referenceStep } from '../../src/train/referenceStep.js';
import { norm, perExample64, syntheticBatch } from '../utils/train64.js';

const shapes: ModelShape[] = [
  { features: 8, architecture: { kind: 'logistic' } },
  { features: 8, architecture: { kind: 'mlp', hidden: [6, 4] } },
];
const optimizers: Optimizer[] = [
  { kind: 'sgd', learningRate: 0.1, momentum: 0 },
  { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
  { kind: 'adam', learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
];

const hex = (params: readonly Param[]) =>
  params.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).toString('hex'));

/** Seeded batches of varying size (as Poisson sampling gives) and DP noise. */
function batches(shape: ModelShape, n: number, dp: boolean) {
  const rng = createRng('batches', shape.architecture.kind);
  return Array.from({ length: n }, (_, s) => {
    const b = syntheticBatch(`b${s}`, 20 + rng.int(0, 20), shape.features, 0.5);
    const noise = dp
      ? paramLayout(shape).map((sl) => Float32Array.from({ length: sl.size }, () => rng.normal(0, 0.3)))
      : undefined;
    return { ...b, noise, denominator: 30 };
  });
}

describe('TrainStep (ONNX Runtime)', () => {
  for (const shape of shapes) {
    for (const optimizer of optimizers) {
      for (const dp of [undefined, { clipNorm: 0.5 }]) {
        const label = `${shape.architecture.kind}, ${optimizer.kind}${optimizer.kind === 'sgd' ? ` μ=${optimizer.momentum}` : ''}${dp ? ', DP-SGD' : ''}`;
        it(`equals referenceStep to 1e-5 over 100 steps: ${label}`, async () => {
          const params = initParams(shape, 'eq');
          const step = await TrainStep.create({ shape, optimizer, dp, params });
          const ref = createReferenceState({ shape, optimizer, dp, params });
          try {
            for (const b of batches(shape, 100, dp !== undefined)) {
              const a = await step.runWithNorms(b);
              const r = referenceStep(ref, b);
              expect(Math.abs(a.loss - r.loss)).toBeLessThan(1e-5);
              if (dp) {
                for (let i = 0; i < b.rows; i++) {
                  const n = r.gradNorm?.[i] as number;
                  expect(Math.abs((a.gradNorm?.[i] as number) - n)).toBeLessThan(1e-5 * (1 + n));
                }
              }
            }
            const got = step.params();
            const want = referenceParams(ref);
            for (const [i, p] of got.entries()) {
              const q = want[i] as Param;
              expect(p.name).toBe(q.name);
              for (let k = 0; k < p.data.length; k++)
                expect(Math.abs((p.data[k] as number) - (q.data[k] as number))).toBeLessThan(1e-5);
            }
            expect(step.steps).toBe(100);
          } finally {
            await step.close();
          }
        });
      }
    }
  }

  it('clips every example: its pre-clip norm is its gradient norm, its clipped contribution has norm ≤ C, the step is their sum plus noise over the denominator (property)', async () => {
    const shape = shapes[1] as ModelShape;
    const optimizer: Optimizer = { kind: 'sgd', learningRate: 1, momentum: 0 };
    // one session per clip norm; fast-check draws the data
    const clips = [0.05, 0.5, 5];
    const steps = await Promise.all(
      clips.map((clipNorm) =>
        TrainStep.create({ shape, optimizer, dp: { clipNorm }, params: initParams(shape, 'clip') }),
      ),
    );
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 0, max: 10_000 }),
          async (c, rows, seed) => {
            const step = steps[c] as TrainStep;
            const clipNorm = clips[c] as number;
            const { x, y } = syntheticBatch(seed, rows, shape.features, 1);
            for (let k = 0; k < x.length; k++) x[k] = (x[k] as number) * (1 + (seed % 5));
            const before = step.params();
            const theta = Float64Array.from(before.flatMap((p) => [...p.data]));
            const noise = paramLayout(shape).map((s) => new Float32Array(s.size));
            const denominator = rows;
            const r = await step.runWithNorms({ x, y, rows, noise, denominator });
            const { grads } = perExample64(shape, theta, x, y, rows);
            const sum = new Float64Array(theta.length);
            for (let i = 0; i < rows; i++) {
              const g = grads[i] as Float64Array;
              const n = norm(g);
              const reported = r.gradNorm?.[i] as number;
              expect(Math.abs(reported - n)).toBeLessThanOrEqual(1e-5 * (1 + n));
              const f = Math.min(1, clipNorm / reported);
              expect(f * n).toBeLessThanOrEqual(clipNorm * (1 + 1e-5));
              for (let k = 0; k < g.length; k++) sum[k] = (sum[k] as number) + (g[k] as number) * f;
            }
            // SGD, lr 1, no momentum: the update is the gradient
            const after = step.params().flatMap((p) => [...p.data]);
            for (let k = 0; k < theta.length; k++) {
              const applied = (theta[k] as number) - (after[k] as number);
              expect(Math.abs(applied - (sum[k] as number) / denominator)).toBeLessThan(
                1e-5 * (1 + Math.abs(theta[k] as number)),
              );
            }
          },
        ),
        { numRuns: 40, seed: 13 },
      );
    } finally {
      await Promise.all(steps.map((s) => s.close()));
    }
  });

  it('gives identical parameter bytes in two sessions for the same seed and batches', async () => {
    const shape = shapes[1] as ModelShape;
    const optimizer = optimizers[2] as Optimizer;
    const dp = { clipNorm: 1 };
    const run = async () => {
      const step = await TrainStep.create({ shape, optimizer, dp, params: initParams(shape, 'same') });
      try {
        for (const b of batches(shape, 30, true)) await step.run(b);
        return hex(step.params());
      } finally {
        await step.close();
      }
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    const other = await TrainStep.create({ shape, optimizer, dp, params: initParams(shape, 'other') });
    try {
      expect(hex(other.params())).not.toEqual(hex(initParams(shape, 'same')));
    } finally {
      await other.close();
    }
  });

  it('lowers the loss of logistic regression on a separable synthetic problem', async () => {
    const shape: ModelShape = { features: 10, architecture: { kind: 'logistic' } };
    const step = await TrainStep.create({
      shape,
      optimizer: { kind: 'sgd', learningRate: 0.5, momentum: 0.9 },
      params: initParams(shape, 'sep'),
      threads: 2,
    });
    try {
      const losses: number[] = [];
      for (let epoch = 0; epoch < 20; epoch++) {
        for (let b = 0; b < 4; b++) losses.push((await step.run(syntheticBatch(`sep${b}`, 128, 10))).loss);
      }
      expect(losses[0]).toBeCloseTo(Math.log(2), 6);
      expect(losses[losses.length - 1]).toBeLessThan(0.15);
    } finally {
      await step.close();
    }
  });

  it('refuses a batch that does not fit, and runs no more once closed', async () => {
    const shape = shapes[0] as ModelShape;
    const step = await TrainStep.create({
      shape,
      optimizer: optimizers[0] as Optimizer,
      dp: { clipNorm: 1 },
      params: initParams(shape, 'e'),
    });
    const b = syntheticBatch('e', 4, 8);
    await expect(step.run({ ...b, rows: 5 })).rejects.toThrow(TrainError);
    await expect(step.run(b)).rejects.toThrow(/denominator/);
    await step.close();
    await expect(
      step.run({ ...b, denominator: 4, noise: paramLayout(shape).map((s) => new Float32Array(s.size)) }),
    ).rejects.toThrow(/closed/);
  });
});
