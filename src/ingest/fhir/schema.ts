import { z } from 'zod';
import type { ErrorCode } from '../../core/errors/index.js';

/** A FHIR resource type name, as it appears in URLs and file names (`Patient`, `MedicationRequest`). */
export const FhirResourceTypeSchema = z.string().regex(/^[A-Z][A-Za-z]+$/);

/** The types fetched when `--type` is not given. */
export const DEFAULT_FHIR_TYPES: readonly string[] = [
  'Patient',
  'Encounter',
  'Observation',
  'Condition',
  'MedicationRequest',
  'ImagingStudy',
  'Procedure',
  'AllergyIntolerance',
  'Immunization',
  'DiagnosticReport',
  'Practitioner',
  'Organization',
];

/**
 * Options of `sinso ingest fhir` / the `ingest.fhir` stage. CLI flags are derived from this
 * schema (`--server`, `--out`, `--type` (repeatable), `--since`, `--mode`, `--page-size`, ...).
 */
export const IngestFhirOptionsSchema = z.strictObject({
  server: z
    .url({ protocol: /^https?$/ })
    .describe(
      'FHIR server base URL (e.g. https://fhir.example.org/r4); user:password@ in the URL is sent as basic auth',
    ),
  out: z
    .string()
    .min(1)
    .describe('Output folder: one <Type>.ndjson per resource type, plus ingest-report.json'),
  type: z
    .array(FhirResourceTypeSchema)
    .default([])
    .describe(`Resource types to fetch (repeatable); default: ${DEFAULT_FHIR_TYPES.join(', ')}`),
  since: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .optional()
    .describe(
      'Only resources changed since this date or dateTime with a time zone (search: _lastUpdated=ge; $export: _since, a date meaning 00:00 UTC)',
    ),
  mode: z
    .enum(['auto', 'search', 'export'])
    .default('auto')
    .describe(
      'auto: Bulk Data $export when the CapabilityStatement advertises it, else search; search: paged REST search; export: $export only',
    ),
  pageSize: z.number().int().min(1).max(10_000).default(500).describe('Search page size (_count)'),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .default(30_000)
    .describe('Milliseconds to wait for a response, or between chunks of a download, before giving up'),
  pollIntervalMs: z
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe('Milliseconds between $export status polls when the server sends no Retry-After'),
  maxPolls: z
    .number()
    .int()
    .min(1)
    .default(600)
    .describe('Give up on an $export after this many status polls'),
});
export type IngestFhirOptions = z.output<typeof IngestFhirOptionsSchema>;
/** The options as a caller may write them (defaults not yet applied). */
export type IngestFhirParameters = z.input<typeof IngestFhirOptionsSchema>;

/** The Bulk Data completion manifest (only the fields sinso reads; no PHI). */
export const BulkManifestSchema = z.looseObject({
  requiresAccessToken: z.boolean().optional(),
  output: z.array(z.looseObject({ type: FhirResourceTypeSchema, url: z.string().min(1) })),
  error: z.array(z.looseObject({ type: z.string(), url: z.string().min(1) })).default([]),
});
export type BulkManifest = z.output<typeof BulkManifestSchema>;

/** How far one resource type got. */
export type IngestFhirTypeReport = {
  type: string;
  /** `complete`: `<Type>.ndjson` holds it all; `partial`: the run failed while fetching it. */
  status: 'complete' | 'partial' | 'not-fetched';
  /** The file under the output folder, or null when nothing was written. */
  file: string | null;
  /** Resources written to `file`. */
  resources: number;
  /** Search pages received (search mode). */
  pages: number;
  /** Files downloaded (export mode). */
  downloads: number;
};

/**
 * `ingest-report.json`: what was fetched, by counts only. Holds the server's origin (never
 * credentials, path or query) and no resource content. Deterministic for a deterministic server
 * (no timestamps, no poll counts).
 */
export type IngestFhirReport = {
  schema: '1';
  kind: 'sinso-fhir-ingest';
  server: string;
  /** The mode asked for, and the one used (`auto` resolves to one of the others). */
  requestedMode: 'auto' | 'search' | 'export';
  mode: 'search' | 'export';
  since: string | null;
  pageSize: number;
  status: 'complete' | 'failed';
  types: IngestFhirTypeReport[];
  totals: { resources: number; pages: number; downloads: number };
  /** $export only: the manifest's error files (OperationOutcome), tallied by `issue.code`. */
  exportErrors?: { files: number; issues: number; issueCodes: Record<string, number> };
  /** Set when auto mode tried $export and the kick-off was refused, so it fell back to search. */
  exportFallbackStatus?: number;
  /** Set when the run failed: which step, the error code, and the HTTP status if any. */
  failure?: { type: string | null; step: IngestFhirStep; code: ErrorCode; httpStatus: number | null };
};

/** The steps of an ingest, named in errors and in the report. */
export type IngestFhirStep = 'capabilities' | 'search' | 'kick-off' | 'poll' | 'download' | 'write';

/** The output marker of `ingest.fhir`: enough to recognise an earlier output of this stage. */
export const IngestFhirReportHeadSchema = z.looseObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-fhir-ingest'),
});
