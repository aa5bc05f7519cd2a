import type { Place } from './places.js';

/**
 * The generator's plain data model: everything drawn for an owner or a patient, before it is
 * rendered as FHIR resources or DICOM files. Times are local wall-clock milliseconds (see
 * `time.ts`); the owner's `place.offset` turns them into FHIR dateTimes.
 */

export type Sex = 'male' | 'female';
export type SynthModality = 'CT' | 'MR';
export type SynthBodyPart = 'CHEST' | 'ABDOMEN' | 'HEAD';

export type SynthName = {
  family: string;
  given: string;
  middle?: string | undefined;
  prefix?: string | undefined;
  suffix?: string | undefined;
};

export type SynthPractitioner = {
  id: string;
  npi: string;
  sex: Sex;
  name: SynthName;
  phone: string;
  email: string;
};

export type SynthScanner = {
  modality: SynthModality;
  manufacturer: string;
  model: string;
  serial: string;
  station: string;
  software: string;
};

export type SynthOwner = {
  /** 1-based owner number. */
  number: number;
  /** `owner-001`. */
  id: string;
  organizationId: string;
  name: string;
  npi: string;
  place: Place;
  addressLine: string;
  postalCode: string;
  phone: string;
  /** `http://owner-001.example.org/mrn`. */
  mrnSystem: string;
  /**
   * The short local name of the MRN's assigning authority, `SITE001`: what devices that set
   * IssuerOfPatientID write there (a site code, as in real archives — never the FHIR system URL).
   */
  siteCode: string;
  /** Base URL of the owner's identifier systems, `http://owner-001.example.org`. */
  systemBase: string;
  /** Added to the MRN bijection so owners' MRNs differ. */
  mrnOffset: number;
  /** DICOM SourceApplicationEntityTitle (at most 16 characters). */
  aeTitle: string;
  practitioners: readonly SynthPractitioner[];
  scanners: { CT: SynthScanner; MR: SynthScanner };
};

export type ObservationKind = 'hba1c' | 'glucose' | 'bmi' | 'weight' | 'height' | 'bp';

export type SynthObservation = {
  id: string;
  kind: ObservationKind;
  value: number;
  /** Diastolic pressure for `bp`. */
  value2?: number | undefined;
  effectiveMs: number;
  issuedMs: number;
  note?: string | undefined;
};

export type SynthEncounter = {
  id: string;
  visitNumber: string;
  startMs: number;
  endMs: number;
  typeIndex: number;
  /** Index into the owner's practitioners. */
  practitioner: number;
  observations: readonly SynthObservation[];
};

export type SynthCondition = {
  id: string;
  kind: 'diabetes' | 'hypertension';
  onsetMs: number;
  /** Index of the encounter where it was recorded. */
  encounter: number;
};

export type SynthMedication = {
  id: string;
  kind: 'metformin' | 'lisinopril';
  encounter: number;
  authoredMs: number;
  requester: number;
};

export type SynthSeries = {
  uid: string;
  number: number;
  description: string;
  /** Rows = columns. */
  size: number;
  fovMm: number;
  sliceThicknessMm: number;
  zStartMm: number;
  startMs: number;
  instanceUids: readonly string[];
  /** Seeds the phantom's anatomy variations. */
  phantomSeed: number;
  /** CT tube voltage, or MR TR/TE in ms. */
  kvp: number;
  repetitionTime: number;
  echoTime: number;
  /**
   * The device that made the series writes IssuerOfPatientID (the owner's site code). As in real
   * archives, some of a patient's objects carry the issuer and others do not.
   */
  writesIssuer: boolean;
};

export type SynthStudy = {
  /** ImagingStudy resource id. */
  id: string;
  uid: string;
  accession: string;
  studyId: string;
  encounter: number;
  startMs: number;
  modality: SynthModality;
  bodyPart: SynthBodyPart;
  description: string;
  operator: SynthName;
  /** Index into the owner's practitioners. */
  performer: number;
  requestedProcedureId: string;
  scheduledStepId: string;
  frameOfReferenceUid: string;
  fieldStrength: number;
  comment: string;
  series: readonly SynthSeries[];
};

export type SynthAddress = {
  line: readonly string[];
  place: Place;
  postalCode: string;
};

export type SynthContact = {
  relationship: 'N' | 'C';
  name: SynthName;
  phone: string;
};

export type SynthPatient = {
  /** Global 0-based index (the RNG label). */
  index: number;
  /** 0-based index within its owner. */
  localIndex: number;
  id: string;
  mrn: string;
  ssn: string;
  driversLicense?: { system: string; value: string } | undefined;
  sex: Sex;
  birthMs: number;
  /** Completed years at asOf (the `age` feature). */
  age: number;
  name: SynthName;
  usualGiven?: string | undefined;
  homePhone?: string | undefined;
  mobilePhone: string;
  email?: string | undefined;
  address: SynthAddress;
  maritalStatus: string;
  race: number;
  ethnicity: number;
  contact?: SynthContact | undefined;
  /** Index into the owner's practitioners. */
  generalPractitioner: number;
  heightCm: number;
  bmi: number;
  hba1c: number;
  diabetes: boolean;
  hypertension: boolean;
  encounters: readonly SynthEncounter[];
  conditions: readonly SynthCondition[];
  medications: readonly SynthMedication[];
  study?: SynthStudy | undefined;
};
