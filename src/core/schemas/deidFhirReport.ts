import { z } from 'zod';
import { PatientIdNamespaceSchema } from './patientIdNamespace.js';

/**
 * `deid-report.json` of `sinso deid fhir` (the `deid.fhir` stage), beside its output: counts,
 * profile and per-input status by ordinal. No PHI, no paths. Read by the tables (how a source
 * was de-identified) and the demo summary.
 */
export const DeidFhirReportSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-deid-fhir-report'),
  tool: z.strictObject({ name: z.literal('sinso'), version: z.string() }),
  profile: z.strictObject({ name: z.string(), dateShift: z.boolean(), rules: z.number().int() }),
  settings: z.strictObject({
    leakScan: z.boolean(),
    maxDateShiftDays: z.number().int(),
    /** The year the over-89 rule was judged against (absent for a rules file, or data without dates). */
    asOfYear: z.number().int().optional(),
    /** Where it came from: `--as-of-year`, or the latest year in the data. */
    asOfYearSource: z.enum(['option', 'data']).optional(),
    secretFingerprint: z.string(),
    configSha256: z.string().optional(),
    /** Where identifiers without a system belong, and the map shared with deid dicom (no identifier). */
    patientIdNamespace: PatientIdNamespaceSchema,
  }),
  counts: z.strictObject({
    inputs: z.number().int(),
    deidentified: z.number().int(),
    rejected: z.number().int(),
    skipped: z.number().int(),
    resourcesIn: z.number().int(),
    resourcesOut: z.number().int(),
  }),
  resourcesByType: z.record(z.string(), z.number().int()),
  inputs: z.array(
    z.strictObject({
      ordinal: z.number().int().min(1),
      status: z.enum(['deidentified', 'rejected', 'skipped']),
      resources: z.number().int().optional(),
      reason: z.string().optional(),
    }),
  ),
});
export type DeidFhirReport = z.infer<typeof DeidFhirReportSchema>;
