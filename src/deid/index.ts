export { deidentifyDicomFiles } from './dicom/deidentifyDicomFiles.js';
export {
  type DeidentifyContext,
  type DeidentifyFileReturnType,
  deidentifyFile,
  SINSO_IMPLEMENTATION_CLASS_UID,
} from './dicom/deidentifyFile.js';
export { findLeaks } from './dicom/findLeaks.js';
export { blankRectangles, findPixelRule, type PixelRule, PixelRulesFileSchema } from './dicom/pixelRules.js';
export { BURNED_IN_RISK_MODALITIES, processDicom } from './dicom/processDicom.js';
export {
  type DeidDicomOptions,
  DeidDicomOptionsSchema,
  type DeidDicomReport,
  DeidDicomReportSchema,
} from './dicom/schema.js';
export { shiftDicomDate, shiftDicomDateTime } from './dicom/shiftDates.js';
export { deidDicomStage } from './dicom/stage.js';
export { DeidError, type DeidErrorType, deidErrors } from './errors.js';
export { FhirDeidError, type FhirDeidErrorType, fhirDeidErrors } from './fhir/engine/errors.js';
