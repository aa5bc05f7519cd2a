import type { Rng } from '../core/rng.js';
import { DIABETES_MODEL, HYPERTENSION_MODEL } from './signal.js';

export type DrawBaselineParameters = {
  rng: Rng;
  /** Completed years at asOf. */
  age: number;
  sex: 'male' | 'female';
};

/** A patient's baseline physiology and the outcomes drawn from it. */
export type DrawBaselineReturnType = {
  heightCm: number;
  bmi: number;
  hba1c: number;
  /** Baseline systolic / diastolic blood pressure, mm[Hg]. */
  systolic: number;
  diastolic: number;
  diabetes: boolean;
  hypertension: boolean;
};

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Draws baseline height, BMI and HbA1c and then the outcomes from the fixed logistic models in
 * `signal.ts` (the planted signal). Always consumes the same number of draws.
 *
 * @example
 * const b = drawBaseline({ rng: createRng(42, 'patient', 0), age: 61, sex: 'female' });
 */
export function drawBaseline({ rng, age, sex }: DrawBaselineParameters): DrawBaselineReturnType {
  const heightCm = clamp(sex === 'male' ? rng.normal(176, 7) : rng.normal(162, 6.5), 140, 210);
  const bmi = clamp(rng.normal(28 + 0.04 * (age - 50), 5), 16, 60);
  const hba1c = clamp(rng.normal(5.4 + 0.012 * (age - 50) + 0.04 * (bmi - 28), 0.6), 4, 14);
  const a = (age - 50) / 10;
  const b = (bmi - 28) / 5;
  const h = hba1c - 5.7;
  const dm = DIABETES_MODEL.coefficients;
  const diabetes = rng.bernoulli(sigmoid(DIABETES_MODEL.intercept + dm.age * a + dm.bmi * b + dm.hba1c * h));
  const ht = HYPERTENSION_MODEL.coefficients;
  const hypertension = rng.bernoulli(sigmoid(HYPERTENSION_MODEL.intercept + ht.age * a + ht.bmi * b));
  const systolic = clamp(
    rng.normal(117 + 0.35 * (age - 50) + 0.5 * (bmi - 28) + (hypertension ? 16 : 0), 8),
    85,
    210,
  );
  const diastolic = clamp(
    rng.normal(75 + 0.05 * (age - 50) + 0.3 * (bmi - 28) + (hypertension ? 8 : 0), 6),
    45,
    130,
  );
  return { heightCm, bmi, hba1c, systolic, diastolic, diabetes, hypertension };
}
