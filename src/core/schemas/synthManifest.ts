import { z } from 'zod';

/** True when `YYYY-MM-DD` names a real calendar day (UTC arithmetic only). */
function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/**
 * The generator settings a synth output records: the options of the `synth` stage except `out`
 * (`SynthOptionsSchema` in src/synth adds the defaults and flag descriptions to these fields).
 */
export const SynthSettingsSchema = z.strictObject({
  owners: z.number().int().min(1).max(1000),
  patients: z.number().int().min(1).max(10_000_000),
  seed: z.number().int().min(0),
  imagingFraction: z.number().min(0).max(1),
  slices: z.number().int().min(1).max(5000),
  imageSize: z.enum(['auto', '64', '128', '256', '512']),
  modality: z.enum(['auto', 'CT', 'MR']),
  asOf: z
    .string()
    .refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD')
    .refine((d) => d >= '1900-01-01' && d <= '9899-12-31', 'must be between 1900-01-01 and 9899-12-31'),
  dicom: z.boolean(),
});
export type SynthSettings = z.output<typeof SynthSettingsSchema>;

/** The resource types synth writes, in file order. */
export const SYNTH_RESOURCE_TYPES = [
  'Organization',
  'Practitioner',
  'Patient',
  'Encounter',
  'Observation',
  'Condition',
  'MedicationRequest',
  'ImagingStudy',
] as const;
export type SynthResourceType = (typeof SYNTH_RESOURCE_TYPES)[number];

const count = z.number().int().min(0);
const ResourceCountsSchema = z.strictObject({
  Organization: count,
  Practitioner: count,
  Patient: count,
  Encounter: count,
  Observation: count,
  Condition: count,
  MedicationRequest: count,
  ImagingStudy: count,
});

const SignalFeatureSchema = z.strictObject({
  name: z.enum(['age', 'bmi', 'hba1c']),
  center: z.number(),
  scale: z.number(),
  unit: z.string(),
  loinc: z.string().optional(),
  observedNoiseSd: z.number().min(0),
  definition: z.string(),
});

const OutcomeModelSchema = z.strictObject({
  outcome: z.strictObject({ name: z.string(), system: z.string(), code: z.string(), display: z.string() }),
  /** Names of the features the model uses, in `features`' terms. */
  features: z.array(z.enum(['age', 'bmi', 'hba1c'])),
  coefficients: z.record(z.string(), z.number()),
  intercept: z.number(),
  /** Realised share of generated patients with the outcome. */
  prevalence: z.number().min(0).max(1),
});

/**
 * `manifest.json` at the root of a synth output, written by `sinso synth` (the `synth` stage)
 * and read by whoever uses the cohort (the demo summary). Counts and model truth only: no PHI.
 */
export const SynthManifestSchema = z.strictObject({
  generator: z.strictObject({ name: z.literal('sinso-synth'), version: z.string() }),
  options: SynthSettingsSchema,
  owners: z.array(
    z.strictObject({
      id: z.string().regex(/^owner-\d{3,4}$/),
      name: z.string(),
      patients: count,
      /** Global index of the owner's first patient (its range is contiguous). */
      firstPatientIndex: count,
      resources: ResourceCountsSchema,
      imagingStudies: count,
      dicomFiles: count,
      dicomBytes: count,
    }),
  ),
  totals: z.strictObject({
    owners: count,
    patients: count,
    resources: count,
    resourcesByType: ResourceCountsSchema,
    imagingStudies: count,
    dicomFiles: count,
    dicomBytes: count,
  }),
  signal: z.strictObject({
    model: z.literal('logistic'),
    /** Linear predictor = intercept + Σ coefficients[f] · (value_f − center_f) / scale_f. */
    link: z.literal('logit'),
    features: z.array(SignalFeatureSchema),
    outcome: OutcomeModelSchema.shape.outcome,
    coefficients: z.record(z.string(), z.number()),
    intercept: z.number(),
    prevalence: z.number().min(0).max(1),
    hypertensionPrevalence: z.number().min(0).max(1),
    hypertension: OutcomeModelSchema,
  }),
});
export type SynthManifest = z.output<typeof SynthManifestSchema>;
