import { z } from 'zod';
import { isCalendarDate } from './time.js';

/** Options of the synthetic cohort generator (the `synth` stage); CLI flags derive from them. */
export const SynthOptionsSchema = z.strictObject({
  out: z
    .string()
    .min(1)
    .describe('Output folder; created if missing (must be empty or a previous synth output).'),
  owners: z.number().int().min(1).max(1000).default(3).describe('Number of data owners (hospitals).'),
  patients: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(100)
    .describe('Number of patients in total, spread unevenly over the owners.'),
  seed: z
    .number()
    .int()
    .min(0)
    .default(42)
    .describe('Random seed: the same options always give identical bytes.'),
  imagingFraction: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('Share of patients with an imaging study (0..1).'),
  slices: z.number().int().min(1).max(5000).default(4).describe('Slices (instances) per DICOM series.'),
  imageSize: z
    .enum(['auto', '64', '128', '256', '512'])
    .default('auto')
    .describe(
      'Rows = columns of each image; auto draws 64/128/256/512 with weights 0.4/0.3/0.2/0.1 per series.',
    ),
  modality: z
    .enum(['auto', 'CT', 'MR'])
    .default('auto')
    .describe('Imaging modality; auto draws CT (70%) or MR per study.'),
  asOf: z
    .string()
    .refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD')
    .refine((d) => d >= '1900-01-01' && d <= '9899-12-31', 'must be between 1900-01-01 and 9899-12-31')
    .default('2025-01-01')
    .describe('Reference "today" (YYYY-MM-DD): ages and the five-year encounter window count back from it.'),
  dicom: z.boolean().default(true).describe('Write DICOM files (false: FHIR only).'),
});

/** Parsed synth options (defaults applied). */
export type SynthOptions = z.output<typeof SynthOptionsSchema>;
/** Synth options as a caller may give them (defaults optional). */
export type SynthOptionsInput = z.input<typeof SynthOptionsSchema>;

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

/** `manifest.json` at the root of a synth output. Counts and model truth only: no PHI. */
export const SynthManifestSchema = z.strictObject({
  generator: z.strictObject({ name: z.literal('sinso-synth'), version: z.string() }),
  options: SynthOptionsSchema.omit({ out: true }),
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
