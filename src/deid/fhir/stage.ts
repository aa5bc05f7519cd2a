import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeidFhirReportSchema } from '../../core/schemas/deidFhirReport.js';
import { defineStage } from '../../core/stage.js';
import { deidentifyFhirFiles } from './deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from './schema.js';

/** `deid.fhir` / `sinso deid fhir`: HIPAA Safe Harbor (or rules-file) de-identification of FHIR R4. */
export const deidFhirStage = defineStage({
  name: 'deid.fhir',
  version: '1',
  summary: 'De-identify FHIR R4 (Bundles, resources, NDJSON) by HIPAA Safe Harbor or FHIRPath rules',
  options: DeidFhirOptionsSchema,
  // the secret and the rules file are deps too: a pipeline reruns when either changes
  inputs: ['inputs', 'secretFile', 'config'],
  outputs: ['out'],
  needsKeys: false,
  output: { deterministic: true },
  async ownsOutput(_key, path) {
    try {
      return DeidFhirReportSchema.safeParse(
        JSON.parse(await readFile(join(path, 'deid-report.json'), 'utf8')),
      ).success;
    } catch {
      return false;
    }
  },
  run: (ctx, o) => deidentifyFhirFiles(ctx, o),
});
