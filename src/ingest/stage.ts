import { z } from 'zod';
import { defineStage } from '../core/stage.js';
import { scanInputs } from './scanInputs.js';
import { ScanOptionsSchema } from './schema.js';

/** What `ingest.scan` reports: counts only. */
export const ScanResultSchema = z.strictObject({
  files: z.number().int().describe('files'),
  dicomFiles: z.number().int().describe('DICOM files'),
  fhirFiles: z.number().int().describe('FHIR files'),
  fhirResources: z.number().int().describe('FHIR resources'),
  rejected: z.number().int().describe('rejected'),
});
export type ScanResult = z.output<typeof ScanResultSchema>;

/** `ingest.scan` / `sinso ingest scan`: inventory of DICOM and FHIR inputs, by counts only. */
export const scanStage = defineStage({
  name: 'ingest.scan',
  version: '1',
  summary: 'Inventory DICOM and FHIR inputs (counts only, no identifiers)',
  options: ScanOptionsSchema,
  result: ScanResultSchema,
  inputs: ['inputs'],
  outputs: ['out'],
  output: { deterministic: true },
  cli: {
    positional: { key: 'inputs', name: 'IN...', many: true },
    examples: ['sinso ingest scan data/cohort --out data/inventory.json'],
  },
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
