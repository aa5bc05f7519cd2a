import { z } from 'zod';
import { defineStage } from '../../core/stage.js';
import { INGEST_FHIR_REPORT, ingestFhir } from './fetchFhir.js';
import { IngestFhirOptionsSchema, IngestFhirReportHeadSchema } from './schema.js';

/** What `ingest.fhir` reports. */
export const IngestFhirResultSchema = z.strictObject({
  mode: z.string().describe('mode'),
  types: z.number().int().describe('resource types'),
  resources: z.number().int().describe('resources'),
  pages: z.number().int().describe('pages'),
  downloads: z.number().int().describe('downloads'),
});

/**
 * `ingest.fhir` / `sinso ingest fhir --server URL --out DIR [--type T]... [--since DATE]`: fetches
 * FHIR resources from a server (search paging or Bulk Data $export) into one NDJSON file per type.
 *
 * @example
 * createRegistry([ingestFhirStage]);
 */
export const ingestFhirStage = defineStage({
  name: 'ingest.fhir',
  version: '1',
  summary: 'Fetch FHIR resources from a server (search or Bulk Data $export) into NDJSON per type',
  options: IngestFhirOptionsSchema,
  result: IngestFhirResultSchema,
  inputs: [],
  outputs: ['out'],
  // a failed fetch keeps what it got (OUT.partial): re-fetching from a server is costly
  keepsPartialOutput: true,
  marker: { file: INGEST_FHIR_REPORT, schema: IngestFhirReportHeadSchema },
  output: { deterministic: true },
  cli: {
    description:
      'Pulls resources from a FHIR R4 server into one NDJSON file per type: Bulk Data $export (kick-off, poll, download) where the server advertises it, else search with paging. Network errors and HTTP errors are clear errors that name the step and status, never the response body; what was already fetched is kept in OUT.partial.',
    examples: [
      'sinso ingest fhir --server https://fhir.example.org/r4 --out raw/',
      'sinso ingest fhir --server http://127.0.0.1:8080/fhir --out raw/ --type Patient --type Observation --since 2024-01-01',
    ],
  },
  async run(ctx, o) {
    const { report } = await ingestFhir(ctx, o);
    return {
      summary: {
        mode: report.mode,
        types: report.types.length,
        resources: report.totals.resources,
        pages: report.totals.pages,
        downloads: report.totals.downloads,
      },
    };
  },
});
