/**
 * The planted, learnable signal: fixed coefficients of the logistic models that decide who has
 * type 2 diabetes and hypertension. They are written into the manifest so a trainer can compare
 * what it learned with the truth. Changing any number here changes output bytes: bump the synth
 * stage version.
 */

/** One model feature: how it is defined, and how it enters the linear predictor. */
export type SignalFeature = {
  name: 'age' | 'bmi' | 'hba1c';
  /** Enters as `(value - center) / scale`. */
  center: number;
  scale: number;
  unit: string;
  /** LOINC code of the Observation that carries the observed value, when there is one. */
  loinc?: string;
  /** Observed values (per encounter) = baseline + N(0, observedNoiseSd). */
  observedNoiseSd: number;
  definition: string;
};

/** Feature definitions shared by both outcome models. */
export const SIGNAL_FEATURES: readonly SignalFeature[] = [
  {
    name: 'age',
    center: 50,
    scale: 10,
    unit: 'a',
    observedNoiseSd: 0,
    definition: 'Completed years of age at options.asOf, from Patient.birthDate.',
  },
  {
    name: 'bmi',
    center: 28,
    scale: 5,
    unit: 'kg/m2',
    loinc: '39156-5',
    observedNoiseSd: 0.4,
    definition:
      'Baseline body-mass index; ~N(28 + 0.04*(age-50), 5) clipped to 16..60. Each encounter observes baseline + N(0, 0.4), rounded to 0.1.',
  },
  {
    name: 'hba1c',
    center: 5.7,
    scale: 1,
    unit: '%',
    loinc: '4548-4',
    observedNoiseSd: 0.15,
    definition:
      'Baseline HbA1c; ~N(5.4 + 0.012*(age-50) + 0.04*(bmi-28), 0.6) clipped to 4..14. Each encounter observes baseline + N(0, 0.15), rounded to 0.1.',
  },
];

/** Type 2 diabetes (SNOMED 44054006) ~ Bernoulli(sigmoid(intercept + Σ coef·scaled feature)). */
export const DIABETES_MODEL = {
  intercept: -1.4,
  coefficients: { age: 0.5, bmi: 0.6, hba1c: 1.8 },
} as const;

/** Hypertension (SNOMED 38341003) ~ Bernoulli(sigmoid(intercept + Σ coef·scaled feature)). */
export const HYPERTENSION_MODEL = {
  intercept: -1.1,
  coefficients: { age: 0.7, bmi: 0.5 },
} as const;
