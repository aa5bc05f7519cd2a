import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildInferenceModel,
  INFERENCE_IR_VERSION,
  INFERENCE_OPSET,
  layerSizes,
} from '../../src/train/graph/inference.js';
import { decodeModel } from '../../src/train/graph/onnx.js';
import { forward, type ModelShape, type Param } from '../../src/train/model.js';
import { encodeFeatures, type Preprocessing, type RawFeatures } from '../../src/train/preprocess.js';

const f = Math.fround;

const sigmoid = (z: number) => f(1 / (1 + Math.exp(-z)));

async function runOnnx(bytes: Uint8Array, raw: RawFeatures, prep: Preprocessing) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const c of prep.numeric)
      feeds[c.name] = new ort.Tensor('float32', Float32Array.from(raw.numeric[c.name] as Float64Array), [
        raw.rows,
      ]);
    for (const c of prep.categorical)
      feeds[c.name] = new ort.Tensor(
        'string',
        (raw.categorical[c.name] ?? []).map((v) => v ?? ''),
        [raw.rows],
      );
    const out = await session.run(feeds);
    return {
      probability: out['probability']?.data as Float32Array,
      logit: out['logit']?.data as Float32Array,
    };
  } finally {
    await session.release();
  }
}

function paramsOf(shape: ModelShape, values: number[]): Param[] {
  let k = 0;
  return layerSizes(shape).flatMap(([i, o], l) => [
    {
      name: `w${l + 1}`,
      dims: [i, o],
      data: Float32Array.from({ length: i * o }, () => values[k++ % values.length] as number),
    },
    {
      name: `b${l + 1}`,
      dims: [o],
      data: Float32Array.from({ length: o }, () => values[k++ % values.length] as number),
    },
  ]);
}

const caseArb = fc
  .record({
    numeric: fc.array(
      fc.record({
        mean: fc.float({ min: -100, max: 100, noNaN: true }),
        std: fc.float({ min: Math.fround(0.01), max: 50, noNaN: true }),
      }),
      { maxLength: 4 },
    ),
    categorical: fc.array(
      fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'é', 'x y', 'null'), { maxLength: 4 }),
      { maxLength: 3 },
    ),
    hidden: fc.option(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 2 }), {
      nil: undefined,
    }),
    rows: fc.integer({ min: 1, max: 12 }),
    values: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 64 }),
    seed: fc.integer(),
  })
  .filter((c) => c.numeric.length + c.categorical.reduce((s, x) => s + x.length, 0) > 0);

describe('the inference model', () => {
  it('predicts what encodeFeatures + forward predict, to 1e-6 (logistic and MLP, missing and unknown values)', async () => {
    let worst = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const prep: Preprocessing = {
          numeric: c.numeric.map((s, j) => ({ name: `num${j}`, mean: s.mean, std: s.std })),
          categorical: c.categorical.map((cats, j) => ({ name: `cat${j}`, categories: [...cats].sort() })),
        };
        const width = prep.numeric.length + prep.categorical.reduce((s, x) => s + x.categories.length, 0);
        const shape: ModelShape = {
          features: width,
          architecture: c.hidden ? { kind: 'mlp', hidden: c.hidden } : { kind: 'logistic' },
        };
        const params = paramsOf(shape, c.values);
        let s = c.seed >>> 0;
        const next = () => {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          return s / 2 ** 32;
        };
        const raw: RawFeatures = {
          rows: c.rows,
          numeric: Object.fromEntries(
            prep.numeric.map((p) => [
              p.name,
              Float64Array.from({ length: c.rows }, () =>
                next() < 0.2 ? Number.NaN : p.mean + (next() - 0.5) * 4 * p.std,
              ),
            ]),
          ),
          categorical: Object.fromEntries(
            prep.categorical.map((p) => [
              p.name,
              Array.from({ length: c.rows }, () => {
                const u = next();
                if (u < 0.1) return null;
                if (u < 0.2) return '';
                if (u < 0.3) return 'unseen';
                return p.categories[Math.floor(next() * p.categories.length)] ?? 'b';
              }),
            ]),
          ),
        };
        const x = encodeFeatures(raw, prep);
        const z = forward(shape, params, x, c.rows);
        const bytes = buildInferenceModel({ shape, params, preprocessing: prep, metadata: { k: 'v' } });
        const got = await runOnnx(bytes, raw, prep);
        for (let r = 0; r < c.rows; r++) {
          const dz = Math.abs((got.logit[r] as number) - (z[r] as number));
          const dp = Math.abs((got.probability[r] as number) - sigmoid(z[r] as number));
          worst = Math.max(worst, dp);
          expect(dp).toBeLessThanOrEqual(1e-6);
          expect(dz).toBeLessThanOrEqual(4e-6 * Math.max(1, Math.abs(z[r] as number)));
        }
      }),
      { numRuns: 100, seed: 13 },
    );
    expect(worst).toBeLessThan(1e-6);
  });

  it('agrees at full size too: 60 numeric + 2 categorical columns (64 features), MLP 64-32, 2,000 rows', async () => {
    let s = 7;
    const next = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const rows = 2000;
    const prep: Preprocessing = {
      numeric: Array.from({ length: 60 }, (_, j) => ({
        name: `n${j}`,
        mean: Math.fround(next() * 100),
        std: Math.fround(1 + next() * 20),
      })),
      categorical: [
        { name: 'g', categories: ['f', 'm'] },
        { name: 'r', categories: ['a', 'b'] },
      ],
    };
    const raw: RawFeatures = {
      rows,
      numeric: Object.fromEntries(
        prep.numeric.map((c) => [
          c.name,
          Float64Array.from({ length: rows }, () =>
            next() < 0.05 ? Number.NaN : c.mean + (next() - 0.5) * 6 * c.std,
          ),
        ]),
      ),
      categorical: {
        g: Array.from({ length: rows }, () => (next() < 0.5 ? 'f' : 'm')),
        r: Array.from({ length: rows }, () => ['a', 'b', 'z', null][Math.floor(next() * 4)] ?? null),
      },
    };
    for (const architecture of [{ kind: 'logistic' } as const, { kind: 'mlp', hidden: [64, 32] } as const]) {
      const shape: ModelShape = { features: 64, architecture };
      const scale = architecture.kind === 'logistic' ? 0.3 : 0.25;
      const params = paramsOf(
        shape,
        Array.from({ length: 5000 }, () => (next() - 0.5) * 2 * scale),
      );
      const z = forward(shape, params, encodeFeatures(raw, prep), rows);
      const got = await runOnnx(
        buildInferenceModel({ shape, params, preprocessing: prep, metadata: {} }),
        raw,
        prep,
      );
      let dp = 0;
      let dz = 0;
      for (let r = 0; r < rows; r++) {
        dp = Math.max(dp, Math.abs((got.probability[r] as number) - sigmoid(z[r] as number)));
        dz = Math.max(
          dz,
          Math.abs((got.logit[r] as number) - (z[r] as number)) / Math.max(1, Math.abs(z[r] as number)),
        );
      }
      // measured: dp 2.1e-7, dz 7.7e-7 (logistic) and 8.9e-7 (MLP) relative; the logit differs only by
      // the order of the float32 sums (MLAS blocks and fuses them), bounded here with some room
      expect(dp).toBeLessThanOrEqual(1e-6);
      expect(dz).toBeLessThanOrEqual(4e-6);
    }
  });

  it('states IR 8, opset 17 (ai.onnx.ml only with a categorical column) and carries the metadata, sorted', () => {
    const prep: Preprocessing = { numeric: [{ name: 'age', mean: 50, std: 10 }], categorical: [] };
    const shape: ModelShape = { features: 1, architecture: { kind: 'logistic' } };
    const params = paramsOf(shape, [0.5, -1]);
    const bytes = buildInferenceModel({ shape, params, preprocessing: prep, metadata: { z: '1', a: '2' } });
    const m = decodeModel(bytes);
    expect(Number(m.irVersion)).toBe(INFERENCE_IR_VERSION);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', INFERENCE_OPSET]]);
    expect(m.metadataProps.map((e) => [e.key, e.value])).toEqual([
      ['a', '2'],
      ['z', '1'],
    ]);
    expect(m.graph?.input?.map((i) => i.name)).toEqual(['age']);
    expect(m.graph?.output?.map((o) => o.name)).toEqual(['probability', 'logit']);
    expect(buildInferenceModel({ shape, params, preprocessing: prep, metadata: { a: '2', z: '1' } })).toEqual(
      bytes,
    );

    const withCat = buildInferenceModel({
      shape: { features: 3, architecture: { kind: 'logistic' } },
      params: paramsOf({ features: 3, architecture: { kind: 'logistic' } }, [1, 2]),
      preprocessing: { ...prep, categorical: [{ name: 'gender', categories: ['female', 'male'] }] },
      metadata: {},
    });
    expect(decodeModel(withCat).opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 17],
      ['ai.onnx.ml', 3],
    ]);
  });
});
