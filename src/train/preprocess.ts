import { TrainError } from './errors.js';

/**
 * The raw feature columns of a job's rows, one array per column, all `rows` long. A numeric
 * value NaN, or a categorical value null or '', is missing.
 */
export type RawFeatures = {
  rows: number;
  numeric: Record<string, Float64Array>;
  categorical: Record<string, (string | null)[]>;
};

/**
 * Standardization of the numeric columns and one-hot categories of the categorical ones, fitted
 * on the training split. Means and standard deviations are float32 values (the ones the ONNX
 * model holds), categories sorted.
 */
export type Preprocessing = {
  numeric: { name: string; mean: number; std: number }[];
  categorical: { name: string; categories: string[] }[];
};

export type FitPreprocessingParameters = {
  numeric: readonly string[];
  categorical: readonly string[];
};

/** Whether a categorical value is missing (null or the empty string). */
function isMissing(v: string | null | undefined): v is null | undefined | '' {
  return v === null || v === undefined || v === '';
}

function checkColumns(raw: RawFeatures, spec: FitPreprocessingParameters): void {
  const seen = new Set<string>();
  for (const name of [...spec.numeric, ...spec.categorical]) {
    if (seen.has(name))
      throw new TrainError('TRAIN_DATA_INVALID', { problem: `feature ${name} is named twice` });
    seen.add(name);
  }
  for (const name of spec.numeric) {
    const col = raw.numeric[name];
    if (!col) throw new TrainError('TRAIN_DATA_INVALID', { problem: `there is no numeric column ${name}` });
    if (col.length !== raw.rows)
      throw new TrainError('TRAIN_DATA_INVALID', {
        problem: `numeric column ${name} is not ${raw.rows} rows long`,
      });
  }
  for (const name of spec.categorical) {
    const col = raw.categorical[name];
    if (!col)
      throw new TrainError('TRAIN_DATA_INVALID', { problem: `there is no categorical column ${name}` });
    if (col.length !== raw.rows)
      throw new TrainError('TRAIN_DATA_INVALID', {
        problem: `categorical column ${name} is not ${raw.rows} rows long`,
      });
  }
}

/**
 * Fits the preprocessing on the training rows only (`rowsIdx`, indices into `raw`): per numeric
 * column the mean and population standard deviation of its non-missing values (computed in
 * float64, stored as float32; no value: mean 0; a standard deviation of 0 becomes 1), per
 * categorical column its distinct non-missing values, sorted by UTF-16 code units.
 *
 * @example
 * const prep = fitPreprocessing(raw, trainRows, { numeric: ['age', 'bmi'], categorical: ['gender'] });
 */
export function fitPreprocessing(
  raw: RawFeatures,
  rowsIdx: Uint32Array,
  spec: FitPreprocessingParameters,
): Preprocessing {
  checkColumns(raw, spec);
  for (const i of rowsIdx) {
    if (i >= raw.rows)
      throw new TrainError('TRAIN_DATA_INVALID', { problem: `training row ${i} is out of range` });
  }
  const numeric = spec.numeric.map((name) => {
    const col = raw.numeric[name] as Float64Array;
    let n = 0;
    let sum = 0;
    for (const i of rowsIdx) {
      const v = col[i] as number;
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(Math.fround(v)))
        throw new TrainError('TRAIN_DATA_INVALID', {
          problem: `numeric column ${name} holds an infinite value or one beyond float32`,
        });
      n++;
      sum += v;
    }
    const mean = n === 0 ? 0 : sum / n;
    let ss = 0;
    for (const i of rowsIdx) {
      const v = col[i] as number;
      if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
    }
    const std = Math.fround(n === 0 ? 1 : Math.sqrt(ss / n));
    return {
      name,
      mean: Math.fround(mean),
      std: std > 0 && Number.isFinite(std) ? std : 1,
    };
  });
  const categorical = spec.categorical.map((name) => {
    const col = raw.categorical[name] as (string | null)[];
    const values = new Set<string>();
    for (const i of rowsIdx) {
      const v = col[i];
      if (!isMissing(v)) values.add(v);
    }
    return { name, categories: [...values].sort() };
  });
  return { numeric, categorical };
}

/**
 * The encoded feature names, in column order: numeric columns by name, then one per category
 * as `column=category`.
 *
 * @example
 * featureNames(prep); // ['age', 'bmi', 'gender=female', 'gender=male']
 */
export function featureNames(prep: Preprocessing): string[] {
  return [
    ...prep.numeric.map((c) => c.name),
    ...prep.categorical.flatMap((c) => c.categories.map((v) => `${c.name}=${v}`)),
  ];
}

/** The number of encoded features. */
export function encodedWidth(prep: Preprocessing): number {
  return prep.numeric.length + prep.categorical.reduce((s, c) => s + c.categories.length, 0);
}

/**
 * Encodes raw features into the model's input: rows × width float32, row-major, in
 * `featureNames` order. Numeric: the value rounded to float32, then (x − mean) / std in float32
 * (the same operations the ONNX model runs); missing → 0 (the mean). Categorical: one-hot in
 * the categories' order; a missing or unknown value → all zeros.
 *
 * @example
 * const x = encodeFeatures(raw, prep); // x.length === raw.rows * featureNames(prep).length
 */
export function encodeFeatures(raw: RawFeatures, prep: Preprocessing): Float32Array {
  checkColumns(raw, {
    numeric: prep.numeric.map((c) => c.name),
    categorical: prep.categorical.map((c) => c.name),
  });
  const width = encodedWidth(prep);
  const rows = raw.rows;
  const x = new Float32Array(rows * width);
  for (const [j, c] of prep.numeric.entries()) {
    const col = raw.numeric[c.name] as Float64Array;
    const mean = Math.fround(c.mean);
    const std = Math.fround(c.std);
    for (let i = 0; i < rows; i++) {
      const v = Math.fround(col[i] as number);
      x[i * width + j] = Number.isNaN(v) ? 0 : Math.fround(v - mean) / std;
    }
  }
  let offset = prep.numeric.length;
  for (const c of prep.categorical) {
    const col = raw.categorical[c.name] as (string | null)[];
    const index = new Map(c.categories.map((v, k) => [v, k]));
    for (let i = 0; i < rows; i++) {
      const v = col[i];
      const k = isMissing(v) ? undefined : index.get(v);
      if (k !== undefined) x[i * width + offset + k] = 1;
    }
    offset += c.categories.length;
  }
  return x;
}
