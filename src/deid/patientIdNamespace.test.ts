import { describe, expect, it } from 'vitest';
import { PatientIdNamespaceSchema } from '../core/schemas/patientIdNamespace.js';
import { createPatientIdNamespace, SHARED_NAMESPACE } from './patientIdNamespace.js';

const A = 'http://a.example.org/mrn';
const B = 'urn:oid:2.16.840.1.113883.3.72';

describe('patient ID namespaces', () => {
  it('shares one namespace without options: the issuer never splits a patient', () => {
    const ns = createPatientIdNamespace();
    expect(ns.dicom('')).toBe(SHARED_NAMESPACE);
    expect(ns.dicom('SITE01')).toBe(SHARED_NAMESPACE);
    expect(ns.dicom(A)).toBe(SHARED_NAMESPACE);
    expect(ns.fhir('')).toBe(SHARED_NAMESPACE);
    expect(ns.fhir(A)).toBe(A); // an Identifier carries its own system
    expect(ns.policy).toEqual({ mode: 'shared' });
  });

  it('puts every PatientID in --patient-id-system, whatever the issuer says', () => {
    const ns = createPatientIdNamespace({ system: A });
    expect(ns.dicom('')).toBe(A);
    expect(ns.dicom('SITE01')).toBe(A);
    expect(ns.fhir('')).toBe(A); // an Identifier without a system is a PatientID without an issuer
    expect(ns.fhir(A)).toBe(A);
    expect(ns.fhir(B)).toBe(B);
    expect(ns.policy).toEqual({ mode: 'patient-id-system', system: A });
  });

  it('maps issuers to systems; no issuer → --patient-id-system or shared; an unknown issuer → undefined', () => {
    const issuers = { SITE01: A, SITE02: B, SITE03: A };
    const ns = createPatientIdNamespace({ issuers });
    expect(ns.dicom('SITE01')).toBe(A);
    expect(ns.dicom(' SITE02 ')).toBe(B); // LO values: spaces around do not count
    expect(ns.dicom('')).toBe(SHARED_NAMESPACE);
    expect(ns.dicom('SITE09')).toBeUndefined();
    expect(ns.dicom('site01')).toBeUndefined(); // names compare exactly
    expect(ns.fhir(B)).toBe(B); // the map's systems meet the DICOM side without translation
    expect(ns.fhir('SITE01')).toBe('SITE01'); // an issuer name is not a system
    expect(ns.fhir('')).toBe(SHARED_NAMESPACE);
    const withSystem = createPatientIdNamespace({ issuers, system: B });
    expect(withSystem.dicom('')).toBe(B);
    expect(withSystem.fhir('')).toBe(B);
    expect(withSystem.dicom('SITE09')).toBeUndefined();

    const policy = PatientIdNamespaceSchema.parse(withSystem.policy);
    expect(policy).toEqual({
      mode: 'issuer-map',
      system: B,
      systems: [A, B].sort(),
      issuers: 3,
      issuerMapSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // the policy names systems and counts, never an issuer name
    expect(JSON.stringify(policy)).not.toContain('SITE');
    // the digest is of the map, not of its order
    expect(createPatientIdNamespace({ issuers: { SITE03: A, SITE02: B, SITE01: A } }).policy).toEqual(
      ns.policy,
    );
    expect(createPatientIdNamespace({ issuers: { SITE01: A } }).policy.issuerMapSha256).not.toBe(
      ns.policy.issuerMapSha256,
    );
  });
});
