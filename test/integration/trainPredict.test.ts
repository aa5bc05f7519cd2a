import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlString, withSession } from '../../src/tables/index.js';
import { formatFloat32, predict, renderPredictions } from '../../src/train/adapters/predict.js';
import { TrainError } from '../../src/train/errors.js';
import { buildInferenceModel, layerSizes } from '../../src/train/graph/inference.js';
import { forward, type ModelShape, type Param } from '../../src/train/model.js';
import { encodeFeatures, type Preprocessing, type RawFeatures } from '../../src/train/preprocess.js';
import { rejectedWith } from '../utils/errors.js';
import { tempDir } from '../utils/tmp.js';

const f = Math.fround;

/** The trainer's float32 forward (src/train/model.ts), then the sigmoid in float32. */
function predictTs(shape: ModelShape, params: readonly Param[], x: Float32Array, rows: number): Float32Array {
  return forward(shape, params, x, rows).map((z) => f(1 / (1 + Math.exp(-z))));
}

const prep: Preprocessing = {
  numeric: [
    { name: 'age', mean: 52.5, std: 14.25 },
    { name: 'bmi', mean: 27.75, std: 5.5 },
  ],
  categorical: [{ name: 'gender', categories: ['female', 'male'] }],
};
const shape: ModelShape = { features: 4, architecture: { kind: 'mlp', hidden: [5] } };
let k = 0;
const params: Param[] = layerSizes(shape).flatMap(([i, o], l) => [
  { name: `w${l + 1}`, dims: [i, o], data: Float32Array.from({ length: i * o }, () => Math.sin(++k) * 0.9) },
  { name: `b${l + 1}`, dims: [o], data: Float32Array.from({ length: o }, () => Math.cos(++k) * 0.3) },
]);

/** 5,000 rows: some ages and BMIs missing, genders missing, unknown or with a comma and quotes. */
const rows = 5000;
const raw: RawFeatures = {
  rows,
  numeric: {
    age: Float64Array.from({ length: rows }, (_, i) =>
      i % 17 === 3 ? Number.NaN : 20 + ((i * 7) % 70) + 0.5,
    ),
    bmi: Float64Array.from({ length: rows }, (_, i) =>
      i % 23 === 5 ? Number.NaN : 18 + ((i * 13) % 200) / 10,
    ),
  },
  categorical: {
    gender: Array.from({ length: rows }, (_, i) =>
      i % 11 === 0 ? null : i % 13 === 0 ? 'unknown, "quoted"' : i % 2 === 0 ? 'female' : 'male',
    ),
  },
};
const expected = predictTs(shape, params, encodeFeatures(raw, prep), rows);

let dir: string;
let model: string;
const csvCell = (v: string | null) => (v === null ? '' : /[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

beforeAll(async () => {
  dir = await tempDir('sinso-predict-');
  model = join(dir, 'model.onnx');
  await writeFile(
    model,
    buildInferenceModel({ shape, params, preprocessing: prep, metadata: { name: 'test' } }),
  );
  // CSV: extra column, columns in another order, numbers as text, empty cells missing
  const lines = ['id,gender,bmi,age'];
  for (let i = 0; i < rows; i++) {
    const num = (v: number) => (Number.isNaN(v) ? '' : String(v));
    lines.push(
      `${i},${csvCell(raw.categorical['gender']?.[i] ?? null)},${num(raw.numeric['bmi']?.[i] as number)},${num(raw.numeric['age']?.[i] as number)}`,
    );
  }
  await writeFile(join(dir, 'rows.csv'), `${lines.join('\n')}\n`);
  // NDJSON: missing values as null or absent keys
  await writeFile(
    join(dir, 'rows.ndjson'),
    `${Array.from({ length: rows }, (_, i) => {
      const o: Record<string, unknown> = { id: i };
      const age = raw.numeric['age']?.[i] as number;
      if (!Number.isNaN(age)) o['age'] = age;
      const bmi = raw.numeric['bmi']?.[i] as number;
      o['bmi'] = Number.isNaN(bmi) ? null : bmi;
      o['gender'] = raw.categorical['gender']?.[i] ?? null;
      return JSON.stringify(o);
    }).join('\n')}\n`,
  );
  // Parquet, typed: DOUBLE and VARCHAR columns
  await withSession({}, async (s) => {
    await s.run(
      `COPY (SELECT CAST(age AS DOUBLE) AS age, CAST(bmi AS DOUBLE) AS bmi, gender FROM read_csv(${sqlString(join(dir, 'rows.csv'))}, header = true, all_varchar = true)) TO ${sqlString(join(dir, 'rows.parquet'))} (FORMAT parquet)`,
    );
  });
});

function expectClose(got: Float32Array) {
  expect(got.length).toBe(rows);
  let worst = 0;
  for (let i = 0; i < rows; i++)
    worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
  expect(worst).toBeLessThanOrEqual(1e-6);
}

describe('predict', () => {
  it('predicts a CSV file as the TypeScript pipeline does, and writes row,probability atomically', async () => {
    const out = join(dir, 'out', 'predictions.csv');
    const r = await predict({ model, input: join(dir, 'rows.csv'), out, batchSize: 1000 });
    expect(r).toMatchObject({ rows, format: 'csv', out });
    expectClose(r.probability);
    const text = await readFile(out, 'utf8');
    expect(text).toBe(renderPredictions(r.probability, 'csv'));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('row,probability');
    expect(lines).toHaveLength(rows + 1);
    expect(lines[1]).toBe(`0,${formatFloat32(r.probability[0] as number)}`);
    expect(Math.fround(Number(lines[1]?.split(',')[1]))).toBe(r.probability[0]);
    expect(await readdir(join(dir, 'out'))).toEqual(['predictions.csv']);
  });

  it('predicts Parquet and NDJSON inputs alike, NDJSON out', async () => {
    const parquet = await predict({ model, input: join(dir, 'rows.parquet'), batchSize: 4096 });
    expectClose(parquet.probability);
    expect(parquet.out).toBeUndefined();
    const out = join(dir, 'predictions.ndjson');
    const ndjson = await predict({ model, input: join(dir, 'rows.ndjson'), out });
    expectClose(ndjson.probability);
    const first = JSON.parse((await readFile(out, 'utf8')).split('\n')[0] ?? '');
    expect(first).toEqual({ row: 0, probability: Number(formatFloat32(ndjson.probability[0] as number)) });
  });

  it('names a missing column, never a value', async () => {
    const path = join(dir, 'noage.csv');
    await writeFile(path, 'gender,bmi\nfemale,30\n');
    const err = await rejectedWith(TrainError, predict({ model, input: path }));
    expect(err.code).toBe('TRAIN_INPUT_INVALID');
    expect(err.message).toContain('it has no column age (the model takes age, bmi, gender)');
  });

  it('refuses a numeric column with text or infinities in it, by count only; NaN is missing', async () => {
    const path = join(dir, 'text.csv');
    await writeFile(path, 'age,bmi,gender\n61,secret-value,male\n40,,female\n');
    const err = await rejectedWith(TrainError, predict({ model, input: path }));
    expect(err.code).toBe('TRAIN_INPUT_INVALID');
    expect(err.message).toContain('column bmi has 1 value that is not a finite float32 number');
    expect(err.message).not.toContain('secret-value');
    const inf = join(dir, 'inf.csv');
    await writeFile(inf, 'age,bmi,gender\n1e400,20,male\ninf,21,male\n1e39,22,female\nNaN,23,male\n');
    const e2 = await rejectedWith(TrainError, predict({ model, input: inf }));
    expect(e2.message).toContain('column age has 3 values that are not a finite float32 number');
    // NaN is missing (the training mean), an empty cell too; case-insensitive column names
    const nan = join(dir, 'nan.csv');
    await writeFile(nan, 'AGE,bmi,gender\nNaN,23,male\n,23,male\n');
    const r = await predict({ model, input: nan });
    expect(r.probability[0]).toBe(r.probability[1]);
  });

  it('refuses a file that is not a model, or an input it cannot read', async () => {
    const notModel = join(dir, 'rows.onnx');
    await writeFile(notModel, 'not a model at all');
    expect(
      (await rejectedWith(TrainError, predict({ model: notModel, input: join(dir, 'rows.csv') }))).code,
    ).toBe('TRAIN_MODEL_INVALID');
    expect(
      (
        await rejectedWith(
          TrainError,
          predict({ model, input: join(dir, 'rows.csv'), inputFormat: 'parquet' }),
        )
      ).code,
    ).toBe('TRAIN_INPUT_INVALID');
    expect((await rejectedWith(TrainError, predict({ model, input: join(dir, 'absent.csv') }))).code).toBe(
      'TRAIN_INPUT_INVALID',
    );
  });
});

describe('formatFloat32', () => {
  it('writes the shortest decimal that reads back as the same float32', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(0.25)).toBe('0.25');
    expect(formatFloat32(Math.fround(1 / 3))).toBe('0.33333334');
    for (const v of [Math.fround(1e-30), Math.fround(0.999999), 1, 0])
      expect(Math.fround(Number(formatFloat32(v)))).toBe(v);
  });
});

describe('formatFloat32 from 6 digits', () => {
  it('gives the same shortest string as trying every precision from 1', () => {
    const slow = (v: number) => {
      for (let d = 1; d <= 9; d++) {
        const s = Number(v.toPrecision(d)).toString();
        if (Math.fround(Number(s)) === v) return s;
      }
      return '';
    };
    const buf = new Uint32Array(1);
    const f32 = new Float32Array(buf.buffer);
    let seed = 1;
    for (let i = 0; i < 50_000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      buf[0] = i < 25_000 ? seed & 0x3f7fffff : seed & 0x7f7fffff; // [0, 1), then any finite positive
      const v = f32[0] as number;
      expect(formatFloat32(v)).toBe(slow(v));
    }
    for (const v of [0.5, 0.25, 0.125, Math.fround(0.1), Math.fround(0.3), 1e-40])
      expect(formatFloat32(Math.fround(v))).toBe(slow(Math.fround(v)));
  });
});
