export { advertisesExport } from './advertisesExport.js';
export { IngestFhirError, type IngestFhirErrorType, ingestFhirErrors } from './errors.js';
export {
  INGEST_FHIR_REPORT,
  type IngestFhirContext,
  type IngestFhirReturnType,
  ingestFhir,
} from './fetchFhir.js';
export { operationOutcomeCodes } from './operationOutcomeCodes.js';
export { parseRetryAfter } from './parseRetryAfter.js';
export {
  type BulkManifest,
  BulkManifestSchema,
  DEFAULT_FHIR_TYPES,
  FhirResourceTypeSchema,
  type IngestFhirOptions,
  IngestFhirOptionsSchema,
  type IngestFhirParameters,
  type IngestFhirReport,
  type IngestFhirStep,
  type IngestFhirTypeReport,
} from './schema.js';
export { type SplitServerUrlReturnType, splitServerUrl } from './splitServerUrl.js';
export { ingestFhirStage } from './stage.js';
