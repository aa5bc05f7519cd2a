import { z } from 'zod';
import { SynthManifestSchema } from '../core/schemas/synthManifest.js';
import { defineStage } from '../core/stage.js';
import { SynthOptionsSchema } from './schema.js';
import { SYNTH_VERSION, synthesize } from './synthesize.js';

/** What `synth` reports: totals, each owner's counts and the planted signal (no data value). */
export const SynthResultSchema = z.strictObject({
  owners: z.number().int().describe('owners'),
  patients: z.number().int().describe('patients'),
  resources: z.number().int().describe('FHIR resources'),
  imagingStudies: z.number().int().describe('imaging studies'),
  dicomFiles: z.number().int().describe('DICOM files'),
  dicomBytes: z.number().int().describe('DICOM bytes'),
  diabetesPrevalence: z.number().describe('diabetes prevalence'),
  hypertensionPrevalence: z.number().describe('hypertension prevalence'),
  seed: z.number().int().describe('seed'),
  signalFeatures: z.array(z.string()).describe('signal features'),
  perOwner: z
    .array(
      z.strictObject({
        id: z.string(),
        name: z.string(),
        patients: z.number().int(),
        resources: z.number().int(),
        dicomFiles: z.number().int(),
      }),
    )
    .describe('per owner'),
});
export type SynthResult = z.output<typeof SynthResultSchema>;

/**
 * The `synth` stage: a synthetic multi-owner cohort (FHIR R4 NDJSON + DICOM) with a planted,
 * documented signal. Deterministic: the runner records its output by hash.
 *
 * @example
 * // pipelines/demo.yaml
 * // stages: { cohort: { uses: synth, with: { owners: 3, patients: 500 }, outs: [data/cohort] } }
 */
export const synthStage = defineStage({
  name: 'synth',
  version: SYNTH_VERSION,
  summary:
    'Generate a synthetic multi-owner cohort (FHIR R4 NDJSON + DICOM) with a planted, documented signal',
  options: SynthOptionsSchema,
  result: SynthResultSchema,
  inputs: [],
  outputs: ['out'],
  marker: { file: 'manifest.json', schema: SynthManifestSchema },
  output: { deterministic: true },
  cli: {
    description:
      'Writes a realistic synthetic cohort (FHIR R4 NDJSON and DICOM Part 10 with full identifiers, for testing de-identification) spread over N owners. Same seed, same bytes. A planted diabetes-risk signal (age, BMI, HbA1c) is documented in manifest.json.',
    examples: [
      'sinso synth --owners 3 --patients 100 --seed 42 --out data/cohort',
      'sinso synth --owners 1 --patients 1 --imaging-fraction 1 --modality CT --image-size 512 --slices 2000 --out data/ct',
      'sinso synth --owners 10 --patients 100000 --no-dicom --out data/big',
    ],
  },
  run: async (ctx, o) => {
    const r = await synthesize({ progress: ctx.progress, log: ctx.log, signal: ctx.signal }, o);
    return {
      summary: {
        owners: r.owners,
        patients: r.patients,
        resources: r.resources,
        imagingStudies: r.imagingStudies,
        dicomFiles: r.dicomFiles,
        dicomBytes: r.dicomBytes,
        diabetesPrevalence: r.prevalence,
        hypertensionPrevalence: r.hypertensionPrevalence,
        seed: r.manifest.options.seed,
        signalFeatures: r.manifest.signal.features.map((f) => f.name),
        perOwner: r.manifest.owners.map((w) => ({
          id: w.id,
          name: w.name,
          patients: w.patients,
          resources: Object.values(w.resources).reduce((a, b) => a + b, 0),
          dicomFiles: w.dicomFiles,
        })),
      },
    };
  },
});
