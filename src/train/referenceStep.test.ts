import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanLoss64, norm, perExample64, syntheticBatch } from '../../test/utils/train64.js';
import { TrainError } from './errors.js';
import { initParams, type ModelShape, type Optimizer, paramCount } from './model.js';
import { adamScalars, createReferenceState, referenceParams, referenceStep } from './referenceStep.js';

const plainSgd: Optimizer = { kind: 'sgd', learningRate: 0.1, momentum: 0 };
const shapes: ModelShape[] = [
  { features: 4, architecture: { kind: 'logistic' } },
  { features: 4, architecture: { kind: 'mlp', hidden: [5, 3] } },
];

/** Non-zero starting parameters (biases too), so every path of the gradient is exercised. */
function startParams(shape: ModelShape, seed: string) {
  const p = initParams(shape, seed);
  for (const [i, q] of p.entries())
    for (let k = 0; k < q.data.length; k++) q.data[k] = (q.data[k] as number) + 0.1 * Math.sin(i + k);
  return p;
}

describe('referenceStep', () => {
  for (const shape of shapes) {
    it(`has the gradient of the mean loss (central finite differences in float64), ${shape.architecture.kind}`, () => {
      const { x, y, rows } = syntheticBatch('fd', 12, shape.features, 0.5);
      const state = createReferenceState({ shape, optimizer: plainSgd, params: startParams(shape, 'fd') });
      const theta = Float64Array.from(state.theta);
      referenceStep(state, { x, y, rows });
      const grad = state.work.grad;
      const h = 1e-5;
      for (let k = 0; k < theta.length; k++) {
        const plus = Float64Array.from(theta);
        const minus = Float64Array.from(theta);
        plus[k] = (plus[k] as number) + h;
        minus[k] = (minus[k] as number) - h;
        const fd = (meanLoss64(shape, plus, x, y, rows) - meanLoss64(shape, minus, x, y, rows)) / (2 * h);
        expect(Math.abs((grad[k] as number) - fd)).toBeLessThan(2e-6 + 1e-4 * Math.abs(fd));
      }
    });
  }

  it('applies PyTorch SGD with momentum and bias-corrected Adam (hand-computed on one parameter)', () => {
    const shape: ModelShape = { features: 1, architecture: { kind: 'logistic' } };
    const x = Float32Array.of(1);
    const y = Float32Array.of(1);
    // at w = b = 0: z = 0, δ = σ(0) - 1 = -0.5, gradient (-0.5, -0.5)
    const sgd = createReferenceState({
      shape,
      optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 },
      params: initParams(shape, 's'),
    });
    referenceStep(sgd, { x, y, rows: 1 });
    expect(sgd.theta[0]).toBeCloseTo(0.05, 7); // v = 0.5 · 0 + (-0.5)... w = 0 - 0.1 · (-0.5)
    const g2 = 1 / (1 + Math.exp(-0.1)) - 1; // z = w + b = 0.1
    referenceStep(sgd, { x, y, rows: 1 });
    expect(sgd.theta[0]).toBeCloseTo(0.05 - 0.1 * (0.9 * -0.5 + g2), 6);

    const o = { kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;
    const adam = createReferenceState({ shape, optimizer: o, params: initParams(shape, 's') });
    referenceStep(adam, { x, y, rows: 1 });
    const m = 0.1 * -0.5;
    const v = 0.001 * 0.25;
    const { stepSize, bc2Sqrt } = adamScalars(o, 1);
    expect(stepSize).toBeCloseTo(0.1, 12);
    expect(adam.theta[0]).toBeCloseTo(0 - stepSize * (m / (Math.sqrt(v) / bc2Sqrt + 1e-8)), 6); // ≈ +lr
    expect(adam.theta[0]).toBeCloseTo(0.01, 5);
  });

  it('DP-SGD: the pre-clip norms are the per-example gradient norms, each clipped contribution has norm ≤ C, and the step is their sum plus noise over the denominator (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...shapes),
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (shape, rows, clipNorm, seed) => {
          const { x, y } = syntheticBatch(seed, rows, shape.features, 1);
          for (let k = 0; k < x.length; k++) x[k] = (x[k] as number) * (1 + (seed % 7)); // some large norms
          const params = startParams(shape, String(seed));
          const state = createReferenceState({
            shape,
            optimizer: { kind: 'sgd', learningRate: 1, momentum: 0 },
            dp: { clipNorm },
            params,
          });
          const theta = Float64Array.from(state.theta);
          const P = paramCount(shape);
          const noise = Float32Array.from({ length: P }, (_, k) => Math.cos(k + seed));
          const denominator = rows + 0.5;
          const r = referenceStep(state, { x, y, rows, noise, denominator });
          const { grads } = perExample64(shape, theta, x, y, rows);
          const sum = new Float64Array(P);
          for (let i = 0; i < rows; i++) {
            const g = grads[i] as Float64Array;
            const n = norm(g);
            expect(Math.abs((r.gradNorm?.[i] as number) - n)).toBeLessThanOrEqual(1e-5 * (1 + n));
            const f = Math.min(1, clipNorm / n);
            const clipped = g.map((v) => v * f);
            expect(norm(clipped)).toBeLessThanOrEqual(clipNorm * (1 + 1e-12));
            for (let k = 0; k < P; k++) sum[k] = (sum[k] as number) + (clipped[k] as number);
          }
          for (let k = 0; k < P; k++) {
            const expected = ((sum[k] as number) + (noise[k] as number)) / denominator;
            expect(Math.abs((state.work.grad[k] as number) - expected)).toBeLessThan(
              1e-5 * (1 + Math.abs(expected)),
            );
          }
        },
      ),
      { numRuns: 60, seed: 13 },
    );
  });

  it('lowers the loss of logistic regression on a separable problem', () => {
    const shape: ModelShape = { features: 6, architecture: { kind: 'logistic' } };
    const batch = syntheticBatch('sep', 256, 6);
    const state = createReferenceState({
      shape,
      optimizer: { kind: 'sgd', learningRate: 0.5, momentum: 0.9 },
      params: initParams(shape, 'sep'),
    });
    const first = referenceStep(state, batch).loss;
    let last = first;
    for (let s = 0; s < 200; s++) last = referenceStep(state, batch).loss;
    expect(first).toBeCloseTo(Math.log(2), 6);
    expect(last).toBeLessThan(0.1);
    expect(referenceParams(state)[0]?.dims).toEqual([6, 1]);
  });

  it('refuses a batch that does not fit', () => {
    const shape = shapes[0] as ModelShape;
    const state = createReferenceState({
      shape,
      optimizer: plainSgd,
      dp: { clipNorm: 1 },
      params: initParams(shape, 'e'),
    });
    const x = new Float32Array(8);
    const y = new Float32Array(2);
    expect(() => referenceStep(state, { x, y, rows: 3 })).toThrow(TrainError);
    expect(() => referenceStep(state, { x, y, rows: 2 })).toThrow(/denominator/);
    expect(() => referenceStep(state, { x, y, rows: 2, denominator: 2 })).toThrow(/noise/);
    expect(() =>
      createReferenceState({ shape, optimizer: { kind: 'sgd', learningRate: 0, momentum: 0 }, params: [] }),
    ).toThrow(/learning rate/);
  });
});
