import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import dcmjs from 'dcmjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { digestPath, listFiles } from '../../src/core/hash.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { dateShiftDays, mapUid, pseudonymizePatientId } from '../../src/core/pseudonym.js';
import { DeidDicomReportSchema } from '../../src/core/schemas/deidDicomReport.js';
import { readSecretFile } from '../../src/core/secretFile.js';
import { deidentifyDicomFiles } from '../../src/deid/dicom/deidentifyDicomFiles.js';
import { DeidDicomOptionsSchema } from '../../src/deid/dicom/schema.js';
import { verifyDeidentified } from '../../src/deid/dicom/verifyDeidentified.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { repoRoot } from '../utils/cli.js';
import { dicomText, rewriteDicomText } from '../utils/dicomTags.js';
import { tempDir } from '../utils/tmp.js';

const secretHex = '5e'.repeat(32);
const secret = new Uint8Array(Buffer.from(secretHex, 'hex'));
const ctx = {
  workspace: undefined,
  // what the runner resolves from --secret-file (the tests pass the same file)
  secrets: { pseudonym: secret },
  clock: fixedClock('2025-01-01T00:00:00Z'),
  log: silentLogger,
  progress: silentProgress,
};

type Ds = Record<string, unknown>;
function readDcm(bytes: Buffer): { meta: Ds; ds: Ds } {
  const d = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    {
      ignoreErrors: true,
    },
  );
  return {
    meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.meta),
    ds: dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict),
  };
}

let dir: string;
let cohort: string;
let secretFile: string;

async function deid(inputs: string[], out: string, extra: Record<string, unknown> = {}) {
  return deidentifyDicomFiles(
    ctx,
    DeidDicomOptionsSchema.parse({ inputs, out, secretFile, workers: 0, ...extra }),
  );
}

beforeAll(async () => {
  dir = await tempDir('sinso-deid-');
  secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, secretHex);
  cohort = join(dir, 'cohort');
  // two patients with imaging, several slices each: a multi-file study with references
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({
      out: cohort,
      owners: 1,
      patients: 6,
      imagingFraction: 1,
      slices: 3,
      imageSize: '64',
      seed: 11,
    }),
  );
});

describe('deid dicom on a synthetic multi-file cohort', () => {
  it('maps UIDs consistently across files and references, pseudonymises PatientID, lays out by new UIDs', async () => {
    const out = join(dir, 'out-basic');
    const r = await deid([join(cohort, 'owner-001/dicom')], out);
    expect(r.rejected ?? []).toEqual([]);
    const inputs = (await listFiles(join(cohort, 'owner-001/dicom'))).filter((f) => f.endsWith('.dcm'));
    const outputs = (await listFiles(out)).filter((f) => f.endsWith('.dcm'));
    expect(outputs.length).toBe(inputs.length);
    const outSops = new Set<string>();
    for (const f of outputs) {
      const { meta, ds } = readDcm(await readFile(f));
      expect(relative(out, f)).toBe(
        `${ds['StudyInstanceUID']}/${ds['SeriesInstanceUID']}/${ds['SOPInstanceUID']}.dcm`,
      );
      expect(meta['MediaStorageSOPInstanceUID']).toBe(ds['SOPInstanceUID']);
      expect(meta['TransferSyntaxUID']).toBe('1.2.840.10008.1.2.1');
      expect(meta['SourceApplicationEntityTitle']).toBeUndefined();
      expect(String(ds['SOPInstanceUID'])).toMatch(/^2\.25\.\d+$/);
      outSops.add(String(ds['SOPInstanceUID']));
    }
    for (const f of inputs) {
      const input = readDcm(await readFile(f)).ds;
      const sop = mapUid(secret, String(input['SOPInstanceUID']));
      const study = mapUid(secret, String(input['StudyInstanceUID']));
      const series = mapUid(secret, String(input['SeriesInstanceUID']));
      const output = readDcm(await readFile(join(out, study, series, `${sop}.dcm`))).ds;
      expect(output['FrameOfReferenceUID']).toBe(mapUid(secret, String(input['FrameOfReferenceUID'])));
      // no namespace option: one shared namespace, whatever IssuerOfPatientID says
      expect(output['PatientID']).toBe(pseudonymizePatientId(secret, '', String(input['PatientID'])));
      expect(output['IssuerOfPatientID']).toBeUndefined();
      const ref = (input['ReferencedImageSequence'] as Ds[] | undefined)?.[0];
      if (ref) {
        const outRef = (output['ReferencedImageSequence'] as Ds[])[0] as Ds;
        expect(outRef['ReferencedSOPInstanceUID']).toBe(
          mapUid(secret, String(ref['ReferencedSOPInstanceUID'])),
        );
        expect(outSops.has(String(outRef['ReferencedSOPInstanceUID']))).toBe(true); // points at a real output
        expect(outRef['ReferencedSOPClassUID']).toBe(ref['ReferencedSOPClassUID']); // registry UID kept
      }
      // the basic profile: names, dates, free text, private tags gone; markers present
      expect(String(output['PatientName'] ?? '')).toBe('');
      expect(output['StudyDate'] ?? '').toBe('');
      expect(output['PatientBirthDate'] ?? '').toBe('');
      expect(output['OtherPatientIDsSequence']).toBeUndefined();
      expect(output['PatientAddress']).toBeUndefined();
      expect(output['PatientComments']).toBeUndefined();
      expect(output['PatientIdentityRemoved']).toBe('YES');
      expect(output['LongitudinalTemporalInformationModified']).toBe('REMOVED');
      const codes = (output['DeidentificationMethodCodeSequence'] as Ds[]).map((c) => c['CodeValue']);
      expect(codes).toEqual(['113100']);
      expect(output['PixelData']).toBeDefined();
    }
    const report = DeidDicomReportSchema.parse(
      JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8')),
    );
    expect(report.counts.deidentified).toBe(inputs.length);
    expect(JSON.stringify(report)).not.toContain(cohort);
  });

  it('copies pixel data byte for byte', async () => {
    const out = join(dir, 'out-pixels');
    await deid([join(cohort, 'owner-001/dicom')], out);
    const input = (await listFiles(join(cohort, 'owner-001/dicom')))[0] as string;
    const inDs = readDcm(await readFile(input)).ds;
    const outFile = join(
      out,
      mapUid(secret, String(inDs['StudyInstanceUID'])),
      mapUid(secret, String(inDs['SeriesInstanceUID'])),
      `${mapUid(secret, String(inDs['SOPInstanceUID']))}.dcm`,
    );
    const outDs = readDcm(await readFile(outFile)).ds;
    expect(Buffer.from((outDs['PixelData'] as ArrayBuffer[])[0] as ArrayBuffer)).toEqual(
      Buffer.from((inDs['PixelData'] as ArrayBuffer[])[0] as ArrayBuffer),
    );
  });

  it('leaves no identifying value of the input anywhere in the output bytes', async () => {
    const out = join(dir, 'out-leaks');
    await deid([join(cohort, 'owner-001/dicom')], out);
    const patients = (await readFile(join(cohort, 'owner-001/fhir/Patient.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const needles = new Set<string>();
    for (const p of patients) {
      for (const n of p.name ?? []) {
        for (const g of n.given ?? []) if (g.length >= 3) needles.add(g);
        if (n.family?.length >= 3) needles.add(n.family);
      }
      for (const id of p.identifier ?? []) needles.add(id.value);
      for (const t of p.telecom ?? []) needles.add(t.value);
      for (const a of p.address ?? []) for (const l of a.line ?? []) needles.add(l);
      needles.add(String(p.birthDate).replaceAll('-', ''));
    }
    for (const f of await listFiles(out)) {
      const text = (await readFile(f)).toString('latin1');
      for (const n of needles)
        expect(text.includes(n), `${n.length}-char value survives in ${relative(out, f)}`).toBe(false);
    }
    const v = await verifyDeidentified(
      { progress: silentProgress },
      { out, against: [join(cohort, 'owner-001/dicom')] },
    );
    expect(v.leaking).toEqual([]);
    expect(v.outputsScanned).toBeGreaterThan(0);
  });

  it('is reproducible: same inputs and secret give identical bytes; another secret differs', async () => {
    const a = join(dir, 'out-a');
    const b = join(dir, 'out-b');
    await deid([join(cohort, 'owner-001/dicom')], a);
    await deid([join(cohort, 'owner-001/dicom')], b, { workers: 2 });
    expect((await digestPath(a)).sha256).toBe((await digestPath(b)).sha256);
    const other = join(dir, 'other.hex');
    await writeFile(other, '77'.repeat(32));
    const c = join(dir, 'out-c');
    await deidentifyDicomFiles(
      { ...ctx, secrets: { pseudonym: await readSecretFile(other) } },
      DeidDicomOptionsSchema.parse({
        inputs: [join(cohort, 'owner-001/dicom')],
        out: c,
        secretFile: other,
        workers: 0,
      }),
    );
    expect((await digestPath(c)).sha256).not.toBe((await digestPath(a)).sha256);
  });

  it('shifts every date of a patient by one keyed offset with retain-longitudinal-modified-dates', async () => {
    const out = join(dir, 'out-dates');
    await deid([join(cohort, 'owner-001/dicom')], out, { option: ['retain-longitudinal-modified-dates'] });
    const inputs = (await listFiles(join(cohort, 'owner-001/dicom'))).filter((f) => f.endsWith('.dcm'));
    for (const f of inputs) {
      const i = readDcm(await readFile(f)).ds;
      const o = readDcm(
        await readFile(
          join(
            out,
            mapUid(secret, String(i['StudyInstanceUID'])),
            mapUid(secret, String(i['SeriesInstanceUID'])),
            `${mapUid(secret, String(i['SOPInstanceUID']))}.dcm`,
          ),
        ),
      ).ds;
      const shift = dateShiftDays(secret, `pid\u0000\u0000${i['PatientID']}`, 365);
      const day = (s: unknown) =>
        Date.UTC(
          Number(String(s).slice(0, 4)),
          Number(String(s).slice(4, 6)) - 1,
          Number(String(s).slice(6, 8)),
        );
      expect((day(o['StudyDate']) - day(i['StudyDate'])) / 86_400_000).toBe(shift);
      expect((day(o['ContentDate']) - day(i['ContentDate'])) / 86_400_000).toBe(shift);
      expect(o['LongitudinalTemporalInformationModified']).toBe('MODIFIED');
      const codes = (o['DeidentificationMethodCodeSequence'] as Ds[]).map((c) => c['CodeValue']);
      expect(codes).toContain('113107');
    }
  });
});

const PATIENT_ID = 0x00100020;
const ISSUER = 0x00100021;
const STUDY_UID = 0x0020000d;

/** The output of an input file: the path named by its mapped UIDs. */
async function outputOf(out: string, input: string): Promise<string> {
  const uid = async (tag: number) => mapUid(secret, await dicomText(input, tag));
  return join(out, await uid(STUDY_UID), await uid(0x0020000e), `${await uid(0x00080018)}.dcm`);
}

const dayOf = (da: string) =>
  Date.UTC(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8))) / 86_400_000;

describe('one patient, one pseudonym: IssuerOfPatientID in some of their objects only', () => {
  /**
   * Three objects of one patient, as a real archive holds them: two of one study (one with the
   * issuer, a site code, and one without) and one of another study, without the issuer.
   */
  async function onePatient(name: string): Promise<{ inputs: string[]; pid: string }> {
    const files = (await listFiles(join(cohort, 'owner-001/dicom'))).filter((f) => f.endsWith('.dcm'));
    const byStudy = new Map<string, string[]>();
    for (const f of files) {
      const s = await dicomText(f, STUDY_UID);
      byStudy.set(s, [...(byStudy.get(s) ?? []), f]);
    }
    const [first, second] = [...byStudy.values()] as [string[], string[]];
    const pid = await dicomText(first[0] as string, PATIENT_ID);
    const inDir = join(dir, name);
    await mkdir(inDir, { recursive: true });
    const inputs = ['a.dcm', 'b.dcm', 'c.dcm'].map((n) => join(inDir, n));
    await rewriteDicomText(first[0] as string, inputs[0] as string, { [ISSUER]: 'SITE01' });
    await rewriteDicomText(first[1] as string, inputs[1] as string, { [ISSUER]: undefined });
    await rewriteDicomText(second[0] as string, inputs[2] as string, {
      [ISSUER]: undefined,
      [PATIENT_ID]: pid,
    });
    return { inputs, pid };
  }

  it('gives one pseudonym and one date shift, so the intervals between their studies survive', async () => {
    const { inputs, pid } = await onePatient('one-patient');
    const out = join(dir, 'out-one-patient');
    const r = await deid([join(dir, 'one-patient')], out, { option: ['retain-longitudinal-modified-dates'] });
    expect(r.rejected ?? []).toEqual([]);
    const pseudonym = pseudonymizePatientId(secret, '', pid);
    const shift = dateShiftDays(secret, `pid\u0000\u0000${pid}`, 365);
    const studyDates: { in: number; out: number }[] = [];
    for (const input of inputs) {
      const output = await outputOf(out, input);
      expect(await dicomText(output, PATIENT_ID)).toBe(pseudonym);
      expect(await dicomText(output, ISSUER)).toBe('');
      const d = {
        in: dayOf(await dicomText(input, 0x00080020)),
        out: dayOf(await dicomText(output, 0x00080020)),
      };
      expect(d.out - d.in).toBe(shift);
      studyDates.push(d);
    }
    const [a, , c] = studyDates as [(typeof studyDates)[0], unknown, (typeof studyDates)[0]];
    expect(c.in).not.toBe(a.in); // two studies on different days …
    expect(c.out - a.out).toBe(c.in - a.in); // … the same number of days apart after the shift
  });

  it('with --patient-id-system, keys the pseudonym and the shift by that system for every object', async () => {
    const system = 'http://owner-001.example.org/mrn';
    const { inputs, pid } = await onePatient('one-patient-system');
    const out = join(dir, 'out-one-patient-system');
    const r = await deid([join(dir, 'one-patient-system')], out, {
      option: ['retain-longitudinal-modified-dates'],
      patientIdSystem: system,
    });
    expect(r.rejected ?? []).toEqual([]);
    expect(r.summary.patientIds).toBe('patient-id-system');
    const shift = dateShiftDays(secret, `pid\u0000${system}\u0000${pid}`, 365);
    for (const input of inputs) {
      const output = await outputOf(out, input);
      expect(await dicomText(output, PATIENT_ID)).toBe(pseudonymizePatientId(secret, system, pid));
      expect(dayOf(await dicomText(output, 0x00080020)) - dayOf(await dicomText(input, 0x00080020))).toBe(
        shift,
      );
    }
    const report = DeidDicomReportSchema.parse(
      JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8')),
    );
    expect(report.settings.patientIdNamespace).toEqual({ mode: 'patient-id-system', system });
  });

  it('worker threads resolve namespaces as one thread does (an issuer map and a default system)', async () => {
    const many = join(dir, 'many');
    await synthesize(
      { progress: silentProgress, log: silentLogger },
      SynthOptionsSchema.parse({
        out: many,
        owners: 1,
        patients: 12,
        imagingFraction: 1,
        slices: 5,
        imageSize: '64',
        seed: 8,
      }),
    );
    const map = join(dir, 'site-map.json');
    const siteSystem = 'http://site001.example.org/mrn';
    const mrnSystem = 'http://owner-001.example.org/mrn';
    await writeFile(map, JSON.stringify({ schema: '1', issuers: { SITE001: siteSystem } }));
    const opts = { issuerMap: map, patientIdSystem: mrnSystem };
    const inputs = (await listFiles(join(many, 'owner-001/dicom'))).filter((f) => f.endsWith('.dcm'));
    const pooled = await deid([join(many, 'owner-001/dicom')], join(dir, 'many-pooled'), {
      ...opts,
      workers: 2,
    });
    const single = await deid([join(many, 'owner-001/dicom')], join(dir, 'many-single'), {
      ...opts,
      workers: 0,
    });
    expect(pooled.summary.deidentified).toBe(inputs.length);
    expect(single.summary.deidentified).toBe(inputs.length);
    expect(inputs.length).toBeGreaterThan(48); // more than a batch the calling thread runs alone
    expect((await digestPath(join(dir, 'many-pooled'))).sha256).toBe(
      (await digestPath(join(dir, 'many-single'))).sha256,
    );
    const systems = new Set<string>();
    for (const input of inputs) {
      const system = (await dicomText(input, ISSUER)) === 'SITE001' ? siteSystem : mrnSystem;
      systems.add(system);
      const output = await outputOf(join(dir, 'many-pooled'), input);
      expect(await dicomText(output, PATIENT_ID)).toBe(
        pseudonymizePatientId(secret, system, await dicomText(input, PATIENT_ID)),
      );
    }
    expect(systems.size).toBe(2);
  });
});

describe('deid dicom on every public sample file', () => {
  const samples = join(repoRoot, 'datasets/samples/dicom');
  it('de-identifies or rejects each with a reason, and the outputs parse', async () => {
    const out = join(dir, 'out-samples');
    const r = await deid([samples], out, { workers: 2 });
    const report = DeidDicomReportSchema.parse(
      JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8')),
    );
    const names = (await listFiles(samples)).map((f) => f.split('/').pop() as string);
    expect(report.counts.inputs).toBe(names.length);
    const why = new Map((r.rejected ?? []).map((x) => [x.path?.split('/').pop(), x.reason]));
    const expected: Record<string, RegExp | 'ok'> = {
      'CT_small.dcm': 'ok',
      'ExplVR_BigEnd.dcm': /modality US .*BurnedInAnnotation is missing/,
      'JPEG2000.dcm': 'ok',
      'JPGExtended.dcm': 'ok',
      'MR_small.dcm': 'ok', // the lowest ordinal of four files sharing one SOP Instance UID
      'MR_small_RLE.dcm': /duplicate/,
      'MR_small_bigendian.dcm': /duplicate/,
      'MR_small_implicit.dcm': /duplicate/,
      'UN_sequence.dcm': /missing SOPInstanceUID/,
      'badVR.dcm': 'ok',
      'empty_charset_LEI.dcm': /missing SOPInstanceUID/,
      'image_dfl.dcm': /modality OT .*BurnedInAnnotation is missing/,
      'nested_priv_SQ.dcm': /missing SOPInstanceUID/,
      'no-meta-length-test.dcm': 'ok',
      'priv_SQ.dcm': /missing SOPInstanceUID/,
      'rtstruct.dcm': 'ok',
      'sample-sr.dcm': 'ok',
    };
    for (const name of names) {
      const want = expected[name];
      if (want === undefined) {
        // a sample added later: it must still de-identify or be rejected with a reason
        if (why.has(name)) expect(why.get(name)).toMatch(/\w{4,}/);
        continue;
      }
      if (want === 'ok') expect(why.get(name), name).toBeUndefined();
      else expect(why.get(name), name).toMatch(want);
    }
    for (const f of (await listFiles(out)).filter((x) => x.endsWith('.dcm'))) {
      const { ds } = readDcm(await readFile(f));
      expect(ds['PatientIdentityRemoved']).toBe('YES');
    }
    const again = join(dir, 'out-samples-2');
    await deid([samples], again, { workers: 2 });
    expect((await digestPath(again)).sha256).toBe((await digestPath(out)).sha256);
  });

  it('rejects truncated and random files with a reason, never crashing', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad, { recursive: true });
    const mr = await readFile(join(samples, 'MR_small.dcm'));
    await writeFile(join(bad, 'truncated.dcm'), mr.subarray(0, 2000));
    await writeFile(
      join(bad, 'random.dcm'),
      Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff)),
    );
    await writeFile(join(bad, 'empty.dcm'), '');
    await copyFile(join(samples, 'MR_small.dcm'), join(bad, 'ok.dcm'));
    await copyFile(join(samples, 'MR_small.dcm'), join(bad, 'ok-again.dcm')); // same SOP Instance UID
    const r = await deid([bad], join(dir, 'out-bad'));
    const reasons = Object.fromEntries((r.rejected ?? []).map((x) => [x.path?.split('/').pop(), x.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      ['empty.dcm', 'ok.dcm', 'random.dcm', 'truncated.dcm']
        .filter((n) => n !== 'ok.dcm')
        .concat(['ok.dcm'])
        .sort(),
    );
    expect(reasons['empty.dcm']).toBe('empty file');
    expect(reasons['ok.dcm']).toMatch(/duplicate/);
    expect(r.summary['deidentified']).toBe(1);
  });
});

describe('property: generated data sets', () => {
  it('no inserted identifier survives, and running twice gives identical bytes', async () => {
    const base = (await listFiles(join(cohort, 'owner-001/dicom')))[0] as string;
    const bytes = await readFile(base);
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          minLength: 6,
          maxLength: 20,
          unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'.split('')),
        }),
        fc.string({
          minLength: 6,
          maxLength: 20,
          unit: fc.constantFrom(...'abcdefghjkmnpqrstuvwxyz'.split('')),
        }),
        async (family, comment) => {
          const d = dcmjs.data.DicomMessage.readFile(
            bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
          );
          d.dict['00100010'] = { vr: 'PN', Value: [{ Alphabetic: `${family}^Test` }] };
          d.dict['00204000'] = { vr: 'LT', Value: [`seen by ${comment}`] };
          d.dict['00081030'] = { vr: 'LO', Value: [`study of ${family}`] };
          const crafted = Buffer.from((d as unknown as { write(): ArrayBuffer }).write());
          const inDir = await tempDir('sinso-prop-');
          await writeFile(join(inDir, 'x.dcm'), crafted);
          const o1 = join(inDir, 'o1');
          const o2 = join(inDir, 'o2');
          await deid([inDir], o1, { option: ['clean-descriptors'] });
          await deid([join(inDir, 'x.dcm')], o2, { option: ['clean-descriptors'] });
          const files = (await listFiles(o1)).filter((f) => f.endsWith('.dcm'));
          expect(files.length).toBe(1);
          const text = (await readFile(files[0] as string)).toString('latin1');
          expect(text.includes(family)).toBe(false);
          expect(text.includes(comment)).toBe(false);
          expect((await readdir(o2)).length).toBeGreaterThan(0);
          expect((await digestPath(join(o1, relative(o1, files[0] as string)))).sha256).toBe(
            (await digestPath(join(o2, relative(o1, files[0] as string)))).sha256,
          );
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('burned-in annotation', () => {
  async function craft(
    name: string,
    edit: (d: Record<string, { vr: string; Value?: unknown[] }>) => void,
    from = 'MR_small.dcm',
  ) {
    const bytes = await readFile(join(repoRoot, 'datasets/samples/dicom', from));
    const d = dcmjs.data.DicomMessage.readFile(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    edit(d.dict);
    const inDir = await tempDir('sinso-bia-');
    await writeFile(join(inDir, name), Buffer.from((d as unknown as { write(): ArrayBuffer }).write()));
    return inDir;
  }

  it('rejects YES without a matching rule; blanks the rule’s rectangles in native pixel data', async () => {
    const inDir = await craft('us.dcm', (d) => {
      d['00080060'] = { vr: 'CS', Value: ['US'] };
      d['00280301'] = { vr: 'CS', Value: ['YES'] };
      d['00080070'] = { vr: 'LO', Value: ['ACME Imaging'] };
    });
    const none = await deid([inDir], join(inDir, 'o1'));
    expect(none.rejected?.[0]?.reason).toMatch(/burned-in annotation .* no pixel-cleaning rule/);
    const rules = join(inDir, 'rules.json');
    await writeFile(
      rules,
      JSON.stringify({
        schema: '1',
        rules: [
          {
            manufacturer: '^acme',
            rows: 64,
            columns: 64,
            rectangles: [{ x: 0, y: 0, width: 64, height: 8 }],
          },
        ],
      }),
    );
    const ok = await deid([join(inDir, 'us.dcm')], join(inDir, 'o2'), { pixelRules: rules });
    expect(ok.rejected ?? []).toEqual([]);
    expect(ok.summary['pixelsCleaned']).toBe(1);
    const f = (await listFiles(join(inDir, 'o2'))).find((x) => x.endsWith('.dcm')) as string;
    const px = new Uint16Array(
      (readDcm(await readFile(f)).ds['PixelData'] as ArrayBuffer[])[0] as ArrayBuffer,
    );
    expect(px.subarray(0, 64 * 8).every((v) => v === 0)).toBe(true);
    const orig = new Uint16Array(
      (readDcm(await readFile(join(inDir, 'us.dcm'))).ds['PixelData'] as ArrayBuffer[])[0] as ArrayBuffer,
    );
    expect(Array.from(px.subarray(64 * 8))).toEqual(Array.from(orig.subarray(64 * 8)));
  });

  it('rejects compressed pixel data with burned-in text even when a rule matches', async () => {
    const inDir = await craft(
      'j2k.dcm',
      (d) => {
        d['00280301'] = { vr: 'CS', Value: ['YES'] };
      },
      'MR_small_RLE.dcm',
    );
    const rules = join(inDir, 'rules.json');
    await writeFile(
      rules,
      JSON.stringify({
        schema: '1',
        rules: [
          { manufacturer: '.*', rows: 64, columns: 64, rectangles: [{ x: 0, y: 0, width: 8, height: 8 }] },
        ],
      }),
    );
    const r = await deid([join(inDir, 'j2k.dcm')], join(inDir, 'o'), { pixelRules: rules });
    expect(r.rejected?.[0]?.reason).toMatch(/compressed pixel data/);
  });

  it('rejects US without the flag unless allowed', async () => {
    const inDir = await craft('us.dcm', (d) => {
      d['00080060'] = { vr: 'CS', Value: ['US'] };
      delete d['00280301'];
    });
    expect((await deid([inDir], join(inDir, 'o1'))).rejected?.[0]?.reason).toMatch(
      /modality US .* BurnedInAnnotation is missing/,
    );
    expect(
      (await deid([join(inDir, 'us.dcm')], join(inDir, 'o2'), { allowMissingBurnedInFlag: true })).rejected ??
        [],
    ).toEqual([]);
  });
});

describe('worker threads', () => {
  it('give the same bytes and the same duplicate decisions as one thread', async () => {
    const big = join(dir, 'big');
    await synthesize(
      { progress: silentProgress, log: silentLogger },
      SynthOptionsSchema.parse({
        out: big,
        owners: 1,
        patients: 12,
        imagingFraction: 1,
        slices: 6,
        imageSize: '64',
        seed: 5,
      }),
    );
    const dicom = join(big, 'owner-001/dicom');
    const first = (await listFiles(dicom))[0] as string;
    // two copies of one file: the lowest ordinal must win, whatever thread finishes first
    await mkdir(join(dicom, 'zz-copies'), { recursive: true });
    await copyFile(first, join(dicom, 'zz-copies/a.dcm'));
    await copyFile(first, join(dicom, 'zz-copies/b.dcm'));
    const pooled = await deid([dicom], join(dir, 'big-pooled'), { workers: 2 });
    const single = await deid([dicom], join(dir, 'big-single'), { workers: 0 });
    expect(pooled.summary['deidentified']).toBeGreaterThan(48);
    expect((pooled.rejected ?? []).map((r) => [r.ordinal, r.reason])).toEqual(
      (single.rejected ?? []).map((r) => [r.ordinal, r.reason]),
    );
    expect((pooled.rejected ?? []).map((r) => r.path?.split('/').slice(-2).join('/'))).toEqual([
      'zz-copies/a.dcm',
      'zz-copies/b.dcm',
    ]);
    expect((await digestPath(join(dir, 'big-pooled'))).sha256).toBe(
      (await digestPath(join(dir, 'big-single'))).sha256,
    );
  });
});

describe('elements written as UN', () => {
  it('are acted on by their dictionary VR: UIDs mapped, dates shifted, names removed', async () => {
    const { parseDicom, writeDicom } = await import('../../src/ingest/index.js');
    const src = parseDicom(await readFile(join(repoRoot, 'datasets/samples/dicom/MR_small.dcm')));
    const un = {
      ...src,
      dataset: src.dataset.map((e) => (e.value && e.tag !== 0x7fe00010 ? { ...e, vr: 'UN' } : e)),
    };
    const inDir = await tempDir('sinso-un-');
    await writeFile(join(inDir, 'un.dcm'), writeDicom(un));
    const r = await deid([inDir], join(inDir, 'out'), { option: ['retain-longitudinal-modified-dates'] });
    expect(r.rejected ?? []).toEqual([]);
    const f = (await listFiles(join(inDir, 'out'))).find((x) => x.endsWith('.dcm')) as string;
    const i = readDcm(await readFile(join(repoRoot, 'datasets/samples/dicom/MR_small.dcm'))).ds;
    const o = parseDicom(await readFile(f));
    const text = (tag: number) => {
      const el = o.dataset.find((e) => e.tag === tag);
      return el?.value
        ? Buffer.from(el.value)
            .toString('latin1')
            .replace(/[\0 ]+$/, '')
        : '';
    };
    expect(text(0x00080018)).toBe(mapUid(secret, String(i['SOPInstanceUID'])));
    expect(text(0x00080020)).not.toBe(String(i['StudyDate']));
    expect(text(0x00080020)).toMatch(/^\d{8}$/);
    expect(text(0x00100010)).toBe('');
  });
});
