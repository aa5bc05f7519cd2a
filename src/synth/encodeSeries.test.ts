import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { encodeSeries } from './encodeSeries.js';
import { generateOwner } from './generateOwner.js';
import { generatePatient } from './generatePatient.js';
import type { SynthModality } from './model.js';
import { parseDateMs } from './time.js';

const owner = generateOwner({ seed: 3, number: 1 });

function patientWith(modality: SynthModality, size: '64' | '512', slices: number) {
  return generatePatient({
    seed: 3,
    index: 5,
    localIndex: 5,
    owner,
    asOfMs: parseDateMs('2025-01-01'),
    imaging: { fraction: 1, slices, imageSize: size, modality },
  });
}

const read = (b: Buffer) => {
  const d = dcmjs.data.DicomMessage.readFile(
    b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer,
  );
  return {
    meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.meta),
    ds: dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict),
  };
};

describe('encodeSeries', () => {
  for (const modality of ['CT', 'MR'] as const) {
    it(`writes parseable ${modality} instances with per-slice fields`, () => {
      const p = patientWith(modality, '64', 3);
      const study = p.study!;
      const series = study.series[0]!;
      const slices = [...encodeSeries({ owner, patient: p, study, series })];
      expect(slices).toHaveLength(3);
      slices.forEach((s, i) => {
        const { meta, ds } = read(s.bytes);
        expect(meta['MediaStorageSOPInstanceUID']).toBe(series.instanceUids[i]);
        expect(ds['SOPInstanceUID']).toBe(series.instanceUids[i]);
        expect(ds['SOPClassUID']).toBe(
          modality === 'CT' ? '1.2.840.10008.5.1.4.1.1.2' : '1.2.840.10008.5.1.4.1.1.4',
        );
        expect(ds['StudyInstanceUID']).toBe(study.uid);
        expect(ds['SeriesInstanceUID']).toBe(series.uid);
        expect(ds['InstanceNumber']).toBe(i + 1);
        expect(ds['PatientID']).toBe(p.mrn);
        expect(ds['Rows']).toBe(64);
        expect(ds['PixelRepresentation']).toBe(modality === 'CT' ? 1 : 0);
        expect(String(ds['PatientAge'])).toMatch(/^\d{3}Y$/);
        expect(ds['00091001']).toContain(p.name.family);
        expect((ds['PixelData'] as ArrayBuffer[])[0]!.byteLength).toBe(64 * 64 * 2);
        const ref = ds['ReferencedImageSequence'] as Record<string, unknown>[] | undefined;
        if (i === 0) expect(ref).toBeUndefined();
        else expect(ref?.[0]?.['ReferencedSOPInstanceUID']).toBe(series.instanceUids[i - 1]);
        const req = (ds['RequestAttributesSequence'] as Record<string, unknown>[])[0]!;
        expect(req['RequestedProcedureID']).toBe(study.requestedProcedureId);
        expect((req['ScheduledProtocolCodeSequence'] as unknown[]).length).toBe(1);
      });
    });
  }

  it("writes IssuerOfPatientID as a short site code, in only some of a patient's objects", () => {
    const issuers = new Map<string, Set<string>>();
    for (let index = 0; index < 40; index++) {
      const p = generatePatient({
        seed: 3,
        index,
        localIndex: index,
        owner,
        asOfMs: parseDateMs('2025-01-01'),
        imaging: { fraction: 1, slices: 1, imageSize: '64', modality: 'auto' },
      });
      const study = p.study!;
      for (const series of study.series) {
        const [slice] = [...encodeSeries({ owner, patient: p, study, series })];
        const issuer = read(slice!.bytes).ds['IssuerOfPatientID'];
        expect(issuer).toBe(series.writesIssuer ? owner.siteCode : undefined);
        issuers.set(p.mrn, (issuers.get(p.mrn) ?? new Set()).add(String(issuer)));
      }
    }
    expect(owner.siteCode).toBe('SITE001'); // a site code, not the FHIR system URL
    const mixed = [...issuers.values()].filter((s) => s.size === 2).length;
    expect(mixed, 'patients with the issuer in some objects and not in others').toBeGreaterThan(0);
  });

  // its speed (a floor of 50 slices/s at 512×512) is measured by `npm run bench -- encode-series`
  it('is deterministic at 512×512', () => {
    const p = patientWith('CT', '512', 12);
    const study = p.study!;
    const series = study.series[0]!;
    const a = [...encodeSeries({ owner, patient: p, study, series })].map((s) => s.bytes);
    const b = [...encodeSeries({ owner, patient: p, study, series })].map((s) => s.bytes);
    expect(b.length).toBe(a.length);
    for (const [i, x] of b.entries()) expect(x.equals(a[i]!)).toBe(true);
    expect(a[0]!.length).toBeGreaterThan(512 * 512 * 2);
  });
});
