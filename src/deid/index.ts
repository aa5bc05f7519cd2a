export { type DeidDicomReport, DeidDicomReportSchema } from '../core/schemas/deidDicomReport.js';
export { readPatientIdNamespace } from './adapters/readPatientIdNamespace.js';
export { deidentifyDicomFiles } from './dicom/deidentifyDicomFiles.js';
export {
  type DeidentifyContext,
  type DeidentifyFileReturnType,
  deidentifyFile,
  SINSO_IMPLEMENTATION_CLASS_UID,
  UNMAPPED_ISSUER_REASON,
} from './dicom/deidentifyFile.js';
export { findLeaks } from './dicom/findLeaks.js';
export { blankRectangles, findPixelRule, type PixelRule, PixelRulesFileSchema } from './dicom/pixelRules.js';
export { BURNED_IN_RISK_MODALITIES, processDicom } from './dicom/processDicom.js';
export { DeidDicomOptionSchema } from './dicom/profile/index.js';
export {
  type DeidDicomOptions,
  DeidDicomOptionsSchema,
  type DeidDicomResult,
  DeidDicomResultSchema,
} from './dicom/schema.js';
export { shiftDicomDate, shiftDicomDateTime } from './dicom/shiftDates.js';
export { deidDicomStage } from './dicom/stage.js';
export { verifyDeidentified } from './dicom/verifyDeidentified.js';
export { DeidError, type DeidErrorType, deidErrors } from './errors.js';
export { deidentifyFhirFiles } from './fhir/deidentifyFhirFiles.js';
export { FhirDeidError, type FhirDeidErrorType, fhirDeidErrors } from './fhir/engine/errors.js';
export {
  type DeidFhirOptions,
  DeidFhirOptionsSchema,
  type DeidFhirResult,
  DeidFhirResultSchema,
} from './fhir/schema.js';
export { deidFhirStage } from './fhir/stage.js';
export { IssuerMapFileSchema, parseIssuerMap } from './parseIssuerMap.js';
export {
  createPatientIdNamespace,
  IssuerMapOptionSchema,
  type PatientIdNamespaceResolver,
  type PatientIdNamespaceSettings,
  PatientIdSystemOptionSchema,
  SHARED_NAMESPACE,
} from './patientIdNamespace.js';
