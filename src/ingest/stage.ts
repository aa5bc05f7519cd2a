import { defineStage } from '../core/stage.js';
import { scanInputs } from './scanInputs.js';
import { ScanOptionsSchema } from './schema.js';

/** `ingest.scan` / `sinso ingest scan`: inventory of DICOM and FHIR inputs, by counts only. */
export const scanStage = defineStage({
  name: 'ingest.scan',
  version: '1',
  summary: 'Inventory DICOM and FHIR inputs (counts only, no identifiers)',
  options: ScanOptionsSchema,
  inputs: ['inputs'],
  outputs: ['out'],
  needsKeys: false,
  output: { deterministic: true },
  async run(ctx, o) {
    const { inventory, rejected } = await scanInputs(ctx, o);
    const resources = Object.values(inventory.fhirResources).reduce((a, b) => a + b, 0);
    return {
      summary: {
        files: inventory.inputs,
        dicomFiles: inventory.files.dicom,
        fhirFiles: inventory.files.fhirNdjson + inventory.files.fhirJson,
        fhirResources: resources,
        rejected: inventory.files.rejected,
      },
      rejected,
    };
  },
});
