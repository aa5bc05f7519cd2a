import { describe, expect, it } from 'vitest';
import { generateOwner } from './generateOwner.js';
import { generatePatient, type ImagingSettings } from './generatePatient.js';
import { RESTRICTED_ZIP3_PLACES } from './places.js';
import { ageAt, DAY_MS, parseDateMs } from './time.js';

const owner = generateOwner({ seed: 42, number: 1 });
const asOfMs = parseDateMs('2025-01-01');
const imaging: ImagingSettings = { fraction: 0.1, slices: 4, imageSize: 'auto', modality: 'auto' };
const gen = (index: number, im: ImagingSettings = imaging) =>
  generatePatient({ seed: 42, index, localIndex: index, owner, asOfMs, imaging: im });

describe('generateOwner', () => {
  it('is deterministic and has 2–6 practitioners and its MRN system', () => {
    expect(generateOwner({ seed: 42, number: 1 })).toEqual(owner);
    expect(owner.mrnSystem).toBe('http://owner-001.example.org/mrn');
    expect(owner.practitioners.length).toBeGreaterThanOrEqual(2);
    expect(owner.practitioners.length).toBeLessThanOrEqual(6);
    expect(owner.aeTitle.length).toBeLessThanOrEqual(16);
    expect(generateOwner({ seed: 42, number: 2 }).organizationId).not.toBe(owner.organizationId);
  });
});

describe('generatePatient', () => {
  const patients = Array.from({ length: 2000 }, (_, i) => gen(i));

  it('is a pure function of (seed, index, owner, asOf, imaging)', () => {
    expect(gen(17)).toEqual(patients[17]);
  });

  it('draws adults 18–100, some over 89, with birth dates matching the age', () => {
    for (const p of patients) {
      expect(p.age).toBeGreaterThanOrEqual(18);
      expect(p.age).toBeLessThanOrEqual(100);
      expect(ageAt(p.birthMs, asOfMs)).toBe(p.age);
    }
    expect(patients.some((p) => p.age > 89)).toBe(true);
  });

  it('keeps encounters in the five years before asOf, oldest first', () => {
    for (const p of patients) {
      expect(p.encounters.length).toBeGreaterThanOrEqual(1);
      expect(p.encounters.length).toBeLessThanOrEqual(4);
      for (let i = 0; i < p.encounters.length; i++) {
        const e = p.encounters[i]!;
        expect(e.startMs).toBeLessThan(asOfMs);
        expect(e.startMs).toBeGreaterThan(asOfMs - 1827 * DAY_MS);
        expect(e.endMs).toBeGreaterThan(e.startMs);
        if (i > 0) expect(e.startMs).toBeGreaterThan(p.encounters[i - 1]!.startMs);
        expect(e.observations).toHaveLength(6);
      }
    }
  });

  it('gives unique MRNs within an owner', () => {
    const mrns = new Set(patients.map((p) => p.mrn));
    expect(mrns.size).toBe(patients.length);
    for (const m of mrns) expect(m).toMatch(/^\d{8}$/);
  });

  it('includes restricted ZIP3 areas and tricky names at small rates', () => {
    const restricted = new Set(RESTRICTED_ZIP3_PLACES.map((p) => p.zip3));
    const n = patients.filter((p) => restricted.has(p.address.postalCode.slice(0, 3))).length;
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(200);
    expect(patients.some((p) => /[^\x00-\x7f]/.test(p.name.family + p.name.given))).toBe(true);
    expect(patients.some((p) => p.name.family.includes("'"))).toBe(true);
  });

  it('never lets imaging settings change the rest of the patient', () => {
    for (const i of [0, 1, 2, 3, 50]) {
      const none = gen(i, { ...imaging, fraction: 0 });
      const all = gen(i, { fraction: 1, slices: 7, imageSize: '64', modality: 'MR' });
      expect(none.study).toBeUndefined();
      expect(all.study).toBeDefined();
      expect({ ...all, study: undefined }).toEqual(none);
      expect(all.study!.modality).toBe('MR');
      for (const s of all.study!.series) {
        expect(s.size).toBe(64);
        expect(s.instanceUids).toHaveLength(7);
      }
    }
  });

  it('draws about the configured share of imaging patients', () => {
    const n = patients.filter((p) => p.study).length;
    expect(n).toBeGreaterThan(120);
    expect(n).toBeLessThan(290);
  });
});
