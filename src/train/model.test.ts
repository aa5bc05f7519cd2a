import { describe, expect, it } from 'vitest';
import { perExample64 } from '../../test/utils/train64.js';
import { TrainError } from './errors.js';
import {
  flattenParams,
  forward,
  initParams,
  type ModelShape,
  paramCount,
  paramLayout,
  unflattenParams,
} from './model.js';

const mlp: ModelShape = { features: 5, architecture: { kind: 'mlp', hidden: [4, 3] } };

describe('paramLayout', () => {
  it('orders w1, b1, … with [in, out] weights and the logit last', () => {
    expect(paramLayout(mlp).map((s) => [s.name, s.dims, s.offset])).toEqual([
      ['w1', [5, 4], 0],
      ['b1', [4], 20],
      ['w2', [4, 3], 24],
      ['b2', [3], 36],
      ['w3', [3, 1], 39],
      ['b3', [1], 42],
    ]);
    expect(paramCount(mlp)).toBe(43);
    expect(paramCount({ features: 64, architecture: { kind: 'logistic' } })).toBe(65);
  });

  it('refuses widths that are not positive whole numbers', () => {
    expect(() => paramLayout({ features: 3, architecture: { kind: 'mlp', hidden: [0] } })).toThrow(
      TrainError,
    );
    expect(() => paramLayout({ features: 2.5, architecture: { kind: 'logistic' } })).toThrow(TrainError);
  });
});

describe('initParams', () => {
  it('is deterministic in the seed, and differs between seeds', () => {
    const a = initParams(mlp, 's1');
    const b = initParams(mlp, 's1');
    const c = initParams(mlp, 's2');
    expect(a.map((p) => Buffer.from(p.data.buffer).toString('hex'))).toEqual(
      b.map((p) => Buffer.from(p.data.buffer).toString('hex')),
    );
    expect(a[0]?.data).not.toEqual(c[0]?.data);
  });

  it('draws He-uniform hidden weights, Glorot-uniform output weights, zero biases; logistic starts at zero', () => {
    const shape: ModelShape = { features: 64, architecture: { kind: 'mlp', hidden: [64, 32] } };
    const p = initParams(shape, 'x');
    const maxAbs = (d: Float32Array) => d.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbs(p[0]?.data as Float32Array)).toBeLessThanOrEqual(Math.sqrt(6 / 64));
    expect(maxAbs(p[0]?.data as Float32Array)).toBeGreaterThan(0.9 * Math.sqrt(6 / 64));
    expect(maxAbs(p[4]?.data as Float32Array)).toBeLessThanOrEqual(Math.sqrt(6 / 33));
    expect(maxAbs(p[1]?.data as Float32Array)).toBe(0);
    const lr = initParams({ features: 7, architecture: { kind: 'logistic' } }, 'x');
    expect(lr.every((q) => q.data.every((v) => v === 0))).toBe(true);
  });
});

describe('flattenParams', () => {
  it('round-trips through unflattenParams and refuses parameters of another shape', () => {
    const p = initParams(mlp, 'r');
    expect(unflattenParams(mlp, flattenParams(mlp, p))).toEqual(p);
    expect(() => flattenParams(mlp, p.slice(1))).toThrow(/expected 6 parameter tensors/);
    const bad = p.map((q) => ({ ...q }));
    bad[2] = { name: 'w2', dims: [3, 4], data: new Float32Array(12) };
    expect(() => flattenParams(mlp, bad)).toThrow(/should be w2 \[4, 3\]/);
  });
});

describe('forward', () => {
  it('gives the logits of a float64 forward pass to float32 precision', () => {
    const p = initParams(mlp, 'f');
    p[1]?.data.set([0.1, -0.2, 0.3, 0]);
    const rows = 7;
    const x = Float32Array.from({ length: rows * 5 }, (_, i) => Math.sin(i * 1.3));
    const y = new Float32Array(rows);
    const z = forward(mlp, p, x, rows);
    const theta = flattenParams(mlp, p);
    // the float64 oracle's loss at y = 0 is softplus(z): invert it
    const { losses } = perExample64(mlp, theta, x, y, rows);
    for (let i = 0; i < rows; i++) {
      const expected = Math.log(Math.expm1(losses[i] as number));
      expect(z[i]).toBeCloseTo(expected, 5);
    }
    expect(() => forward(mlp, p, x, rows + 1)).toThrow(TrainError);
  });
});
