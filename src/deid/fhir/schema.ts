import { z } from 'zod';
import { AsOfYearOptionSchema, WorkersOptionSchema } from '../../core/options.js';
import { SecretFileOptionSchema } from '../../core/secretFile.js';
import { IssuerMapOptionSchema, PatientIdSystemOptionSchema } from '../patientIdNamespace.js';

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
  asOfYear: AsOfYearOptionSchema.describe(
    'Year ages are judged against for the over-89 rule (default: the latest year in the data, never the clock)',
  ),
  leakScan: z
    .boolean()
    .default(true)
    .describe('Search each output resource for every identifying value of its input'),
  patientIdSystem: PatientIdSystemOptionSchema,
  issuerMap: IssuerMapOptionSchema.describe(
    'The issuer map given to deid dicom (JSON or YAML): validated and recorded in the report, so both sides show one policy (identifiers carry their system, which is what the map names)',
  ),
  workers: WorkersOptionSchema.describe(
    'Worker threads, one input file each (default: one per core; 0: in-process)',
  ),
});
export type DeidFhirOptions = z.output<typeof DeidFhirOptionsSchema>;

/** What `deid.fhir` reports (`--json`, the runner, the demo): counts and settings, no PHI. */
export const DeidFhirResultSchema = z.strictObject({
  inputs: z.number().int().describe('inputs'),
  deidentified: z.number().int().describe('de-identified'),
  rejected: z.number().int().describe('rejected'),
  resources: z.number().int().describe('resources written'),
  dateShift: z.boolean().describe('dates shifted'),
  leakScan: z.boolean().describe('leak scan'),
  patientIds: z.enum(['shared', 'patient-id-system', 'issuer-map']).describe('patient ID namespace'),
});
export type DeidFhirResult = z.output<typeof DeidFhirResultSchema>;
