import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { deidentifyDicomFiles } from '../../src/deid/dicom/deidentifyDicomFiles.js';
import { DeidDicomOptionsSchema } from '../../src/deid/dicom/schema.js';
import { deidentifyFhirFiles } from '../../src/deid/fhir/deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from '../../src/deid/fhir/schema.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { buildTables } from '../../src/tables/buildTables.js';
import { TablesOptionsSchema, TablesSuppressOptionsSchema } from '../../src/tables/schema.js';
import { suppressTables } from '../../src/tables/suppressTables.js';
import { withSession } from '../utils/duckdb.js';
import { deidFhirReport } from '../utils/reports.js';
import { tempDir } from '../utils/tmp.js';

// What the tables used to lose (#9 item 3): Observation components, decimal digits, the patient
// of DICOM-only studies, resources given twice, and outputs inside a folder.

const ctx = {
  workspace: undefined,
  secrets: { pseudonym: new Uint8Array(Buffer.from('5a'.repeat(32), 'hex')) },
  clock: fixedClock('2025-06-01T00:00:00Z'),
  log: silentLogger,
  progress: silentProgress,
};
type Json = Record<string, unknown>;
const MRN = 'http://owner-001.example.org/mrn';

let dir: string;
let deidRoot: string;
let fhirOut: string;
let dicomOut: string;

async function ndjson(path: string): Promise<Json[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Json);
}

/** Rows of a Parquet file, every value as text (so decimals compare exactly). */
async function parquetText(file: string, orderBy: string): Promise<Json[]> {
  return withSession((s) =>
    s.rows(`SELECT COLUMNS(*)::VARCHAR FROM read_parquet('${file}') ORDER BY ${orderBy}`),
  );
}

async function build(inputs: string[], out: string) {
  return buildTables(ctx, TablesOptionsSchema.parse({ inputs, out }));
}

/** A hand-made de-identified FHIR folder holding the given Observations. */
async function observationFolder(name: string, observations: Json[]): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'deid-report.json'), JSON.stringify(deidFhirReport()));
  await writeFile(join(d, 'Observation.ndjson'), observations.map((o) => `${JSON.stringify(o)}\n`).join(''));
  return d;
}

const observation = (id: string, value: number): Json => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2020-03-04T05:06:07Z',
  valueQuantity: { value, unit: 'mg/dL', code: 'mg/dL' },
});

beforeAll(async () => {
  dir = await tempDir('sinso-tables-losses-');
  const secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, '5a'.repeat(32));
  const cohort = join(dir, 'cohort');
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({
      out: cohort,
      owners: 1,
      patients: 8,
      imagingFraction: 0.6,
      slices: 2,
      imageSize: '64',
      seed: 5,
    }),
  );
  // as a workspace lays them out: <owner>/deid/fhir and <owner>/deid/dicom, one MRN system
  deidRoot = join(dir, 'owner', 'deid');
  fhirOut = join(deidRoot, 'fhir');
  dicomOut = join(deidRoot, 'dicom');
  await deidentifyFhirFiles(
    ctx,
    DeidFhirOptionsSchema.parse({
      inputs: [join(cohort, 'owner-001/fhir')],
      out: fhirOut,
      secretFile,
      dateShift: true,
      patientIdSystem: MRN,
      workers: 0,
      leakScan: false,
    }),
  );
  await deidentifyDicomFiles(
    ctx,
    DeidDicomOptionsSchema.parse({
      inputs: [join(cohort, 'owner-001/dicom')],
      out: dicomOut,
      secretFile,
      option: ['retain-longitudinal-modified-dates'],
      patientIdSystem: MRN,
      workers: 0,
      leakScan: false,
    }),
  );
}, 120_000);

describe('tables keep what the resources hold', () => {
  it('flatten Observation components into observation_components, one row per component', async () => {
    const out = join(dir, 'tables-components');
    const r = await build([fhirOut], out);
    expect(r.rejected).toEqual([]);
    const expected = (await ndjson(join(fhirOut, 'Observation.ndjson'))).flatMap((o) =>
      ((o['component'] as Json[] | undefined) ?? []).map((c, i) => ({
        observation_id: o['id'],
        component_index: String(i + 1),
        patient_id: String((o['subject'] as { reference: string }).reference).split('/')[1],
        code: ((c['code'] as Json)['coding'] as Json[])[0]?.['code'],
        value: Number((c['valueQuantity'] as Json)['value']),
        unit_code: (c['valueQuantity'] as Json)['code'],
      })),
    );
    expect(expected.length, 'the cohort has blood-pressure panels').toBeGreaterThan(0);
    const rows = await parquetText(
      join(out, 'observation_components.parquet'),
      'observation_id, component_index',
    );
    expect(rows).toHaveLength(expected.length);
    const byKey = new Map(rows.map((x) => [`${x['observation_id']}/${x['component_index']}`, x]));
    for (const e of expected) {
      const row = byKey.get(`${e.observation_id}/${e.component_index}`);
      expect(row).toMatchObject({
        observation_id: e.observation_id,
        patient_id: e.patient_id,
        code: e.code,
        unit_code: e.unit_code,
      });
      expect(Number(row?.['value'])).toBe(e.value);
    }
    // systolic (8480-6) and diastolic (8462-4) are both there
    expect(new Set(rows.map((x) => x['code']))).toEqual(new Set(['8480-6', '8462-4']));
    expect(r.summary.rows['observation_components']).toBe(expected.length);
  });

  it('keep the digits of a decimal (5.390625 stays 5.390625)', async () => {
    const d = await observationFolder('decimals', [
      observation('o1', 5.390625),
      observation('o2', 0.00012345),
    ]);
    const out = join(dir, 'tables-decimals');
    await build([d], out);
    const rows = await parquetText(join(out, 'observations.parquet'), 'observation_id');
    expect(rows.map((x) => x['value'])).toEqual(['5.39062500', '0.00012345']);
    const manifest = JSON.parse(await readFile(join(out, 'tables.json'), 'utf8')) as {
      tables: { name: string; columns: { name: string; scale?: number }[] }[];
    };
    const value = manifest.tables
      .find((t) => t.name === 'observations')
      ?.columns.find((c) => c.name === 'value');
    expect(value?.scale).toBe(8);
  });

  it('give a DICOM-only study the patient whose MRN pseudonym is its PatientID, so suppression drops it', async () => {
    // the FHIR side without ImagingStudy: every study is found in DICOM only
    const patientsOnly = join(dir, 'patients-only');
    await mkdir(patientsOnly, { recursive: true });
    await copyFile(join(fhirOut, 'deid-report.json'), join(patientsOnly, 'deid-report.json'));
    await copyFile(join(fhirOut, 'Patient.ndjson'), join(patientsOnly, 'Patient.ndjson'));
    const out = join(dir, 'tables-dicom-only');
    const r = await build([patientsOnly, dicomOut], out);
    expect(r.rejected).toEqual([]);
    const studies = await parquetText(join(out, 'imaging_studies.parquet'), 'study_uid');
    expect(studies.length).toBeGreaterThan(0);
    const patients = await ndjson(join(patientsOnly, 'Patient.ndjson'));
    const mrnOf = new Map(
      patients.map((p) => [
        p['id'],
        ((p['identifier'] as Json[]).find((i) => i['system'] === MRN) as Json)['value'],
      ]),
    );
    for (const s of studies) {
      expect(s['imaging_study_id']).toBeNull();
      expect(s['patient_id'], 'a DICOM-only study has its patient').not.toBeNull();
      expect(mrnOf.get(s['patient_id'])).toBe(s['dicom_patient_id']);
    }
    // drop everyone (k above the cohort): no study, series or instance is left behind
    const k = join(dir, 'tables-dicom-only-k');
    const s = await suppressTables(
      ctx,
      TablesSuppressOptionsSchema.parse({ input: out, out: k, minK: 1000, qi: ['gender'] }),
    );
    expect(s.summary.patients).toBe(0);
    for (const t of ['imaging_studies', 'imaging_series', 'imaging_instances']) {
      expect(await parquetText(join(k, `${t}.parquet`), '1'), t).toEqual([]);
    }
  });

  it('count a resource given in two input folders once, and reject one that differs from the first', async () => {
    const a = await observationFolder('dup-a', [observation('o1', 1), observation('o2', 2)]);
    const same = await observationFolder('dup-same', [observation('o2', 2)]);
    const out = join(dir, 'tables-dup-same');
    const r = await build([a, same], out);
    expect(r.rejected).toEqual([]);
    expect(r.summary.rows['observations']).toBe(2);

    const other = await observationFolder('dup-other', [observation('o2', 3), observation('o3', 4)]);
    const out2 = join(dir, 'tables-dup-other');
    const r2 = await build([a, other], out2);
    expect(r2.rejected).toHaveLength(1);
    expect(r2.rejected?.[0]).toMatchObject({ ordinal: 2, path: join(other, 'Observation.ndjson') });
    expect(r2.rejected?.[0]?.reason).toMatch(
      /1 Observation resource\(s\) have the id of a different resource in input file #1/,
    );
    const rows = await parquetText(join(out2, 'observations.parquet'), 'observation_id');
    expect(rows.map((x) => [x['observation_id'], x['value']])).toEqual([
      ['o1', '1.00000000'],
      ['o2', '2.00000000'],
      ['o3', '4.00000000'],
    ]);
  });

  it('find the de-identified outputs inside a folder by their reports', async () => {
    const viaFolder = join(dir, 'tables-discovered');
    const viaList = join(dir, 'tables-listed');
    const r = await build([deidRoot], viaFolder);
    expect(r.rejected).toEqual([]);
    await build([fhirOut, dicomOut], viaList);
    expect(r.summary.rows['imaging_instances']).toBeGreaterThan(0);
    expect(r.summary.rows['patients']).toBeGreaterThan(0);
    for (const t of ['patients', 'observations', 'imaging_studies', 'imaging_instances']) {
      expect(await readFile(join(viaFolder, `${t}.parquet`)), t).toEqual(
        await readFile(join(viaList, `${t}.parquet`)),
      );
    }
  });
});
