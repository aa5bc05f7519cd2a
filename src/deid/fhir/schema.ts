import { z } from 'zod';
import { SecretFileOptionSchema } from '../loadSecret.js';

/** Options of `sinso deid fhir` and of the `deid.fhir` pipeline stage (one schema for both). */
export const DeidFhirOptionsSchema = z.strictObject({
  inputs: z
    .array(z.string().min(1))
    .min(1)
    .describe('FHIR R4 Bundles, single resources, NDJSON files, or folders of them (walked recursively)'),
  out: z.string().min(1).describe('Output folder: one NDJSON file per resource type, and deid-report.json'),
  secretFile: SecretFileOptionSchema,
  dateShift: z
    .boolean()
    .default(false)
    .describe(
      'Keep full dates, shifted per patient by a keyed non-zero offset (default: dates reduced to the year)',
    ),
  maxDateShiftDays: z.number().int().min(1).max(3650).default(365).describe('Largest date shift in days'),
  config: z
    .string()
    .min(1)
    .optional()
    .describe('Rules file (JSON) replacing the default HIPAA Safe Harbor profile'),
  asOfYear: z
    .number()
    .int()
    .min(1900)
    .max(2200)
    .optional()
    .describe('Year ages are computed against for the over-89 rule (default: the current year)'),
  leakScan: z
    .boolean()
    .default(true)
    .describe('Search each output resource for every identifying value of its input'),
  workers: z
    .number()
    .int()
    .min(0)
    .max(256)
    .optional()
    .describe('Worker threads, one input file each (default: one per core; 0: in-process)'),
});
export type DeidFhirOptions = z.output<typeof DeidFhirOptionsSchema>;
