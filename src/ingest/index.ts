export { type WalkedInput, walkInputs } from '../core/walkInputs.js';
export {
  INGEST_FHIR_REPORT,
  IngestFhirError,
  type IngestFhirOptions,
  IngestFhirOptionsSchema,
  ingestFhir,
  ingestFhirStage,
} from './fhir/index.js';
export { type ScanInputsReturnType, scanInputs } from './scanInputs.js';
export { type ScanOptions, ScanOptionsSchema } from './schema.js';
export { type DicomSniff, sniffDicom } from './sniffDicom.js';
export { scanStage } from './stage.js';
