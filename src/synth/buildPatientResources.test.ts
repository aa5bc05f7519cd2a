import { describe, expect, it } from 'vitest';
import { FhirResourceSchema } from '../core/schemas/fhir.js';
import { buildOwnerResources } from './buildOwnerResources.js';
import { buildPatientResources, serializePatientObservations } from './buildPatientResources.js';
import { nameText } from './draw.js';
import { generateOwner } from './generateOwner.js';
import { generatePatient } from './generatePatient.js';
import { parseDateMs } from './time.js';

const owner = generateOwner({ seed: 9, number: 3 });
const asOfMs = parseDateMs('2024-06-30');
const patients = Array.from({ length: 400 }, (_, i) =>
  generatePatient({
    seed: 9,
    index: 1000 + i,
    localIndex: i,
    owner,
    asOfMs,
    imaging: { fraction: 0.3, slices: 3, imageSize: 'auto', modality: 'auto' },
  }),
);

describe('buildPatientResources', () => {
  it('serialises Observations byte-identically to JSON.stringify of the objects', () => {
    let n = 0;
    for (const patient of patients) {
      const objects = buildPatientResources({ patient, owner }).Observation.map((o) => JSON.stringify(o));
      expect(serializePatientObservations({ patient, owner })).toEqual(objects);
      n += objects.length;
    }
    expect(n).toBeGreaterThan(1000);
  });

  it('skips Observations on request', () => {
    expect(
      buildPatientResources({ patient: patients[0]!, owner, skipObservations: true }).Observation,
    ).toEqual([]);
  });

  it('writes valid FHIR R4 for every resource', () => {
    const { organization, practitioners } = buildOwnerResources({ owner });
    for (const r of [organization, ...practitioners])
      expect(FhirResourceSchema.safeParse(r).success).toBe(true);
    for (const patient of patients) {
      const r = buildPatientResources({ patient, owner });
      for (const x of [
        r.Patient,
        ...r.Encounter,
        ...r.Observation,
        ...r.Condition,
        ...r.MedicationRequest,
        ...r.ImagingStudy,
      ]) {
        const parsed = FhirResourceSchema.safeParse(x);
        expect(parsed.success, `${x.resourceType}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
    }
  });

  it('carries the identifying details the de-identifiers must remove', () => {
    const p = patients.find((x) => x.encounters.some((e) => e.observations.some((o) => o.note)))!;
    const r = buildPatientResources({ patient: p, owner });
    const text = JSON.stringify(r);
    expect(text).toContain(p.mrn);
    expect(text).toContain(p.ssn);
    expect((r.Patient['text'] as { div: string }).div).toContain(p.name.family);
    const notes = r.Observation.flatMap((o) => (o['note'] as { text: string }[] | undefined) ?? []);
    expect(notes.some((n) => n.text.includes(p.name.given) || n.text.includes(p.name.family))).toBe(true);
    expect(nameText(p.name)).toContain(p.name.family);
  });

  it('lists exactly the study and instance UIDs of the model in ImagingStudy', () => {
    for (const p of patients.filter((x) => x.study)) {
      const s = buildPatientResources({ patient: p, owner }).ImagingStudy[0]!;
      const series = s['series'] as { uid: string; instance: { uid: string; number: number }[] }[];
      expect((s['identifier'] as { value: string }[])[0]!.value).toBe(`urn:oid:${p.study!.uid}`);
      expect(series.map((x) => x.uid)).toEqual(p.study!.series.map((x) => x.uid));
      expect(series.map((x) => x.instance.map((i) => i.uid))).toEqual(
        p.study!.series.map((x) => x.instanceUids),
      );
      expect(s['numberOfInstances']).toBe(p.study!.series.reduce((a, x) => a + x.instanceUids.length, 0));
    }
  });
});
