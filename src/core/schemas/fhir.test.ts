import { describe, expect, it } from 'vitest';
import {
  ExtensionSchema,
  FhirDateSchema,
  FhirDateTimeSchema,
  FhirInstantSchema,
  FhirResourceSchema,
} from './fhir.js';

describe('FHIR primitives', () => {
  it('accepts R4 dates, dateTimes and instants, and rejects malformed ones', () => {
    for (const d of ['2024', '2024-02', '2024-02-29']) expect(FhirDateSchema.safeParse(d).success).toBe(true);
    for (const d of ['24', '2024-13', '2024-02-32', '2024-02-01T10:00:00Z', '']) {
      expect(FhirDateSchema.safeParse(d).success).toBe(false);
    }
    for (const d of ['2024', '2024-02-29', '2024-02-29T10:11:12Z', '2024-02-29T10:11:12.123-05:00']) {
      expect(FhirDateTimeSchema.safeParse(d).success).toBe(true);
    }
    // time needs a time zone; hours and offsets in range
    for (const d of [
      '2024-02-29T10:11:12',
      '2024-02-29T24:00:00Z',
      '2024-02-29T10:11Z',
      '2024-02-29T10:11:12+15:00',
    ]) {
      expect(FhirDateTimeSchema.safeParse(d).success).toBe(false);
    }
    expect(FhirInstantSchema.safeParse('2024-02-29T10:11:12+01:00').success).toBe(true);
    expect(FhirInstantSchema.safeParse('2024-02-29').success).toBe(false);
  });
});

describe('ExtensionSchema', () => {
  it('allows at most one value[x], not both value and nested extensions', () => {
    expect(ExtensionSchema.safeParse({ url: 'http://x', valueString: 'a' }).success).toBe(true);
    expect(
      ExtensionSchema.safeParse({ url: 'http://x', extension: [{ url: 'a', valueCode: 'b' }] }).success,
    ).toBe(true);
    expect(ExtensionSchema.safeParse({ url: 'http://x', valueString: 'a', valueCode: 'b' }).success).toBe(
      false,
    );
    expect(
      ExtensionSchema.safeParse({
        url: 'http://x',
        valueString: 'a',
        extension: [{ url: 'a', valueCode: 'b' }],
      }).success,
    ).toBe(false);
    expect(ExtensionSchema.safeParse({ url: 'http://x', extension: [{ valueCode: 'b' }] }).success).toBe(
      false,
    );
  });
});

describe('FhirResourceSchema', () => {
  it('discriminates on resourceType and keeps unknown members (loose)', () => {
    const r = FhirResourceSchema.parse({
      resourceType: 'Patient',
      id: 'p1',
      birthDate: '1970-01-01',
      custom: 1,
    });
    expect(r.resourceType).toBe('Patient');
    expect((r as Record<string, unknown>)['custom']).toBe(1);
    expect(FhirResourceSchema.safeParse({ resourceType: 'Basic', id: 'x' }).success).toBe(false);
  });

  it('enforces required members and bound codes', () => {
    const subject = { reference: 'Patient/p1' };
    expect(FhirResourceSchema.safeParse({ resourceType: 'Encounter', status: 'finished' }).success).toBe(
      false,
    );
    expect(
      FhirResourceSchema.safeParse({ resourceType: 'Encounter', status: 'done', class: { code: 'AMB' } })
        .success,
    ).toBe(false);
    expect(
      FhirResourceSchema.safeParse({ resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' } })
        .success,
    ).toBe(true);
    expect(FhirResourceSchema.safeParse({ resourceType: 'Observation', status: 'final' }).success).toBe(
      false,
    );
    expect(FhirResourceSchema.safeParse({ resourceType: 'Condition' }).success).toBe(false);
    expect(
      FhirResourceSchema.safeParse({
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject,
      }).success,
    ).toBe(false);
    expect(
      FhirResourceSchema.safeParse({
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject,
        medicationCodeableConcept: { text: 'x' },
      }).success,
    ).toBe(true);
    expect(FhirResourceSchema.safeParse({ resourceType: 'Organization' }).success).toBe(false);
    expect(
      FhirResourceSchema.safeParse({
        resourceType: 'ImagingStudy',
        status: 'available',
        subject,
        series: [{ uid: '2.25.1', modality: { code: 'CT' }, instance: [{ uid: '2.25.01', sopClass: {} }] }],
      }).success,
    ).toBe(false);
    expect(FhirResourceSchema.safeParse({ resourceType: 'Patient', birthDate: '1970-1-1' }).success).toBe(
      false,
    );
    expect(FhirResourceSchema.safeParse({ resourceType: 'Patient', id: 'bad id' }).success).toBe(false);
  });
});
