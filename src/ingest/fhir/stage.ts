import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStage } from '../../core/stage.js';
import { INGEST_FHIR_REPORT, ingestFhir } from './fetchFhir.js';
import { IngestFhirOptionsSchema, IngestFhirReportHeadSchema } from './schema.js';

/**
 * `ingest.fhir` / `sinso ingest fhir --server URL --out DIR [--type T]... [--since DATE]`: fetches
 * FHIR resources from a server (search paging or Bulk Data $export) into one NDJSON file per type.
 *
 * @example
 * registry.add(ingestFhirStage);
 */
export const ingestFhirStage = defineStage({
  name: 'ingest.fhir',
  version: '1',
  summary: 'Fetch FHIR resources from a server (search or Bulk Data $export) into NDJSON per type',
  options: IngestFhirOptionsSchema,
  inputs: [],
  outputs: ['out'],
  needsKeys: false,
  // a failed fetch keeps what it got (OUT.partial): re-fetching from a server is costly
  keepsPartialOutput: true,
  output: { deterministic: true },
  /** A folder holding a report of this stage is an earlier output of it. */
  async ownsOutput(_key, path) {
    try {
      const json: unknown = JSON.parse(await readFile(join(path, INGEST_FHIR_REPORT), 'utf8'));
      return IngestFhirReportHeadSchema.safeParse(json).success;
    } catch {
      return false;
    }
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
