export {
  SYNTH_RESOURCE_TYPES,
  type SynthManifest,
  SynthManifestSchema,
  type SynthResourceType,
  type SynthSettings,
  SynthSettingsSchema,
} from '../core/schemas/synthManifest.js';
export {
  type CreateNdjsonSinkParameters,
  type CreateNdjsonSinkReturnType,
  createNdjsonSink,
  type NdjsonSink,
} from './adapters/createNdjsonSink.js';
export {
  type CreateWriteQueueParameters,
  type CreateWriteQueueReturnType,
  createWriteQueue,
  type WriteQueue,
} from './adapters/createWriteQueue.js';
export { buildObservation, type ObservationContext, serializeObservation } from './buildObservation.js';
export {
  type BuildOwnerResourcesParameters,
  type BuildOwnerResourcesReturnType,
  buildOwnerResources,
  type FhirJson,
} from './buildOwnerResources.js';
export {
  type BuildPatientResourcesParameters,
  type BuildPatientResourcesReturnType,
  buildPatientResources,
  observationContext,
  SOP_CLASS,
  serializePatientObservations,
} from './buildPatientResources.js';
export { type DrawBaselineParameters, type DrawBaselineReturnType, drawBaseline } from './drawBaseline.js';
export { drawUid } from './drawUid.js';
export { drawUuid } from './drawUuid.js';
export {
  type EncodeDicomParameters,
  type EncodeDicomReturnType,
  EXPLICIT_VR_LITTLE_ENDIAN,
  encodeDicom,
  SINSO_IMPLEMENTATION_CLASS_UID,
  SINSO_SYNTH_IMPLEMENTATION_VERSION,
} from './encodeDicom.js';
export {
  type DicomBytesVr,
  type DicomElement,
  type DicomNumberVr,
  type DicomStringVr,
  type DicomVr,
  type EncodedElement,
  type EncodeElementReturnType,
  elementLength,
  encodeElement,
  writeElement,
} from './encodeElement.js';
export {
  type EncodedSlice,
  type EncodeSeriesParameters,
  type EncodeSeriesReturnType,
  encodeSeries,
} from './encodeSeries.js';
export { SynthError, type SynthErrorType, synthErrors } from './errors.js';
export {
  type GenerateOwnerParameters,
  type GenerateOwnerReturnType,
  generateOwner,
} from './generateOwner.js';
export {
  type GeneratePatientParameters,
  type GeneratePatientReturnType,
  generatePatient,
  type ImagingSettings,
} from './generatePatient.js';
export type {
  Sex,
  SynthBodyPart,
  SynthCondition,
  SynthEncounter,
  SynthMedication,
  SynthModality,
  SynthName,
  SynthObservation,
  SynthOwner,
  SynthPatient,
  SynthPractitioner,
  SynthScanner,
  SynthSeries,
  SynthStudy,
} from './model.js';
export { type Phantom, type PhantomShape, type PlanPhantomParameters, planPhantom } from './planPhantom.js';
export { type RenderPhantomParameters, renderPhantom } from './renderPhantom.js';
export { type SynthOptions, type SynthOptionsInput, SynthOptionsSchema } from './schema.js';
export { DIABETES_MODEL, HYPERTENSION_MODEL, SIGNAL_FEATURES, type SignalFeature } from './signal.js';
export {
  type PatientRange,
  type SplitPatientsParameters,
  type SplitPatientsReturnType,
  splitPatients,
} from './splitPatients.js';
export { synthStage } from './stage.js';
export {
  isSynthOutput,
  SYNTH_VERSION,
  type SynthesizeContext,
  type SynthesizeErrorType,
  type SynthesizeParameters,
  type SynthesizeReturnType,
  synthesize,
} from './synthesize.js';
