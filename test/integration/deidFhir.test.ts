import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { digestPath, listFiles } from '../../src/core/hash.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { mapUid, pseudonymizePatientId } from '../../src/core/pseudonym.js';
import { DeidFhirReportSchema } from '../../src/core/schemas/deidFhirReport.js';
import { deidentifyDicomFiles } from '../../src/deid/dicom/deidentifyDicomFiles.js';
import { DeidDicomOptionsSchema } from '../../src/deid/dicom/schema.js';
import { deidentifyFhirFiles } from '../../src/deid/fhir/deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from '../../src/deid/fhir/schema.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { repoRoot } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

const secretHex = '3c'.repeat(32);
const secret = new Uint8Array(Buffer.from(secretHex, 'hex'));
const ctx = {
  workspace: undefined,
  // what the runner resolves from --secret-file (the tests pass the same file)
  secrets: { pseudonym: secret },
  clock: fixedClock('2025-06-01T00:00:00Z'),
  log: silentLogger,
  progress: silentProgress,
};

type Json = Record<string, unknown>;
let dir: string;
let cohort: string;
let secretFile: string;

async function readNdjsonDir(d: string): Promise<Record<string, Json[]>> {
  const out: Record<string, Json[]> = {};
  for (const f of (await readdir(d)).filter((x) => x.endsWith('.ndjson'))) {
    const lines = (await readFile(join(d, f), 'utf8')).split('\n').filter(Boolean);
    out[f.replace('.ndjson', '')] = lines.map((l) => JSON.parse(l));
  }
  return out;
}

async function deidFhir(inputs: string[], out: string, extra: Record<string, unknown> = {}) {
  return deidentifyFhirFiles(
    ctx,
    DeidFhirOptionsSchema.parse({ inputs, out, secretFile, asOfYear: 2025, ...extra }),
  );
}

beforeAll(async () => {
  dir = await tempDir('sinso-deid-fhir-');
  secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, secretHex);
  cohort = join(dir, 'cohort');
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({
      out: cohort,
      owners: 1,
      patients: 12,
      imagingFraction: 0.5,
      slices: 2,
      imageSize: '64',
      seed: 21,
    }),
  );
});

describe('deid fhir on a synthetic cohort', () => {
  it('keeps counts and clinical values, resolves every reference, and leaves no identifier', async () => {
    const out = join(dir, 'fhir-out');
    const r = await deidFhir([join(cohort, 'owner-001/fhir')], out);
    expect(r.rejected ?? []).toEqual([]);
    const input = await readNdjsonDir(join(cohort, 'owner-001/fhir'));
    const output = await readNdjsonDir(out);
    for (const [type, list] of Object.entries(input))
      expect(output[type]?.length ?? 0, type).toBe(list.length);
    const ids = new Set(Object.entries(output).flatMap(([t, l]) => l.map((x) => `${t}/${x['id']}`)));
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'reference' && typeof x === 'string') refs.push(x);
          else walk(x);
        }
      }
    };
    walk(output);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(ids.has(ref), ref).toBe(true);
    // identifiers of the input, anywhere in the output text
    const text = JSON.stringify(output);
    for (const p of input['Patient'] ?? []) {
      for (const n of (p['name'] as { family?: string; given?: string[] }[]) ?? []) {
        for (const part of [n.family, ...(n.given ?? [])])
          if (part && part.length >= 3) expect(text.includes(part), 'a name survives').toBe(false);
      }
      for (const t of (p['telecom'] as { value: string }[]) ?? []) expect(text.includes(t.value)).toBe(false);
      for (const id of (p['identifier'] as { value: string }[]) ?? [])
        expect(text.includes(id.value)).toBe(false);
      for (const a of (p['address'] as { line?: string[] }[]) ?? [])
        for (const l of a.line ?? []) expect(text.includes(l)).toBe(false);
      expect(text.includes(String(p['id']))).toBe(false);
    }
    expect(text).not.toMatch(/"\d{4}-\d{2}-\d{2}/); // Safe Harbor: years only
    expect(text).not.toContain('"div"');
    // clinical content kept
    // codings and quantities are the clinical content (CodeableConcept.text is free text: removed)
    const clinical = (o: Json) =>
      JSON.stringify([(o['code'] as Json)['coding'], o['valueQuantity'], o['status'], o['component']]);
    const obsIn = (input['Observation'] ?? []).map((o) =>
      clinical({
        ...o,
        component: (o['component'] as Json[] | undefined)?.map((c) => ({
          ...c,
          code: { coding: (c['code'] as Json)['coding'] },
        })),
      }),
    );
    const obsOut = (output['Observation'] ?? []).map((o) =>
      clinical({
        ...o,
        component: (o['component'] as Json[] | undefined)?.map((c) => ({
          ...c,
          code: { coding: (c['code'] as Json)['coding'] },
        })),
      }),
    );
    expect(obsOut).toEqual(obsIn);
    const report = DeidFhirReportSchema.parse(
      JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8')),
    );
    expect(report.counts.resourcesOut).toBe(Object.values(input).reduce((a, l) => a + l.length, 0));
  });

  it('links records to images: with --patient-id-system the MRN pseudonym is the DICOM PatientID, ImagingStudy UIDs name the files', async () => {
    const fhirOut = join(dir, 'link-fhir');
    const dicomOut = join(dir, 'link-dicom');
    const mrnSystem = 'http://owner-001.example.org/mrn';
    // the operator says which identifier system the DICOM PatientIDs belong to, to both stages
    await deidFhir([join(cohort, 'owner-001/fhir')], fhirOut, { patientIdSystem: mrnSystem });
    await deidentifyDicomFiles(
      ctx,
      DeidDicomOptionsSchema.parse({
        inputs: [join(cohort, 'owner-001/dicom')],
        out: dicomOut,
        secretFile,
        workers: 0,
        patientIdSystem: mrnSystem,
      }),
    );
    const input = await readNdjsonDir(join(cohort, 'owner-001/fhir'));
    const output = await readNdjsonDir(fhirOut);
    const dicomPatientIds = new Set<string>();
    for (const f of (await listFiles(dicomOut)).filter((x) => x.endsWith('.dcm'))) {
      const b = await readFile(f);
      const d = dcmjs.data.DicomMessage.readFile(
        b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
      );
      dicomPatientIds.add(String(dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict)['PatientID']));
    }
    const outValues = new Set(
      (output['Patient'] ?? []).flatMap((p) =>
        ((p['identifier'] as { system?: string; value: string }[]) ?? [])
          .filter((i) => i.system === mrnSystem)
          .map((i) => i.value),
      ),
    );
    expect(dicomPatientIds.size).toBeGreaterThan(0);
    for (const pid of dicomPatientIds)
      expect(outValues.has(pid), 'the DICOM patient is found in FHIR').toBe(true);
    for (const p of input['Patient'] ?? []) {
      const mrn = ((p['identifier'] as { system?: string; value: string }[]) ?? []).find(
        (i) => i.system === mrnSystem,
      );
      if (mrn) expect(outValues.has(pseudonymizePatientId(secret, mrnSystem, mrn.value))).toBe(true);
    }
    const dicomDirs = new Set(await readdir(dicomOut));
    for (const s of output['ImagingStudy'] ?? []) {
      const uid = String((s['identifier'] as { value: string }[])[0]?.value).replace('urn:oid:', '');
      expect(dicomDirs.has(uid), 'the study folder exists').toBe(true);
    }
    for (const s of input['ImagingStudy'] ?? []) {
      const uid = String((s['identifier'] as { value: string }[])[0]?.value).replace('urn:oid:', '');
      expect(dicomDirs.has(mapUid(secret, uid))).toBe(true);
    }
    // both reports record the one policy they shared
    const policy = { mode: 'patient-id-system', system: mrnSystem };
    for (const d of [fhirOut, dicomOut]) {
      const report = JSON.parse(await readFile(join(d, 'deid-report.json'), 'utf8'));
      expect(report.settings.patientIdNamespace).toEqual(policy);
    }
  });

  it('is reproducible, and keeps per-patient intervals with --date-shift', async () => {
    const a = join(dir, 'rep-a');
    const b = join(dir, 'rep-b');
    await deidFhir([join(cohort, 'owner-001/fhir')], a, { dateShift: true });
    await deidFhir([join(cohort, 'owner-001/fhir')], b, { dateShift: true });
    expect((await digestPath(a)).sha256).toBe((await digestPath(b)).sha256);
    const input = await readNdjsonDir(join(cohort, 'owner-001/fhir'));
    const output = await readNdjsonDir(a);
    const day = (s: string) => Date.parse(s.slice(0, 10)) / 86_400_000;
    const encIn = input['Encounter'] ?? [];
    const encOut = output['Encounter'] ?? [];
    let checked = 0;
    for (let i = 0; i + 1 < encIn.length; i++) {
      const [x, y] = [encIn[i] as Json, encIn[i + 1] as Json];
      if ((x['subject'] as Json)['reference'] !== (y['subject'] as Json)['reference']) continue;
      const start = (e: Json) => String((e['period'] as Json)['start']);
      const shiftX = day(start(encOut[i] as Json)) - day(start(x));
      expect(shiftX).not.toBe(0);
      expect(day(start(encOut[i + 1] as Json)) - day(start(y))).toBe(shiftX);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('deid fhir on mixed and bad inputs', () => {
  it('takes Bundles, single resources and NDJSON together; a malformed file is rejected and rolled back', async () => {
    const inDir = join(dir, 'mixed');
    await mkdir(inDir, { recursive: true });
    const samples = join(repoRoot, 'datasets/samples/fhir');
    await copyFile(join(samples, 'Bundle-bundle-transaction.json'), join(inDir, 'a-bundle.json'));
    await copyFile(join(samples, 'Patient-example.json'), join(inDir, 'b-patient.json'));
    await writeFile(
      join(inDir, 'c-bad.ndjson'),
      `${JSON.stringify({ resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' } })}\n{broken\n`,
    );
    await writeFile(join(inDir, 'd-notes.txt'), 'not FHIR');
    const out = join(dir, 'mixed-out');
    const r = await deidFhir([inDir], out);
    expect((r.rejected ?? []).map((x) => [x.path?.split('/').pop(), x.reason])).toEqual([
      ['c-bad.ndjson', 'line 2 is not valid JSON'],
    ]);
    const output = await readNdjsonDir(out);
    expect(output['Observation']).toBeUndefined(); // the bad file's first line was rolled back
    expect((output['Patient'] ?? []).length).toBe(6); // 5 in the Bundle + 1 single resource
    const report = DeidFhirReportSchema.parse(
      JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8')),
    );
    expect(report.inputs.map((i) => i.status)).toEqual([
      'deidentified',
      'deidentified',
      'rejected',
      'skipped',
    ]);
    expect(JSON.stringify(report)).not.toContain(inDir);
  });
});

describe('the FHIR leak scan', () => {
  it('does not mistake a name that is also a vocabulary word for a leak, and still removes the name', async () => {
    const inDir = join(dir, 'black');
    await mkdir(inDir, { recursive: true });
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ family: 'Black', given: ['Jordan'] }],
      extension: [
        {
          url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
          extension: [
            {
              url: 'ombCategory',
              valueCoding: {
                system: 'urn:oid:2.16.840.1.113883.6.238',
                code: '2054-5',
                display: 'Black or African American',
              },
            },
          ],
        },
      ],
    };
    await writeFile(join(inDir, 'Patient.ndjson'), `${JSON.stringify(patient)}\n`);
    const out = join(dir, 'black-out');
    const r = await deidFhir([inDir], out);
    expect(r.rejected ?? []).toEqual([]);
    const text = await readFile(join(out, 'Patient.ndjson'), 'utf8');
    expect(text).not.toContain('Jordan');
    expect(text).not.toContain('"family"');
    expect(text).toContain('Black or African American');
  });
});

describe('FHIR worker threads', () => {
  it('give the same bytes as one thread, rejected files included', async () => {
    const one = join(dir, 'threads-one');
    const two = join(dir, 'threads-two');
    await writeFile(
      join(cohort, 'owner-001/fhir/zz-bad.ndjson'),
      '{"resourceType":"Patient","id":"x"}\n{oops\n',
    );
    const a = await deidFhir([join(cohort, 'owner-001/fhir')], one, { workers: 0, dateShift: true });
    const b = await deidFhir([join(cohort, 'owner-001/fhir')], two, { workers: 2, dateShift: true });
    expect(a.rejected?.map((r) => r.reason)).toEqual(['line 2 is not valid JSON']);
    expect(b.rejected?.map((r) => [r.ordinal, r.reason])).toEqual(
      a.rejected?.map((r) => [r.ordinal, r.reason]),
    );
    expect((await digestPath(two)).sha256).toBe((await digestPath(one)).sha256);
    expect((await readdir(two)).includes('.parts')).toBe(false);
  });
});

describe('the over-89 rule without --as-of-year', () => {
  it('is judged against the latest year in the data, never the clock, whichever worker sees which file', async () => {
    const inDir = join(dir, 'as-of');
    await mkdir(inDir, { recursive: true });
    const patients = [
      { resourceType: 'Patient', id: 'p85', birthDate: '1930-05-06' },
      { resourceType: 'Patient', id: 'p91', birthDate: '1924-01-01' },
    ];
    const encounter = {
      resourceType: 'Encounter',
      id: 'e1',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: 'Patient/p85' },
      period: { start: '2015-03-04T10:00:00Z' },
    };
    // a product's expiry is no date of a person's life: it does not move the year
    const device = { resourceType: 'Device', id: 'd1', expirationDate: '2047-11-05' };
    await writeFile(join(inDir, 'Patient.ndjson'), `${patients.map((p) => JSON.stringify(p)).join('\n')}\n`);
    await writeFile(join(inDir, 'Encounter.ndjson'), `${JSON.stringify(encounter)}\n`);
    await writeFile(join(inDir, 'Device.ndjson'), `${JSON.stringify(device)}\n`);
    // a clock far from the data: the old default (the clock's year) would make both patients 90+
    const later = { ...ctx, clock: fixedClock('2099-06-01T00:00:00Z') };
    const run = async (name: string, extra: Record<string, unknown>) => {
      const out = join(dir, name);
      await deidentifyFhirFiles(
        later,
        DeidFhirOptionsSchema.parse({ inputs: [inDir], out, secretFile, ...extra }),
      );
      const births = (await readNdjsonDir(out))['Patient']?.map((p) => p['birthDate']);
      const report = DeidFhirReportSchema.parse(
        JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8')),
      );
      return { births, settings: report.settings, digest: (await digestPath(out)).sha256 };
    };
    const one = await run('as-of-one', { workers: 0 });
    expect(one.births).toEqual(['1930', '1925']); // 85 in 2015: kept; 91: the 90+ category (2015 − 90)
    expect(one.settings).toMatchObject({ asOfYear: 2015, asOfYearSource: 'data' });
    const two = await run('as-of-two', { workers: 2 });
    expect(two.digest).toBe(one.digest);
    const given = await run('as-of-given', { workers: 0, asOfYear: 2030 });
    expect(given.births).toEqual(['1940', '1940']);
    expect(given.settings).toMatchObject({ asOfYear: 2030, asOfYearSource: 'option' });
  });
});
