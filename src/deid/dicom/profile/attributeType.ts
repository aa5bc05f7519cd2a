/**
 * What we know of an attribute's Type (PS3.5 7.4) for the rows of Table E.1-1 whose Basic Profile
 * action is a compound (`Z/D`, `X/Z`, `X/D`, `X/Z/D`, `X/Z/U*`).
 *
 * The engine works per tag, not per SOP Class, so the Type that matters is the *strictest* one the
 * attribute has in any composite IOD of PS3.3: that choice keeps every IOD valid. `type` is that
 * strictest Type where we know it reliably (1C counts as 1, 2C as 2), and `undefined` where we do
 * not; then `resolveBasicAction` takes the safe choice (the one that keeps any IOD valid without
 * keeping data). `basis` says where the Type comes from, or what is known when `type` is undefined.
 */
export type AttributeTypeInfo = {
  /** Keyword-like name, for reading. */
  name: string;
  /** VR from PS3.6 (checked against the dcmjs dictionary by the tests). */
  vr: string;
  /** Strictest Type across the composite IODs of PS3.3, when known reliably. */
  type: 1 | 2 | 3 | undefined;
  /** Where the Type comes from (PS3.3 module), or what is known. */
  basis: string;
};

const unknownStrictest = 'strictest Type across IODs not known reliably here';

/**
 * Every compound row of PS3.15 2024b Table E.1-1 (49 rows), by tag.
 *
 * @example
 * COMPOUND_ATTRIBUTE_TYPES.get(0x00080023)?.type; // 1 (Content Date)
 */
export const COMPOUND_ATTRIBUTE_TYPES: ReadonlyMap<number, AttributeTypeInfo> = new Map<
  number,
  AttributeTypeInfo
>([
  // X/Z
  [
    0x00400555,
    { name: 'AcquisitionContextSequence', vr: 'SQ', type: 2, basis: 'Acquisition Context Module: Type 2' },
  ],
  [
    0x00080022,
    {
      name: 'AcquisitionDate',
      vr: 'DA',
      type: 2,
      basis: 'PET Image Module: Type 2 (General Image/Acquisition: 3)',
    },
  ],
  [
    0x00080032,
    {
      name: 'AcquisitionTime',
      vr: 'TM',
      type: 2,
      basis: 'PET Image Module: Type 2 (General Image/Acquisition: 3)',
    },
  ],
  [0x22000005, { name: 'BarcodeValue', vr: 'LT', type: undefined, basis: unknownStrictest }],
  [0x22000002, { name: 'LabelText', vr: 'UT', type: undefined, basis: unknownStrictest }],
  [0x00102203, { name: 'PatientSexNeutered', vr: 'CS', type: 2, basis: 'Patient Module: Type 2C (animals)' }],
  [
    0x00081110,
    {
      name: 'ReferencedStudySequence',
      vr: 'SQ',
      type: undefined,
      basis: `General Study Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [0x00321060, { name: 'RequestedProcedureDescription', vr: 'LO', type: undefined, basis: unknownStrictest }],
  [0x300e0008, { name: 'ReviewerName', vr: 'PN', type: 2, basis: 'Approval Module: Type 2C' }],
  [0x30080105, { name: 'SourceSerialNumber', vr: 'LO', type: undefined, basis: unknownStrictest }],
  [
    0x300a00b2,
    {
      name: 'TreatmentMachineName',
      vr: 'SH',
      type: 2,
      basis: 'RT Beams Module (Beam Sequence item): Type 2',
    },
  ],
  // Z/D
  [
    0x00700084,
    {
      name: 'ContentCreatorName',
      vr: 'PN',
      type: undefined,
      basis: `Content Identification Macro: Type 2; ${unknownStrictest}`,
    },
  ],
  [
    0x00080023,
    {
      name: 'ContentDate',
      vr: 'DA',
      type: 1,
      basis: 'Multi-frame Functional Groups and SR Document General Modules: Type 1',
    },
  ],
  [
    0x00080033,
    {
      name: 'ContentTime',
      vr: 'TM',
      type: 1,
      basis: 'Multi-frame Functional Groups and SR Document General Modules: Type 1',
    },
  ],
  [
    0x00180010,
    {
      name: 'ContrastBolusAgent',
      vr: 'LO',
      type: undefined,
      basis: `Contrast/Bolus Module: Type 2; ${unknownStrictest}`,
    },
  ],
  [0x00189919, { name: 'InstructionPerformedDateTime', vr: 'DT', type: undefined, basis: unknownStrictest }],
  [
    0x00100020,
    {
      name: 'PatientID',
      vr: 'LO',
      type: undefined,
      basis: `Patient Module: Type 2; also inside items of sequences the profile keeps (e.g. Group of Patients Identification Sequence); ${unknownStrictest}`,
    },
  ],
  // X/D
  [
    0x00181400,
    {
      name: 'AcquisitionDeviceProcessingDescription',
      vr: 'LO',
      type: undefined,
      basis: `DX Image Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x0018700c,
    {
      name: 'DateOfLastDetectorCalibration',
      vr: 'DA',
      type: undefined,
      basis: `DX Detector Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x0018700a,
    {
      name: 'DetectorID',
      vr: 'SH',
      type: undefined,
      basis: `DX Detector Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [0x00189517, { name: 'EndAcquisitionDateTime', vr: 'DT', type: undefined, basis: unknownStrictest }],
  [0x30080054, { name: 'FirstTreatmentDate', vr: 'DA', type: undefined, basis: unknownStrictest }],
  [
    0x00080012,
    {
      name: 'InstanceCreationDate',
      vr: 'DA',
      type: undefined,
      basis: `SOP Common Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [0x3010004d, { name: 'IntendedPhaseEndDate', vr: 'DA', type: undefined, basis: unknownStrictest }],
  [0x3010004c, { name: 'IntendedPhaseStartDate', vr: 'DA', type: undefined, basis: unknownStrictest }],
  [0x30080056, { name: 'MostRecentTreatmentDate', vr: 'DA', type: undefined, basis: unknownStrictest }],
  [
    0x0040a032,
    { name: 'ObservationDateTime', vr: 'DT', type: 1, basis: 'SR Document Content Module: Type 1C' },
  ],
  [
    0x00081072,
    {
      name: 'OperatorIdentificationSequence',
      vr: 'SQ',
      type: undefined,
      basis: `General Series Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x00181030,
    {
      name: 'ProtocolName',
      vr: 'LO',
      type: undefined,
      basis: `General Series Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x300a0006,
    {
      name: 'RTPlanDate',
      vr: 'DA',
      type: undefined,
      basis: `RT General Plan Module: Type 2; ${unknownStrictest}`,
    },
  ],
  [
    0x300a0007,
    {
      name: 'RTPlanTime',
      vr: 'TM',
      type: undefined,
      basis: `RT General Plan Module: Type 2; ${unknownStrictest}`,
    },
  ],
  [0x30100056, { name: 'RTTreatmentApproachLabel', vr: 'LO', type: undefined, basis: unknownStrictest }],
  [
    0x00080021,
    {
      name: 'SeriesDate',
      vr: 'DA',
      type: undefined,
      basis: `General Series Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x00080031,
    {
      name: 'SeriesTime',
      vr: 'TM',
      type: undefined,
      basis: `General Series Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [0x00189516, { name: 'StartAcquisitionDateTime', vr: 'DT', type: undefined, basis: unknownStrictest }],
  [
    0x0018700e,
    {
      name: 'TimeOfLastDetectorCalibration',
      vr: 'TM',
      type: undefined,
      basis: `DX Detector Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [0x30080250, { name: 'TreatmentDate', vr: 'DA', type: undefined, basis: unknownStrictest }],
  [0x30100077, { name: 'TreatmentSite', vr: 'LO', type: undefined, basis: unknownStrictest }],
  [0x30080251, { name: 'TreatmentTime', vr: 'TM', type: undefined, basis: unknownStrictest }],
  // X/Z/D
  [
    0x0008002a,
    {
      name: 'AcquisitionDateTime',
      vr: 'DT',
      type: 1,
      basis: 'Enhanced MR/CT Image Modules: Type 1C; Ophthalmic Photography Image Module: Type 1',
    },
  ],
  [
    0x00181000,
    {
      name: 'DeviceSerialNumber',
      vr: 'LO',
      type: 1,
      basis: 'Enhanced General Equipment Module: Type 1 (General Equipment: 3)',
    },
  ],
  [
    0x00080013,
    {
      name: 'InstanceCreationTime',
      vr: 'TM',
      type: undefined,
      basis: `SOP Common Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [0x00080082, { name: 'InstitutionCodeSequence', vr: 'SQ', type: undefined, basis: unknownStrictest }],
  [
    0x00080080,
    {
      name: 'InstitutionName',
      vr: 'LO',
      type: undefined,
      basis: `General Equipment Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x00081070,
    {
      name: 'OperatorsName',
      vr: 'PN',
      type: undefined,
      basis: `General Series Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x00081111,
    {
      name: 'ReferencedPerformedProcedureStepSequence',
      vr: 'SQ',
      type: undefined,
      basis: `General Series Module: Type 3; ${unknownStrictest}`,
    },
  ],
  [
    0x00081010,
    {
      name: 'StationName',
      vr: 'SH',
      type: undefined,
      basis: `General Equipment Module: Type 3; ${unknownStrictest}`,
    },
  ],
  // X/Z/U*
  [
    0x00081140,
    {
      name: 'ReferencedImageSequence',
      vr: 'SQ',
      type: undefined,
      basis: `General Image Module: Type 3; Type 1/1C inside other sequences; ${unknownStrictest}`,
    },
  ],
  [
    0x00082112,
    {
      name: 'SourceImageSequence',
      vr: 'SQ',
      type: undefined,
      basis: `General Image Module: Type 3; Type 1 inside Derivation Image Sequence items; ${unknownStrictest}`,
    },
  ],
]);

/**
 * The Type information of a compound row's attribute, or undefined for any other tag.
 *
 * @example
 * attributeType(0x00181000); // { name: 'DeviceSerialNumber', vr: 'LO', type: 1, basis: '…' }
 * attributeType(0x00100010); // undefined (Patient's Name is a plain Z row)
 */
export function attributeType(tag: number): AttributeTypeInfo | undefined {
  return COMPOUND_ATTRIBUTE_TYPES.get(tag >>> 0);
}
