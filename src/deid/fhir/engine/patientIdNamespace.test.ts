import { describe, expect, it } from 'vitest';
import { pseudonymizePatientId } from '../../../core/pseudonym.js';
import { createPatientIdNamespace } from '../../patientIdNamespace.js';
import { buildFhirDeidEngine } from './buildFhirDeidEngine.js';

const secret = new Uint8Array(32).fill(7);
const MRN = 'http://hospital.example.org/mrn';
const OTHER = 'http://hl7.org/fhir/sid/us-ssn';
type R = Record<string, unknown>;

const patient: R = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [
    { system: MRN, value: '00123' },
    { value: '00456' }, // no system
    { system: OTHER, value: '999-12-3456' },
  ],
  generalPractitioner: [{ reference: 'Patient?identifier=00789' }],
  link: [{ other: { reference: `Patient?identifier=${MRN}|00123` }, type: 'seealso' }],
};

function run(patientIds?: Parameters<typeof createPatientIdNamespace>[0]) {
  const engine = buildFhirDeidEngine({
    secret,
    asOfYear: 2025,
    ...(patientIds === undefined ? {} : { patientIds: createPatientIdNamespace(patientIds) }),
  });
  const out = engine.deidentify(patient).resource;
  const ids = (out['identifier'] as R[]).map((i) => i['value']);
  const gp = ((out['generalPractitioner'] as R[])[0] as R)['reference'];
  const link = (((out['link'] as R[])[0] as R)['other'] as R)['reference'];
  return { ids, gp, link };
}

describe('the FHIR side of the patient ID namespace', () => {
  it('pseudonymizes an Identifier in the namespace of its system, whatever the policy', () => {
    for (const policy of [undefined, { system: MRN }, { issuers: { SITE01: MRN } }]) {
      const { ids, link } = run(policy);
      // what deid dicom gives PatientID 00123 under --patient-id-system MRN (or an issuer mapped to it)
      expect(ids[0]).toBe(pseudonymizePatientId(secret, MRN, '00123'));
      expect(ids[2]).toBe(pseudonymizePatientId(secret, OTHER, '999-12-3456'));
      expect(link).toBe(`Patient?identifier=${MRN}|${pseudonymizePatientId(secret, MRN, '00123')}`);
    }
  });

  it('places an Identifier without a system where a PatientID without an issuer goes', () => {
    // shared namespace by default (as deid dicom without options)
    expect(run().ids[1]).toBe(pseudonymizePatientId(secret, '', '00456'));
    expect(run().gp).toBe(`Patient?identifier=${pseudonymizePatientId(secret, '', '00789')}`);
    // --patient-id-system: the configured system, on both sides
    const withSystem = run({ system: MRN });
    expect(withSystem.ids[1]).toBe(pseudonymizePatientId(secret, MRN, '00456'));
    expect(withSystem.gp).toBe(`Patient?identifier=${pseudonymizePatientId(secret, MRN, '00789')}`);
    // an issuer map alone places nothing without a system: the shared namespace, as in DICOM
    expect(run({ issuers: { SITE01: MRN } }).ids[1]).toBe(pseudonymizePatientId(secret, '', '00456'));
  });
});
