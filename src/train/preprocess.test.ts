import { describe, expect, it } from 'vitest';
import { TrainError } from './errors.js';
import {
  encodedWidth,
  encodeFeatures,
  featureNames,
  fitPreprocessing,
  type RawFeatures,
} from './preprocess.js';

const raw: RawFeatures = {
  rows: 6,
  numeric: {
    age: Float64Array.from([40, 50, Number.NaN, 60, 1000, 0.1]),
    flat: Float64Array.from([3, 3, 3, 3, 7, 3]),
  },
  categorical: {
    gender: ['male', 'female', null, '', 'other', 'male'],
  },
};
const train = Uint32Array.from([0, 1, 2, 3]);

describe('fitPreprocessing', () => {
  it('fits on the training rows only: mean and population std of the present values, sorted categories', () => {
    const prep = fitPreprocessing(raw, train, { numeric: ['age', 'flat'], categorical: ['gender'] });
    // rows 0, 1, 3 of age: 40, 50, 60 → mean 50, population std sqrt(200/3); row 4 (1000) is validation
    expect(prep.numeric).toEqual([
      { name: 'age', mean: 50, std: Math.fround(Math.sqrt(200 / 3)) },
      { name: 'flat', mean: 3, std: 1 }, // std 0 → 1
    ]);
    // 'other' is only in a validation row; null and '' are missing
    expect(prep.categorical).toEqual([{ name: 'gender', categories: ['female', 'male'] }]);
    expect(featureNames(prep)).toEqual(['age', 'flat', 'gender=female', 'gender=male']);
    expect(encodedWidth(prep)).toBe(4);
  });

  it('gives mean 0 and std 1 to a column with no value in the training rows', () => {
    const prep = fitPreprocessing(
      { rows: 2, numeric: { x: Float64Array.from([Number.NaN, 5]) }, categorical: {} },
      Uint32Array.from([0]),
      { numeric: ['x'], categorical: [] },
    );
    expect(prep.numeric).toEqual([{ name: 'x', mean: 0, std: 1 }]);
  });

  it('refuses missing columns, short columns, duplicate names, out-of-range rows and infinities', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof TrainError ? err.code : 'other';
      }
      return 'none';
    };
    expect(code(() => fitPreprocessing(raw, train, { numeric: ['bmi'], categorical: [] }))).toBe(
      'TRAIN_DATA_INVALID',
    );
    expect(code(() => fitPreprocessing(raw, train, { numeric: [], categorical: ['age'] }))).toBe(
      'TRAIN_DATA_INVALID',
    );
    expect(code(() => fitPreprocessing(raw, train, { numeric: ['age', 'age'], categorical: [] }))).toBe(
      'TRAIN_DATA_INVALID',
    );
    expect(
      code(() => fitPreprocessing(raw, Uint32Array.from([6]), { numeric: ['age'], categorical: [] })),
    ).toBe('TRAIN_DATA_INVALID');
    const short = { ...raw, numeric: { age: Float64Array.from([1]) } };
    expect(code(() => fitPreprocessing(short, train, { numeric: ['age'], categorical: [] }))).toBe(
      'TRAIN_DATA_INVALID',
    );
    const inf = { ...raw, numeric: { age: Float64Array.from([1, Number.POSITIVE_INFINITY, 1, 1, 1, 1]) } };
    expect(code(() => fitPreprocessing(inf, train, { numeric: ['age'], categorical: [] }))).toBe(
      'TRAIN_DATA_INVALID',
    );
    const huge = { ...raw, numeric: { age: Float64Array.from([1, 1e39, 1, 1, 1, 1]) } };
    expect(code(() => fitPreprocessing(huge, train, { numeric: ['age'], categorical: [] }))).toBe(
      'TRAIN_DATA_INVALID',
    );
  });
});

describe('encodeFeatures', () => {
  it('standardizes in float32, imputes the mean, one-hot encodes, zeros for missing and unknown', () => {
    const prep = fitPreprocessing(raw, train, { numeric: ['age', 'flat'], categorical: ['gender'] });
    const x = encodeFeatures(raw, prep);
    const std = Math.fround(Math.sqrt(200 / 3));
    const z = (v: number) => Math.fround(Math.fround(Math.fround(v) - 50) / std);
    expect([...x]).toEqual([
      ...[z(40), 0, 0, 1],
      ...[0, 0, 1, 0],
      ...[0, 0, 0, 0], // age missing → 0, gender null
      ...[z(60), 0, 0, 0], // gender ''
      ...[z(1000), 4, 0, 0], // gender 'other' unknown
      ...[z(0.1), 0, 0, 1], // 0.1 rounded to float32 first
    ]);
  });
});
