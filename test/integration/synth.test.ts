import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import dcmjs from 'dcmjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSinsoError } from '../../src/core/errors/index.js';
import { digestPath, listFiles } from '../../src/core/hash.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { FhirResourceSchema } from '../../src/core/schemas/fhir.js';
import {
  SYNTH_RESOURCE_TYPES,
  SynthManifestSchema,
  type SynthOptionsInput,
  SynthOptionsSchema,
  synthesize,
} from '../../src/synth/index.js';
import { tempDir } from '../utils/tmp.js';

const ctx = { progress: silentProgress, log: silentLogger };
const run = (options: SynthOptionsInput) => synthesize(ctx, SynthOptionsSchema.parse(options));
type Json = Record<string, unknown> & { resourceType: string; id: string };

async function readNdjson(path: string): Promise<Json[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Json);
}

/** Every `reference` string anywhere inside a value. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

let root: string;
const small = { owners: 3, patients: 120, seed: 7, imagingFraction: 0.5, slices: 3 };

beforeAll(async () => {
  root = await tempDir('sinso-synth-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('synthesize', () => {
  let out: string;
  beforeAll(async () => {
    out = join(root, 'a');
    await run({ ...small, out });
  });

  it('gives byte-identical trees for the same options, and different ones for another seed', async () => {
    const again = join(root, 'a2');
    const other = join(root, 'b');
    await run({ ...small, out: again });
    await run({ ...small, seed: 8, out: other });
    const [da, da2, db] = await Promise.all([digestPath(out), digestPath(again), digestPath(other)]);
    expect(da2).toEqual(da);
    expect(db.sha256).not.toBe(da.sha256);
  });

  it('writes the documented layout and a manifest whose counts match the files', async () => {
    const manifest = SynthManifestSchema.parse(
      JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')),
    );
    expect((await readFile(join(out, 'manifest.json'), 'utf8')).endsWith('}\n')).toBe(true);
    expect(manifest.owners.map((o) => o.id)).toEqual(['owner-001', 'owner-002', 'owner-003']);
    expect(manifest.owners.reduce((a, o) => a + o.patients, 0)).toBe(120);
    expect(manifest.options).not.toHaveProperty('out');
    let files = 0;
    for (const o of manifest.owners) {
      expect(o.patients).toBeGreaterThanOrEqual(1);
      for (const t of SYNTH_RESOURCE_TYPES) {
        const lines = await readNdjson(join(out, o.id, 'fhir', `${t}.ndjson`));
        expect(lines.length, `${o.id} ${t}`).toBe(o.resources[t]);
      }
      expect(o.resources.Patient).toBe(o.patients);
      const dcm = (await listFiles(join(out, o.id, 'dicom'))).filter((f) => f.endsWith('.dcm'));
      expect(dcm.length).toBe(o.dicomFiles);
      files += dcm.length;
    }
    expect(manifest.totals.dicomFiles).toBe(files);
    expect(files).toBeGreaterThan(0);
  });

  it('writes only valid FHIR R4, with every reference resolving inside its owner', async () => {
    for (const owner of ['owner-001', 'owner-002', 'owner-003']) {
      const ids = new Set<string>();
      const refs: string[] = [];
      for (const t of SYNTH_RESOURCE_TYPES) {
        for (const r of await readNdjson(join(out, owner, 'fhir', `${t}.ndjson`))) {
          const parsed = FhirResourceSchema.safeParse(r);
          expect(parsed.success, `${t}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
          expect(r.resourceType).toBe(t);
          ids.add(`${t}/${r.id}`);
          references(r, refs);
        }
      }
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(ids.has(ref), ref).toBe(true);
    }
  });

  it('writes DICOM Part 10 that dcmjs reads, matching ImagingStudy and the path', async () => {
    for (const owner of ['owner-001', 'owner-002', 'owner-003']) {
      const patients = new Map(
        (await readNdjson(join(out, owner, 'fhir', 'Patient.ndjson'))).map((p) => [p.id, p]),
      );
      const expected = new Map<
        string,
        { sop: string; mrn: string; study: string; series: number; n: number }
      >();
      for (const s of await readNdjson(join(out, owner, 'fhir', 'ImagingStudy.ndjson'))) {
        const studyUid = (s['identifier'] as { system: string; value: string }[])[0]!.value.replace(
          'urn:oid:',
          '',
        );
        const patient = patients.get(
          (s['subject'] as { reference: string }).reference.slice('Patient/'.length),
        )!;
        const mrn = (patient['identifier'] as { value: string }[])[0]!.value;
        for (const se of s['series'] as {
          uid: string;
          number: number;
          instance: { uid: string; number: number }[];
        }[]) {
          for (const i of se.instance) {
            const path = [mrn, studyUid, String(se.number), `${String(i.number).padStart(4, '0')}.dcm`].join(
              '/',
            );
            expected.set(path, { sop: i.uid, mrn, study: studyUid, series: se.number, n: i.number });
          }
        }
      }
      const dir = join(out, owner, 'dicom');
      const files = await listFiles(dir);
      expect(files.map((f) => relative(dir, f).split(sep).join('/')).sort()).toEqual(
        [...expected.keys()].sort(),
      );
      for (const f of files) {
        const want = expected.get(relative(dir, f).split(sep).join('/'))!;
        const b = await readFile(f);
        expect(b.subarray(128, 132).toString('latin1')).toBe('DICM');
        const d = dcmjs.data.DicomMessage.readFile(
          b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer,
        );
        const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.meta);
        const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict);
        expect(meta['TransferSyntaxUID']).toBe('1.2.840.10008.1.2.1');
        expect(meta['MediaStorageSOPInstanceUID']).toBe(want.sop);
        expect(meta['MediaStorageSOPClassUID']).toBe(ds['SOPClassUID']);
        expect(meta['ImplementationVersionName']).toBe('SINSO_SYNTH_1');
        expect(ds['SOPInstanceUID']).toBe(want.sop);
        expect(ds['PatientID']).toBe(want.mrn);
        expect(ds['StudyInstanceUID']).toBe(want.study);
        expect(ds['SeriesNumber']).toBe(want.series);
        expect(ds['InstanceNumber']).toBe(want.n);
        const rows = ds['Rows'] as number;
        expect([64, 128, 256, 512]).toContain(rows);
        expect((ds['PixelData'] as ArrayBuffer[])[0]!.byteLength).toBe(rows * (ds['Columns'] as number) * 2);
      }
    }
  });

  it('writes the same FHIR with or without DICOM', async () => {
    const fhirOnly = join(root, 'fhir-only');
    await run({ ...small, out: fhirOnly, dicom: false });
    for (const owner of ['owner-001', 'owner-002', 'owner-003']) {
      expect(await digestPath(join(fhirOnly, owner, 'fhir'))).toEqual(
        await digestPath(join(out, owner, 'fhir')),
      );
    }
    expect((await readdir(join(fhirOnly, 'owner-001'))).sort()).toEqual(['fhir']);
  });

  it('replaces a previous synth output, and refuses a folder holding anything else', async () => {
    const dir = join(root, 'rerun');
    await run({ owners: 2, patients: 10, imagingFraction: 1, slices: 1, imageSize: '64', out: dir });
    await run({ owners: 1, patients: 5, dicom: false, out: dir });
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'owner-001']);
    const foreign = join(root, 'foreign');
    await run({ owners: 1, patients: 2, dicom: false, out: foreign });
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    const err = await run({ owners: 1, patients: 2, out: foreign }).catch((e: unknown) => e);
    expect(isSinsoError(err) && err.code).toBe('USAGE');
    expect(await readFile(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('the planted signal', () => {
  it('has the target prevalence and separates diabetics from the rest', async () => {
    const out = join(root, 'signal');
    const r = await run({ owners: 4, patients: 2000, seed: 123, dicom: false, imagingFraction: 0, out });
    expect(r.prevalence).toBeGreaterThan(0.2);
    expect(r.prevalence).toBeLessThan(0.3);
    expect(r.hypertensionPrevalence).toBeGreaterThan(0.25);
    expect(r.hypertensionPrevalence).toBeLessThan(0.42);
    const manifest = SynthManifestSchema.parse(
      JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')),
    );
    expect(manifest.signal.prevalence).toBe(r.prevalence);
    expect(manifest.signal.coefficients).toEqual({ age: 0.5, bmi: 0.6, hba1c: 1.8 });
    expect(manifest.signal.features.map((f) => f.name)).toEqual(['age', 'bmi', 'hba1c']);

    type Row = { age: number; bmi: number[]; hba1c: number[]; dm: boolean };
    const rows = new Map<string, Row>();
    const asOf = Date.UTC(2025, 0, 1);
    for (const o of manifest.owners) {
      const fhir = join(out, o.id, 'fhir');
      for (const p of await readNdjson(join(fhir, 'Patient.ndjson'))) {
        const b = new Date(`${p['birthDate'] as string}T00:00:00Z`);
        const a = new Date(asOf);
        const age =
          a.getUTCFullYear() -
          b.getUTCFullYear() -
          (a.getUTCMonth() < b.getUTCMonth() ||
          (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate())
            ? 1
            : 0);
        rows.set(`Patient/${p.id}`, { age, bmi: [], hba1c: [], dm: false });
      }
      for (const c of await readNdjson(join(fhir, 'Condition.ndjson'))) {
        const code = (c['code'] as { coding: { code: string }[] }).coding[0]!.code;
        if (code === '44054006') rows.get((c['subject'] as { reference: string }).reference)!.dm = true;
      }
      for (const ob of await readNdjson(join(fhir, 'Observation.ndjson'))) {
        const code = (ob['code'] as { coding: { code: string }[] }).coding[0]!.code;
        const row = rows.get((ob['subject'] as { reference: string }).reference)!;
        const v = (ob['valueQuantity'] as { value: number } | undefined)?.value;
        if (code === '39156-5' && v !== undefined) row.bmi.push(v);
        if (code === '4548-4' && v !== undefined) row.hba1c.push(v);
      }
    }
    const all = [...rows.values()];
    expect(all).toHaveLength(2000);
    expect(all.filter((x) => x.dm).length / all.length).toBeCloseTo(r.prevalence, 6);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const avg = (xs: number[]) => mean(xs);
    const dm = all.filter((x) => x.dm);
    const no = all.filter((x) => !x.dm);
    expect(mean(dm.map((x) => avg(x.hba1c)))).toBeGreaterThan(mean(no.map((x) => avg(x.hba1c))) + 0.3);
    expect(mean(dm.map((x) => avg(x.bmi)))).toBeGreaterThan(mean(no.map((x) => avg(x.bmi))) + 1);
    expect(mean(dm.map((x) => x.age))).toBeGreaterThan(mean(no.map((x) => x.age)) + 2);
    for (const x of all) {
      expect(x.age).toBeGreaterThanOrEqual(18);
      expect(x.age).toBeLessThanOrEqual(100);
    }
    expect(all.some((x) => x.age > 89)).toBe(true);
  });
});

describe('determinism (property)', () => {
  it('holds for random small options', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          owners: fc.integer({ min: 1, max: 4 }),
          patients: fc.integer({ min: 1, max: 25 }),
          seed: fc.nat(1_000_000),
          imagingFraction: fc.double({ min: 0, max: 1, noNaN: true }),
          slices: fc.integer({ min: 1, max: 3 }),
          imageSize: fc.constantFrom('64' as const, '128' as const),
          modality: fc.constantFrom('auto' as const, 'CT' as const, 'MR' as const),
          asOf: fc.constantFrom('2025-01-01', '2024-02-29', '2000-06-15'),
          dicom: fc.boolean(),
        }),
        async (o) => {
          const a = join(root, `prop-${n}-a`);
          const b = join(root, `prop-${n++}-b`);
          await run({ ...o, out: a });
          await run({ ...o, out: b });
          expect(await digestPath(b)).toEqual(await digestPath(a));
          await rm(a, { recursive: true, force: true });
          await rm(b, { recursive: true, force: true });
        },
      ),
      { numRuns: 12 },
    );
  });
});
