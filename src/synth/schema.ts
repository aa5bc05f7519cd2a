import { z } from 'zod';
import { SynthSettingsSchema } from '../core/schemas/synthManifest.js';

const field = SynthSettingsSchema.shape;

/**
 * Options of the synthetic cohort generator (the `synth` stage); CLI flags derive from them. The
 * fields but `out` are the settings the manifest records (core `SynthSettingsSchema`), with
 * defaults and descriptions added here.
 */
export const SynthOptionsSchema = z.strictObject({
  out: z
    .string()
    .min(1)
    .describe('Output folder; created if missing (must be empty or a previous synth output).'),
  owners: field.owners.default(3).describe('Number of data owners (hospitals).'),
  patients: field.patients
    .default(100)
    .describe('Number of patients in total, spread unevenly over the owners.'),
  seed: field.seed.default(42).describe('Random seed: the same options always give identical bytes.'),
  imagingFraction: field.imagingFraction
    .default(0.1)
    .describe('Share of patients with an imaging study (0..1).'),
  slices: field.slices.default(4).describe('Slices (instances) per DICOM series.'),
  imageSize: field.imageSize
    .default('auto')
    .describe(
      'Rows = columns of each image; auto draws 64/128/256/512 with weights 0.4/0.3/0.2/0.1 per series.',
    ),
  modality: field.modality.default('auto').describe('Imaging modality; auto draws CT (70%) or MR per study.'),
  asOf: field.asOf
    .default('2025-01-01')
    .describe('Reference "today" (YYYY-MM-DD): ages and the five-year encounter window count back from it.'),
  dicom: field.dicom.default(true).describe('Write DICOM files (false: FHIR only).'),
});

/** Parsed synth options (defaults applied). */
export type SynthOptions = z.output<typeof SynthOptionsSchema>;
/** Synth options as a caller may give them (defaults optional). */
export type SynthOptionsInput = z.input<typeof SynthOptionsSchema>;
