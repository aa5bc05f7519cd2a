import { defineStage } from '../core/stage.js';
import { SynthOptionsSchema } from './schema.js';
import { isSynthOutput, SYNTH_VERSION, synthesize } from './synthesize.js';

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
  inputs: [],
  outputs: ['out'],
  needsKeys: false,
  output: { deterministic: true },
  ownsOutput: (_key, path) => isSynthOutput(path),
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
      },
    };
  },
});
