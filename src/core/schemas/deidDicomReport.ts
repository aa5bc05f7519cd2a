import { z } from 'zod';
import { PatientIdNamespaceSchema } from './patientIdNamespace.js';

const Code = z.strictObject({ value: z.string(), scheme: z.string(), meaning: z.string() });

/**
 * `deid-report.json` of `sinso deid dicom` (the `deid.dicom` stage), beside its output: counts,
 * profile, options and per-input status by ordinal. No PHI, no paths. Read by the tables (how
 * a source was de-identified) and the demo summary.
 */
export const DeidDicomReportSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-deid-dicom-report'),
  tool: z.strictObject({ name: z.literal('sinso'), version: z.string() }),
  profile: z.strictObject({
    standard: z.string(),
    method: z.string(),
    options: z.array(z.string()),
    codes: z.array(Code),
  }),
  settings: z.strictObject({
    leakScan: z.boolean(),
    maxDateShiftDays: z.number(),
    pixelRules: z.number().int(),
    allowMissingBurnedInFlag: z.boolean(),
    secretFingerprint: z.string(),
    /** Where PatientIDs belong: the pseudonym and the date shift are keyed by it (no identifier). */
    patientIdNamespace: PatientIdNamespaceSchema,
  }),
  counts: z.strictObject({
    inputs: z.number().int(),
    deidentified: z.number().int(),
    rejected: z.number().int(),
    skipped: z.number().int(),
    pixelsCleaned: z.number().int(),
  }),
  rejectedBy: z.record(z.string(), z.number().int()),
  inputs: z.array(
    z.strictObject({
      ordinal: z.number().int().min(1),
      status: z.enum(['deidentified', 'rejected', 'skipped']),
      reason: z.string().optional(),
    }),
  ),
});
export type DeidDicomReport = z.infer<typeof DeidDicomReportSchema>;
