import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cidOfFile } from '../../src/core/cid.js';
import { fixedClock } from '../../src/core/clock.js';
import { listFiles } from '../../src/core/hash.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { RiskReportSchema } from '../../src/core/schemas/risk.js';
import { TablesManifestSchema } from '../../src/core/schemas/tables.js';
import { deidentifyDicomFiles } from '../../src/deid/dicom/deidentifyDicomFiles.js';
import { DeidDicomOptionsSchema } from '../../src/deid/dicom/schema.js';
import { deidentifyFhirFiles } from '../../src/deid/fhir/deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from '../../src/deid/fhir/schema.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { appendArrowTable } from '../../src/tables/adapters/DuckDBSession.js';
import { runSql } from '../../src/tables/adapters/runSql.js';
import { arrowTable } from '../../src/tables/arrowColumns.js';
import { assessRisk } from '../../src/tables/assessRisk.js';
import { buildTables, workspaceDatabasePath } from '../../src/tables/buildTables.js';
import {
  RiskOptionsSchema,
  TABLE_NAMES,
  TablesOptionsSchema,
  TablesSuppressOptionsSchema,
} from '../../src/tables/schema.js';
import { suppressTables } from '../../src/tables/suppressTables.js';
import { repoRoot } from '../utils/cli.js';
import { withSession } from '../utils/duckdb.js';
import { deidFhirReport } from '../utils/reports.js';
import { testContext } from '../utils/stages.js';
import { tempDir } from '../utils/tmp.js';

const ctx = {
  workspace: undefined,
  // what the runner resolves from --secret-file (written below with the same bytes)
  secrets: { pseudonym: new Uint8Array(Buffer.from('5a'.repeat(32), 'hex')) },
  clock: fixedClock('2025-06-01T00:00:00Z'),
  log: silentLogger,
  progress: silentProgress,
};
type Json = Record<string, unknown>;

let dir: string;
let secretFile: string;
let cohortFhir: string;
let fhirShifted: string;
let fhirSafeHarbor: string;
let dicomOut: string;

async function ndjson(path: string): Promise<Json[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Json);
}

/** Reads a Parquet file with a fresh DuckDB session. */
async function parquetRows(file: string, orderBy?: string): Promise<Json[]> {
  return withSession((s) =>
    s.rows(`SELECT * FROM read_parquet('${file}')${orderBy ? ` ORDER BY ${orderBy}` : ''}`),
  );
}

async function build(inputs: string[], out: string, extra: Json = {}) {
  return buildTables(ctx, TablesOptionsSchema.parse({ inputs, out, ...extra }));
}

const refId = (r: unknown) =>
  String((r as { reference?: string } | undefined)?.reference ?? '').split('/')[1];

beforeAll(async () => {
  dir = await tempDir('sinso-tables-');
  secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, '5a'.repeat(32));
  const cohort = join(dir, 'cohort');
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({
      out: cohort,
      owners: 1,
      patients: 10,
      imagingFraction: 0.5,
      slices: 2,
      imageSize: '64',
      seed: 7,
    }),
  );
  cohortFhir = join(cohort, 'owner-001/fhir');
  fhirShifted = join(dir, 'deid-fhir-shifted');
  fhirSafeHarbor = join(dir, 'deid-fhir-sh');
  dicomOut = join(dir, 'deid-dicom');
  const fhirOpts = { inputs: [cohortFhir], secretFile, asOfYear: 2025, workers: 0, leakScan: false };
  await deidentifyFhirFiles(
    ctx,
    DeidFhirOptionsSchema.parse({ ...fhirOpts, out: fhirShifted, dateShift: true }),
  );
  await deidentifyFhirFiles(ctx, DeidFhirOptionsSchema.parse({ ...fhirOpts, out: fhirSafeHarbor }));
  await deidentifyDicomFiles(
    ctx,
    DeidDicomOptionsSchema.parse({
      inputs: [join(cohort, 'owner-001/dicom')],
      out: dicomOut,
      secretFile,
      option: ['retain-longitudinal-modified-dates'],
      workers: 0,
      leakScan: false,
    }),
  );
}, 120_000);

describe('tables from the synthetic cohort', () => {
  it('match the counts and values of the de-identified inputs (shifted dates)', async () => {
    const out = join(dir, 'tables-shifted');
    const r = await build([fhirShifted, dicomOut], out);
    expect(r.rejected).toEqual([]);
    const manifest = TablesManifestSchema.parse(JSON.parse(await readFile(join(out, 'tables.json'), 'utf8')));
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    const types = {
      patients: 'Patient',
      encounters: 'Encounter',
      observations: 'Observation',
      conditions: 'Condition',
      medications: 'MedicationRequest',
      imaging_studies: 'ImagingStudy',
    };
    for (const [table, type] of Object.entries(types)) {
      expect(rows[table], table).toBe((await ndjson(join(fhirShifted, `${type}.ndjson`))).length);
    }
    const dcm = (await listFiles(dicomOut)).filter((f) => f.endsWith('.dcm'));
    expect(rows['imaging_instances']).toBe(dcm.length);
    expect(rows['imaging_series']).toBe(new Set(dcm.map((f) => f.split('/').at(-2))).size);

    // observations: every value, reference and time
    const obs = await ndjson(join(fhirShifted, 'Observation.ndjson'));
    const table = new Map(
      (await parquetRows(join(out, 'observations.parquet'))).map((o) => [o['observation_id'], o]),
    );
    let withValue = 0;
    for (const o of obs) {
      const row = table.get(o['id']) as Json;
      expect(row['patient_id']).toBe(refId(o['subject']));
      expect(row['encounter_id']).toBe(refId(o['encounter']));
      const code = (o['code'] as { coding: { code: string }[] }).coding[0]?.code;
      expect(row['code']).toBe(code);
      const q = o['valueQuantity'] as { value: number; unit: string } | undefined;
      if (q) {
        withValue++;
        expect(Number(row['value'])).toBeCloseTo(q.value, 4);
        expect(row['unit']).toBe(q.unit);
      } else expect(row['value']).toBeNull();
      const when = o['effectiveDateTime'] as string;
      expect(new Date(`${String(row['effective_time']).replace(' ', 'T')}Z`).getTime()).toBe(
        Date.parse(when),
      );
      expect(row['effective_year']).toBe(Number(when.slice(0, 4)));
    }
    expect(withValue).toBeGreaterThan(0);

    // patients: quasi-identifiers
    const pts = await ndjson(join(fhirShifted, 'Patient.ndjson'));
    const prow = new Map((await parquetRows(join(out, 'patients.parquet'))).map((p) => [p['patient_id'], p]));
    for (const p of pts) {
      const row = prow.get(p['id']) as Json;
      expect(row['gender']).toBe(p['gender']);
      expect(row['birth_date']).toBe(p['birthDate']);
      expect(row['birth_year']).toBe(Number(String(p['birthDate']).slice(0, 4)));
      const addr = (p['address'] as { postalCode?: string; state?: string }[])[0];
      expect(row['zip3']).toBe(addr?.postalCode?.slice(0, 3));
      expect(row['state']).toBe(addr?.state);
    }

    // imaging: FHIR ImagingStudy joins the DICOM study; each instance carries its file's CID
    const studies = await parquetRows(join(out, 'imaging_studies.parquet'));
    expect(studies.length).toBeGreaterThan(0);
    for (const s of studies) {
      expect(s['has_dicom']).toBe(true);
      expect(prow.has(s['patient_id'])).toBe(true);
      expect(s['study_date']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const inst = await parquetRows(join(out, 'imaging_instances.parquet'));
    const first = inst[0] as Json;
    expect(first['cid']).toBe((await cidOfFile(join(dicomOut, String(first['file'])))).toString());
    expect(first['pixel_rows']).toBe(64);
    expect(String(first['file']).startsWith(`${first['study_uid']}/${first['series_uid']}/`)).toBe(true);
  });

  it('keeps year-only Safe Harbor dates as years, with NULL dates and times', async () => {
    const out = join(dir, 'tables-sh');
    await build([fhirSafeHarbor], out);
    const pts = await parquetRows(join(out, 'patients.parquet'));
    expect(pts.length).toBe(10);
    for (const p of pts) {
      expect(p['birth_date']).toBeNull();
      expect(p['birth_year']).toBeGreaterThan(1900);
    }
    const obs = await parquetRows(join(out, 'observations.parquet'));
    expect(obs.every((o) => o['effective_time'] === null && typeof o['effective_year'] === 'number')).toBe(
      true,
    );
    // no DICOM input: the imaging tables exist, empty apart from the FHIR studies
    const studies = await parquetRows(join(out, 'imaging_studies.parquet'));
    expect(studies.every((s) => s['has_dicom'] === false && s['patient_id'] !== null)).toBe(true);
    expect(await parquetRows(join(out, 'imaging_instances.parquet'))).toEqual([]);
  });

  it('gives the same bytes on a second run, in the workspace DuckDB too', async () => {
    const a = join(dir, 'repro-a');
    const b = join(dir, 'repro-b');
    await build([fhirShifted, dicomOut], a);
    const wctx = await testContext(join(dir, 'ws-repro'));
    await buildTables(wctx, TablesOptionsSchema.parse({ inputs: [fhirShifted, dicomOut], out: b }));
    const files = (await readdir(a)).sort();
    expect(files).toEqual([...TABLE_NAMES.map((t) => `${t}.parquet`), 'risk.json', 'tables.json'].sort());
    for (const f of files) expect(await readFile(join(b, f)), f).toEqual(await readFile(join(a, f)));
  });

  it('`sinso sql` answers agree with DuckDB reading the exported Parquet', async () => {
    const out = join(dir, 'tables-sql');
    const wctx = await testContext(join(dir, 'ws-sql'));
    await buildTables(
      wctx,
      TablesOptionsSchema.parse({ inputs: [fhirShifted, dicomOut], out, dataset: 'owner1' }),
    );
    const q = (rel: (t: string) => string) =>
      `SELECT p.gender, count(*)::INTEGER AS n, round(avg(o.value), 4) AS mean FROM ${rel('observations')} o ` +
      `JOIN ${rel('patients')} p USING (patient_id) WHERE o.code = '4548-4' GROUP BY p.gender ORDER BY p.gender`;
    const got: unknown[][] = [];
    await runSql({
      database: workspaceDatabasePath(wctx.workspace.paths.store),
      query: q((t) => t),
      dataset: 'owner1',
      onColumns: (names) => expect(names).toEqual(['gender', 'n', 'mean']),
      onRows: (rows) => {
        got.push(...rows.map((r) => [...r]));
        return true;
      },
    });
    const want = await withSession(async (s) =>
      (
        await s.connection.runAndReadAll(q((t) => `read_parquet('${join(out, `${t}.parquet`)}')`))
      ).getRowsJson(),
    );
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
    await expect(
      runSql({
        database: workspaceDatabasePath(wctx.workspace.paths.store),
        query: 'SELECT nope FROM patients',
        dataset: 'owner1',
        onColumns() {},
        onRows: () => true,
      }),
    ).rejects.toMatchObject({ code: 'SQL_FAILED' });
  });
});

describe('tables from the public samples', () => {
  it('match the de-identified samples', async () => {
    const fhir = join(dir, 'samples-fhir');
    const dicom = join(dir, 'samples-dicom');
    await deidentifyFhirFiles(
      ctx,
      DeidFhirOptionsSchema.parse({
        inputs: [join(repoRoot, 'datasets/samples/fhir')],
        out: fhir,
        secretFile,
        asOfYear: 2025,
        workers: 0,
      }),
    );
    await deidentifyDicomFiles(
      ctx,
      DeidDicomOptionsSchema.parse({
        inputs: [join(repoRoot, 'datasets/samples/dicom')],
        out: dicom,
        secretFile,
        workers: 0,
      }),
    );
    const out = join(dir, 'tables-samples');
    const r = await build([fhir, dicom], out);
    expect(r.rejected).toEqual([]);
    const manifest = TablesManifestSchema.parse(JSON.parse(await readFile(join(out, 'tables.json'), 'utf8')));
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    const present = new Set(await readdir(fhir));
    const count = async (type: string) =>
      present.has(`${type}.ndjson`) ? (await ndjson(join(fhir, `${type}.ndjson`))).length : 0;
    expect(rows['patients']).toBe(await count('Patient'));
    expect(rows['observations']).toBe(await count('Observation'));
    expect(rows['conditions']).toBe(await count('Condition'));
    expect(rows['encounters']).toBe(await count('Encounter'));
    expect(rows['patients']).toBeGreaterThan(0);
    const dcm = (await listFiles(dicom)).filter((f) => f.endsWith('.dcm'));
    expect(dcm.length).toBeGreaterThan(0);
    expect(rows['imaging_instances']).toBe(dcm.length);
    expect(manifest.sources.map((s) => s.modality)).toEqual(['fhir', 'dicom']);
  });
});

/** A hand-made deid-fhir folder: a report as `sinso deid fhir` writes it (the contract), and the given patients. */
async function handMade(name: string, patients: [number, string, string][], obsPerPatient = 2) {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'deid-report.json'), JSON.stringify(deidFhirReport()));
  const pts = patients.map(([y, g, z], i) => ({
    resourceType: 'Patient',
    id: `p${String(i).padStart(2, '0')}`,
    gender: g,
    birthDate: String(y),
    address: [{ use: 'home', postalCode: z, state: 'XX' }],
  }));
  const obs = pts.flatMap((p) =>
    Array.from({ length: obsPerPatient }, (_, j) => ({
      resourceType: 'Observation',
      id: `${p.id}-o${j}`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] },
      subject: { reference: `Patient/${p.id}` },
      effectiveDateTime: '2020',
      valueQuantity: { value: 170.25 + j, unit: 'cm' },
    })),
  );
  await writeFile(join(d, 'Patient.ndjson'), `${pts.map((p) => JSON.stringify(p)).join('\n')}\n`);
  await writeFile(join(d, 'Observation.ndjson'), `${obs.map((o) => JSON.stringify(o)).join('\n')}\n`);
  return d;
}

// classes over (birth_year, gender, zip3): 3 × (1980 F 021), 2 × (1980 M 021), 1 × (1985 F 432), 1 × (1981 F 021)
const HAND: [number, string, string][] = [
  [1980, 'female', '021'],
  [1980, 'female', '021'],
  [1980, 'female', '021'],
  [1980, 'male', '021'],
  [1980, 'male', '021'],
  [1985, 'female', '432'],
  [1981, 'female', '021'],
];

describe('k-anonymity and suppression', () => {
  it('reports k, the smallest classes and what is below minK on a hand-checked table', async () => {
    const src = await handMade('hand', HAND);
    const out = join(dir, 'tables-hand');
    await build([src], out, { minK: 3 });
    const risk = RiskReportSchema.parse(JSON.parse(await readFile(join(out, 'risk.json'), 'utf8')));
    expect(risk).toMatchObject({ rows: 7, classes: 4, k: 1, smallestClasses: [1, 1, 2, 3] });
    expect(risk).toMatchObject({ classesBelowMinK: 3, rowsBelowMinK: 4, minK: 3 });
    const byGender = await assessRisk(RiskOptionsSchema.parse({ tables: out, qi: ['gender'], minK: 3 }));
    expect(byGender).toMatchObject({ classes: 2, k: 2, smallestClasses: [2, 5], rowsBelowMinK: 2 });
    // ages as of 2025: 45, 45, 45, 45, 45, 40, 44 → bands of 10: 40 ×7; bands of 5: 45 ×5, 40 ×2
    const band10 = await assessRisk(
      RiskOptionsSchema.parse({ tables: out, qi: ['age_band_10'], minK: 3, asOfYear: 2025 }),
    );
    expect(band10).toMatchObject({ classes: 1, k: 7 });
    const band5 = await assessRisk(
      RiskOptionsSchema.parse({ tables: out, qi: ['age_band_5'], minK: 3, asOfYear: 2025 }),
    );
    expect(band5).toMatchObject({ classes: 2, k: 2, smallestClasses: [2, 5] });
    // quasi-identifiers are an enum at the boundary: an unknown one never reaches the SQL
    expect(RiskOptionsSchema.safeParse({ tables: out, qi: ['name'] }).success).toBe(false);
  });

  it('drop removes the patients below k and every row of theirs', async () => {
    const src = await handMade('hand-drop', HAND);
    const tables = join(dir, 'tables-hand-drop');
    await build([src], tables, { minK: 3 });
    const out = join(dir, 'tables-hand-dropped');
    const r = await suppressTables(ctx, TablesSuppressOptionsSchema.parse({ input: tables, out, minK: 3 }));
    expect(r.summary).toMatchObject({ patientsDropped: 4, rowsDropped: 4 + 8, k: 3, patients: 3 });
    const manifest = TablesManifestSchema.parse(JSON.parse(await readFile(join(out, 'tables.json'), 'utf8')));
    expect(manifest.suppression).toEqual({
      method: 'drop',
      minK: 3,
      quasiIdentifiers: ['birth_year', 'gender', 'zip3'],
      patientsDropped: 4,
      patientsGeneralized: 0,
      rowsDropped: 12,
    });
    const obs = await parquetRows(join(out, 'observations.parquet'));
    expect(new Set(obs.map((o) => o['patient_id']))).toEqual(new Set(['p00', 'p01', 'p02']));
    expect(JSON.parse(await readFile(join(out, 'risk.json'), 'utf8'))).toMatchObject({
      k: 3,
      rowsBelowMinK: 0,
    });
  });

  it('generalize coarsens birth year and zip3, then drops what is still below k', async () => {
    const src = await handMade('hand-gen', HAND);
    const tables = join(dir, 'tables-hand-gen');
    await build([src], tables, { minK: 3 });
    const out = join(dir, 'tables-hand-generalized');
    const r = await suppressTables(
      ctx,
      TablesSuppressOptionsSchema.parse({ input: tables, out, minK: 3, method: 'generalize' }),
    );
    // after coarsening: (1980 F 000) × 5, (1980 M 000) × 2 → the two men are dropped
    expect(r.summary).toMatchObject({
      patientsDropped: 2,
      patientsGeneralized: 7,
      rowsDropped: 6,
      k: 5,
    });
    const pts = await parquetRows(join(out, 'patients.parquet'));
    expect(pts.map((p) => [p['birth_year'], p['gender'], p['zip3']])).toEqual(
      Array.from({ length: 5 }, () => [1980, 'female', '000']),
    );
  });
});

describe('rejections and errors', () => {
  it('rejects a malformed NDJSON file by ordinal and path, and loads the rest', async () => {
    const src = await handMade('hand-bad', HAND.slice(0, 2));
    await writeFile(join(src, 'Observation.ndjson'), '{"resourceType":"Observation","id":"x"}\n{not json\n');
    const out = join(dir, 'tables-bad');
    const r = await build([src], out);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected?.[0]).toMatchObject({ ordinal: 2, path: join(src, 'Observation.ndjson') });
    expect(r.rejected?.[0]?.reason).toMatch(/not valid Observation NDJSON/);
    expect(r.summary.rows).toMatchObject({ patients: 2, observations: 0 });
  });

  it('refuses an input that is not a de-identified folder', async () => {
    const d = join(dir, 'plain');
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'Patient.ndjson'), '{}\n');
    await expect(build([d], join(dir, 'tables-plain'))).rejects.toMatchObject({
      code: 'TABLES_INPUT_INVALID',
    });
    await expect(build([cohortFhir], join(dir, 'tables-raw'))).rejects.toMatchObject({
      code: 'TABLES_INPUT_INVALID',
    });
  });
});

describe('Arrow → DuckDB data chunks', () => {
  it('loads strings, integers and NULLs across several chunks exactly', async () => {
    const n = 5000;
    const text = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `név-${i}-${'ü'.repeat(i % 5)}`));
    const ints = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? undefined : i * 3 - 7000));
    const big = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : 2 ** 40 + i));
    await withSession(async (session) => {
      await appendArrowTable(
        session,
        't',
        arrowTable([
          { name: 's', kind: 'utf8', values: text },
          { name: 'i', kind: 'int32', values: ints },
          { name: 'b', kind: 'int64', values: big },
        ]),
      );
      const rows = await session.rows('SELECT s, i, b::VARCHAR AS b FROM temp.main.t');
      expect(rows.map((r) => r['s'])).toEqual(text);
      expect(rows.map((r) => r['i'])).toEqual(ints.map((v) => v ?? null));
      expect(rows.map((r) => r['b'])).toEqual(big.map((v) => (v === null ? null : String(v))));
    });
  });
});
