import { z } from 'zod';
import { WorkersOptionSchema } from '../../core/options.js';
import { SecretFileOptionSchema } from '../../core/secretFile.js';
import { IssuerMapOptionSchema, PatientIdSystemOptionSchema } from '../patientIdNamespace.js';
import { DeidDicomOptionSchema } from './profile/index.js';

/** Options of `sinso deid dicom` and of the `deid.dicom` pipeline stage (one schema for both). */
export const DeidDicomOptionsSchema = z.strictObject({
  inputs: z.array(z.string().min(1)).min(1).describe('DICOM files or folders (walked recursively)'),
  out: z
    .string()
    .min(1)
    .describe(
      'Output folder: <StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm with the new UIDs, and deid-report.json',
    ),
  secretFile: SecretFileOptionSchema,
  option: z
    .array(DeidDicomOptionSchema)
    .default([])
    .describe('A PS3.15 Table E.1-1 option by kebab-case name (repeatable)'),
  pixelRules: z
    .string()
    .min(1)
    .optional()
    .describe('JSON file of pixel-cleaning rules for images with burned-in annotation'),
  allowMissingBurnedInFlag: z
    .boolean()
    .default(false)
    .describe(
      'Accept US, SC and other burned-in-risk images that lack BurnedInAnnotation (check them first)',
    ),
  leakScan: z
    .boolean()
    .default(true)
    .describe('Search each output for every identifying value of its input; a hit rejects the file'),
  maxDateShiftDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(365)
    .describe('Largest per-patient date shift in days (with retain-longitudinal-modified-dates)'),
  patientIdSystem: PatientIdSystemOptionSchema,
  issuerMap: IssuerMapOptionSchema,
  workers: WorkersOptionSchema.describe(
    'Worker threads (default: the main thread, joined by one worker fewer than the cores once the job has run for a second; 0: the main thread only)',
  ),
});
export type DeidDicomOptions = z.output<typeof DeidDicomOptionsSchema>;

/** What `deid.dicom` reports (`--json`, the runner, the demo): counts and settings, no PHI. */
export const DeidDicomResultSchema = z.strictObject({
  inputs: z.number().int().describe('inputs'),
  deidentified: z.number().int().describe('de-identified'),
  rejected: z.number().int().describe('rejected'),
  skipped: z.number().int().describe('skipped (not DICOM)'),
  pixelsCleaned: z.number().int().describe('pixel data cleaned'),
  options: z.array(z.string()).describe('profile options'),
  leakScan: z.boolean().describe('leak scan'),
  leakRejected: z.number().int().describe('rejected by the leak scan'),
  patientIds: z.enum(['shared', 'patient-id-system', 'issuer-map']).describe('patient ID namespace'),
});
export type DeidDicomResult = z.output<typeof DeidDicomResultSchema>;
