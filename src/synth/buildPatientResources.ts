import { buildObservation, type ObservationContext, serializeObservation } from './buildObservation.js';
import type { FhirJson } from './buildOwnerResources.js';
import { nameText } from './draw.js';
import type { SynthBodyPart, SynthOwner, SynthPatient } from './model.js';
import { formatDate, formatDateTime } from './time.js';

export type BuildPatientResourcesParameters = {
  patient: SynthPatient;
  owner: SynthOwner;
  /** Leave `Observation` empty (the caller serialises them with `serializePatientObservations`). */
  skipObservations?: boolean | undefined;
};

/** A patient's FHIR resources grouped by type (Patient first, then in reference order). */
export type BuildPatientResourcesReturnType = {
  Patient: FhirJson;
  Encounter: FhirJson[];
  Observation: FhirJson[];
  Condition: FhirJson[];
  MedicationRequest: FhirJson[];
  ImagingStudy: FhirJson[];
};

const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

const concept = (system: string, code: string, display: string, text = display) => ({
  coding: [{ system, code, display }],
  text,
});

const ENCOUNTER_CLASS = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  code: 'AMB',
  display: 'ambulatory',
};
const ENCOUNTER_TYPES = [
  [concept(SNOMED, '185349003', 'Encounter for check up (procedure)', 'Check-up')],
  [concept(SNOMED, '162673000', 'General examination of patient (procedure)', 'General examination')],
  [concept(SNOMED, '390906007', 'Follow-up encounter (procedure)', 'Follow-up')],
];
const PPRF = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
        code: 'PPRF',
        display: 'primary performer',
      },
    ],
  },
];

const CONDITION = {
  diabetes: concept(SNOMED, '44054006', 'Diabetes mellitus type 2 (disorder)', 'Type 2 diabetes mellitus'),
  hypertension: concept(
    SNOMED,
    '38341003',
    'Hypertensive disorder, systemic arterial (disorder)',
    'Hypertension',
  ),
};
const CLINICAL_ACTIVE = concept(
  'http://terminology.hl7.org/CodeSystem/condition-clinical',
  'active',
  'Active',
);
const VERIFICATION_CONFIRMED = concept(
  'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  'confirmed',
  'Confirmed',
);
const PROBLEM_LIST = [
  concept(
    'http://terminology.hl7.org/CodeSystem/condition-category',
    'problem-list-item',
    'Problem List Item',
  ),
];

const MEDICATION = {
  metformin: {
    code: concept(
      RXNORM,
      '860975',
      '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet',
      'Metformin ER 500 mg tablet',
    ),
    dosage: [
      {
        sequence: 1,
        text: 'Take 1 tablet by mouth once daily with the evening meal.',
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
        route: concept(SNOMED, '26643006', 'Oral route'),
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
      },
    ],
  },
  lisinopril: {
    code: concept(RXNORM, '314076', 'lisinopril 10 MG Oral Tablet', 'Lisinopril 10 mg tablet'),
    dosage: [
      {
        sequence: 1,
        text: 'Take 1 tablet by mouth once daily.',
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
        route: concept(SNOMED, '26643006', 'Oral route'),
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
      },
    ],
  },
};

const RACE: readonly [string, string, string][] = [
  ['urn:oid:2.16.840.1.113883.6.238', '2106-3', 'White'],
  ['urn:oid:2.16.840.1.113883.6.238', '2054-5', 'Black or African American'],
  ['urn:oid:2.16.840.1.113883.6.238', '2028-9', 'Asian'],
  ['urn:oid:2.16.840.1.113883.6.238', '1002-5', 'American Indian or Alaska Native'],
  ['urn:oid:2.16.840.1.113883.6.238', '2076-8', 'Native Hawaiian or Other Pacific Islander'],
  ['http://terminology.hl7.org/CodeSystem/v3-NullFlavor', 'UNK', 'Unknown'],
];
const ETHNICITY: readonly [string, string][] = [
  ['2135-2', 'Hispanic or Latino'],
  ['2186-5', 'Not Hispanic or Latino'],
];
const MARITAL: Record<string, string> = {
  M: 'Married',
  S: 'Never Married',
  D: 'Divorced',
  W: 'Widowed',
  U: 'unmarried',
};
const BODY_SITE: Record<SynthBodyPart, { system: string; code: string; display: string }> = {
  CHEST: { system: SNOMED, code: '51185008', display: 'Thoracic structure' },
  ABDOMEN: { system: SNOMED, code: '818981001', display: 'Abdomen' },
  HEAD: { system: SNOMED, code: '69536005', display: 'Head structure' },
};
/** SOP classes: CT Image Storage, MR Image Storage. */
export const SOP_CLASS = { CT: '1.2.840.10008.5.1.4.1.1.2', MR: '1.2.840.10008.5.1.4.1.1.4' } as const;

type Ref = { reference: string; display: string };
const refCache = new WeakMap<SynthOwner, { organization: Ref; practitioners: Ref[] }>();

/** References to an owner's Organization and Practitioners, built once per owner. */
function ownerRefs(owner: SynthOwner): { organization: Ref; practitioners: Ref[] } {
  let r = refCache.get(owner);
  if (!r) {
    r = {
      organization: { reference: `Organization/${owner.organizationId}`, display: owner.name },
      practitioners: owner.practitioners.map((pr) => ({
        reference: `Practitioner/${pr.id}`,
        display: nameText(pr.name),
      })),
    };
    refCache.set(owner, r);
  }
  return r;
}

/** The references an encounter's Observations carry, as objects and as JSON text. */
export function observationContext(
  tz: string,
  subject: { reference: string },
  encounter: { reference: string },
  performer: Ref | undefined,
): ObservationContext {
  return {
    tz,
    subject,
    encounter,
    performer,
    subjectJson: JSON.stringify(subject),
    encounterJson: JSON.stringify(encounter),
    performerJson: performer === undefined ? 'null' : JSON.stringify(performer),
  };
}

/**
 * Every Observation of a patient as NDJSON-ready JSON text (no newline), in the same order and
 * with the same bytes as `JSON.stringify` of `buildPatientResources(...).Observation`.
 *
 * @example
 * for (const line of serializePatientObservations({ patient, owner })) sink.writeLine('Observation', line);
 */
export function serializePatientObservations({
  patient: p,
  owner,
}: BuildPatientResourcesParameters): string[] {
  const refs = ownerRefs(owner);
  const subject = { reference: `Patient/${p.id}` };
  const out: string[] = [];
  for (const e of p.encounters) {
    const performer = refs.practitioners[e.practitioner] ?? refs.practitioners[0];
    const ctx = observationContext(
      owner.place.offset,
      subject,
      { reference: `Encounter/${e.id}` },
      performer,
    );
    for (const o of e.observations) out.push(serializeObservation(o, ctx));
  }
  return out;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Renders a generated patient as FHIR R4 resources (US Core flavoured). Pure and cheap: shared
 * constant sub-objects are reused, and every reference points at a resource the same owner
 * writes.
 *
 * @example
 * const r = buildPatientResources({ patient, owner });
 * JSON.stringify(r.Patient);
 */
export function buildPatientResources({
  patient: p,
  owner,
  skipObservations = false,
}: BuildPatientResourcesParameters): BuildPatientResourcesReturnType {
  const tz = owner.place.offset;
  const subject = { reference: `Patient/${p.id}` };
  const refs = ownerRefs(owner);
  const org = refs.organization;
  const pract = (i: number): Ref | undefined => refs.practitioners[i] ?? refs.practitioners[0];
  const text = nameText(p.name);
  const lastEncounter = p.encounters[p.encounters.length - 1];

  const identifier: object[] = [
    {
      use: 'usual',
      type: concept('http://terminology.hl7.org/CodeSystem/v2-0203', 'MR', 'Medical record number'),
      system: owner.mrnSystem,
      value: p.mrn,
      assigner: { reference: `Organization/${owner.organizationId}` },
    },
    {
      use: 'official',
      type: concept('http://terminology.hl7.org/CodeSystem/v2-0203', 'SS', 'Social Security number'),
      system: 'http://hl7.org/fhir/sid/us-ssn',
      value: p.ssn,
    },
  ];
  if (p.driversLicense) {
    identifier.push({
      use: 'official',
      type: concept('http://terminology.hl7.org/CodeSystem/v2-0203', 'DL', "Driver's license number"),
      system: p.driversLicense.system,
      value: p.driversLicense.value,
    });
  }
  const official: Record<string, unknown> = { use: 'official', text, family: p.name.family };
  official.given = p.name.middle ? [p.name.given, p.name.middle] : [p.name.given];
  if (p.name.prefix) official.prefix = [p.name.prefix];
  if (p.name.suffix) official.suffix = [p.name.suffix];
  const names: object[] = [official];
  if (p.usualGiven) names.push({ use: 'usual', given: [p.usualGiven], family: p.name.family });
  const telecom: object[] = [];
  if (p.homePhone) telecom.push({ system: 'phone', value: p.homePhone, use: 'home' });
  telecom.push({ system: 'phone', value: p.mobilePhone, use: 'mobile', rank: 1 });
  if (p.email) telecom.push({ system: 'email', value: p.email, use: 'home' });
  const race = RACE[p.race] ?? RACE[0]!;
  const eth = ETHNICITY[p.ethnicity] ?? ETHNICITY[1]!;
  const patient: FhirJson = {
    resourceType: 'Patient',
    id: p.id,
    meta: {
      versionId: '1',
      lastUpdated: lastEncounter ? formatDateTime(lastEncounter.endMs, tz) : undefined,
      profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'],
    },
    text: {
      status: 'generated',
      div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(text)}, born ${formatDate(p.birthMs)}, MRN ${p.mrn}</div>`,
    },
    extension: [
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
        extension: [
          { url: 'ombCategory', valueCoding: { system: race[0], code: race[1], display: race[2] } },
          { url: 'text', valueString: race[2] },
        ],
      },
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity',
        extension: [
          {
            url: 'ombCategory',
            valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: eth[0], display: eth[1] },
          },
          { url: 'text', valueString: eth[1] },
        ],
      },
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex',
        valueCode: p.sex === 'female' ? 'F' : 'M',
      },
    ],
    identifier,
    active: true,
    name: names,
    telecom,
    gender: p.sex,
    birthDate: formatDate(p.birthMs),
    address: [
      {
        use: 'home',
        type: 'physical',
        line: p.address.line,
        city: p.address.place.city,
        state: p.address.place.state,
        postalCode: p.address.postalCode,
        country: 'US',
      },
    ],
    maritalStatus: concept(
      'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus',
      p.maritalStatus,
      MARITAL[p.maritalStatus] ?? 'unmarried',
    ),
    contact: p.contact
      ? [
          {
            relationship: [
              concept(
                'http://terminology.hl7.org/CodeSystem/v2-0131',
                p.contact.relationship,
                p.contact.relationship === 'N' ? 'Next-of-Kin' : 'Emergency Contact',
              ),
            ],
            name: { family: p.contact.name.family, given: [p.contact.name.given] },
            telecom: [{ system: 'phone', value: p.contact.phone, use: 'mobile' }],
          },
        ]
      : undefined,
    generalPractitioner: [pract(p.generalPractitioner)],
    managingOrganization: org,
  };

  const encounters: FhirJson[] = [];
  const observations: FhirJson[] = [];
  for (const e of p.encounters) {
    const encRef = { reference: `Encounter/${e.id}` };
    const performer = pract(e.practitioner);
    encounters.push({
      resourceType: 'Encounter',
      id: e.id,
      identifier: [{ use: 'usual', system: `${owner.systemBase}/visit`, value: e.visitNumber }],
      status: 'finished',
      class: ENCOUNTER_CLASS,
      type: ENCOUNTER_TYPES[e.typeIndex],
      subject,
      participant: [{ type: PPRF, individual: performer }],
      period: { start: formatDateTime(e.startMs, tz), end: formatDateTime(e.endMs, tz) },
      serviceProvider: org,
    });
    if (!skipObservations) {
      const ctx = observationContext(tz, subject, encRef, performer);
      for (const o of e.observations) observations.push(buildObservation(o, ctx));
    }
  }

  const conditions: FhirJson[] = p.conditions.map((c) => {
    const e = p.encounters[c.encounter] ?? p.encounters[0]!;
    return {
      resourceType: 'Condition',
      id: c.id,
      clinicalStatus: CLINICAL_ACTIVE,
      verificationStatus: VERIFICATION_CONFIRMED,
      category: PROBLEM_LIST,
      code: CONDITION[c.kind],
      subject,
      encounter: { reference: `Encounter/${e.id}` },
      onsetDateTime: formatDate(c.onsetMs),
      recordedDate: formatDateTime(e.startMs, tz),
      recorder: pract(e.practitioner),
    };
  });

  const medications: FhirJson[] = p.medications.map((m) => {
    const e = p.encounters[m.encounter] ?? p.encounters[0]!;
    const med = MEDICATION[m.kind];
    return {
      resourceType: 'MedicationRequest',
      id: m.id,
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: med.code,
      subject,
      encounter: { reference: `Encounter/${e.id}` },
      authoredOn: formatDateTime(m.authoredMs, tz),
      requester: pract(m.requester),
      dosageInstruction: med.dosage,
    };
  });

  const imaging: FhirJson[] = [];
  const s = p.study;
  if (s) {
    const e = p.encounters[s.encounter] ?? p.encounters[0]!;
    const modality = { system: DCM, code: s.modality };
    const sopClass = { system: 'urn:ietf:rfc:3986', code: `urn:oid:${SOP_CLASS[s.modality]}` };
    let instances = 0;
    const series = s.series.map((se) => {
      instances += se.instanceUids.length;
      return {
        uid: se.uid,
        number: se.number,
        modality,
        description: se.description,
        numberOfInstances: se.instanceUids.length,
        bodySite: BODY_SITE[s.bodyPart],
        started: formatDateTime(se.startMs, tz),
        performer: [{ actor: pract(s.performer) }],
        instance: se.instanceUids.map((uid, i) => ({ uid, sopClass, number: i + 1 })),
      };
    });
    imaging.push({
      resourceType: 'ImagingStudy',
      id: s.id,
      identifier: [
        { system: 'urn:dicom:uid', value: `urn:oid:${s.uid}` },
        {
          type: concept('http://terminology.hl7.org/CodeSystem/v2-0203', 'ACSN', 'Accession ID'),
          system: `${owner.systemBase}/accession`,
          value: s.accession,
        },
      ],
      status: 'available',
      modality: [modality],
      subject,
      encounter: { reference: `Encounter/${e.id}` },
      started: formatDateTime(s.startMs, tz),
      referrer: pract(p.generalPractitioner),
      numberOfSeries: series.length,
      numberOfInstances: instances,
      description: s.description,
      series,
    });
  }

  return {
    Patient: patient,
    Encounter: encounters,
    Observation: observations,
    Condition: conditions,
    MedicationRequest: medications,
    ImagingStudy: imaging,
  };
}
