import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from '../../src/core/hash.js';
import { mapUid, pseudonymizePatientId } from '../../src/core/pseudonym.js';
import { DeidDicomReportSchema } from '../../src/core/schemas/deidDicomReport.js';
import { DeidFhirReportSchema } from '../../src/core/schemas/deidFhirReport.js';
import { runMain, tempDir } from '../utils/cli.js';
import { dicomText, rewriteDicomText } from '../utils/dicomTags.js';

// `sinso deid dicom|fhir --patient-id-system / --issuer-map`, end to end through the CLI

const secretHex = '4d'.repeat(32);
const secret = new Uint8Array(Buffer.from(secretHex, 'hex'));
const MRN = 'http://owner-001.example.org/mrn';
const OTHER = 'http://other-site.example.org/mrn';
const PATIENT_ID = 0x00100020;
const ISSUER = 0x00100021;

let dir: string;
let secretFile: string;
let dicomIn: string;
let fhirIn: string;

const cli = (args: string[]) => runMain([...args, '--secret-file', secretFile]);

async function readReport(out: string) {
  return JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8'));
}

/** The MRN pseudonyms of the de-identified Patients: Identifier.value of the MRN system. */
async function mrnPseudonyms(fhirOut: string): Promise<Set<string>> {
  const lines = (await readFile(join(fhirOut, 'Patient.ndjson'), 'utf8')).trim().split('\n');
  return new Set(
    lines.flatMap((l) =>
      ((JSON.parse(l).identifier ?? []) as { system?: string; value: string }[])
        .filter((i) => i.system === MRN)
        .map((i) => i.value),
    ),
  );
}

/** The output file of an input, by its mapped UIDs. */
async function outputOf(out: string, input: string): Promise<string> {
  const uid = async (tag: number) => mapUid(secret, await dicomText(input, tag));
  return join(out, await uid(0x0020000d), await uid(0x0020000e), `${await uid(0x00080018)}.dcm`);
}

beforeAll(async () => {
  dir = await tempDir('sinso-namespace-e2e-');
  secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, secretHex);
  const synth = await runMain([
    'synth',
    '--owners',
    '1',
    '--patients',
    '16',
    '--seed',
    '9',
    '--imaging-fraction',
    '1',
    '--slices',
    '1',
    '--image-size',
    '64',
    '--out',
    join(dir, 'cohort'),
  ]);
  expect(synth.code, synth.stderr).toBe(0);
  dicomIn = join(dir, 'cohort/owner-001/dicom');
  fhirIn = join(dir, 'cohort/owner-001/fhir');
});

describe('deid dicom and deid fhir with one namespace policy', () => {
  it('with --patient-id-system, every DICOM PatientID pseudonym is the MRN pseudonym of a FHIR Patient', async () => {
    const dicomOut = join(dir, 'system-dicom');
    const fhirOut = join(dir, 'system-fhir');
    const d = await cli(['deid', 'dicom', dicomIn, '--out', dicomOut, '--patient-id-system', MRN]);
    expect(d.code, d.stderr).toBe(0);
    const f = await cli(['deid', 'fhir', fhirIn, '--out', fhirOut, '--patient-id-system', MRN]);
    expect(f.code, f.stderr).toBe(0);
    const mrns = await mrnPseudonyms(fhirOut);
    const inputs = await listFiles(dicomIn);
    // the synthetic devices write the site code in some objects only: that must not matter
    const issuers = new Set(await Promise.all(inputs.map((p) => dicomText(p, ISSUER))));
    expect(issuers).toEqual(new Set(['', 'SITE001']));
    for (const input of inputs) {
      const pid = await dicomText(input, PATIENT_ID);
      const out = await dicomText(await outputOf(dicomOut, input), PATIENT_ID);
      expect(out).toBe(pseudonymizePatientId(secret, MRN, pid));
      expect(mrns.has(out), 'the DICOM patient is a FHIR patient').toBe(true);
    }
    const policy = { mode: 'patient-id-system', system: MRN };
    expect(DeidDicomReportSchema.parse(await readReport(dicomOut)).settings.patientIdNamespace).toEqual(
      policy,
    );
    expect(DeidFhirReportSchema.parse(await readReport(fhirOut)).settings.patientIdNamespace).toEqual(policy);
    expect(d.stdout).toMatch(/patient ID namespace\s+patient-id-system/);
  });

  it('without an option, all PatientIDs share one namespace (which is not the MRN system)', async () => {
    const dicomOut = join(dir, 'shared-dicom');
    const d = await cli(['deid', 'dicom', dicomIn, '--out', dicomOut]);
    expect(d.code, d.stderr).toBe(0);
    for (const input of await listFiles(dicomIn)) {
      const pid = await dicomText(input, PATIENT_ID);
      expect(await dicomText(await outputOf(dicomOut, input), PATIENT_ID)).toBe(
        pseudonymizePatientId(secret, '', pid),
      );
    }
    expect((await readReport(dicomOut)).settings.patientIdNamespace).toEqual({ mode: 'shared' });
  });

  it('with --issuer-map, two issuers give two systems; an unmapped issuer is rejected with a reason, the batch goes on', async () => {
    // an archive of two sites: objects from SITE_A, from SITE_B, without an issuer, and one
    // from a site the map does not know
    const inDir = join(dir, 'two-sites');
    await mkdir(inDir, { recursive: true });
    const sources = (await listFiles(dicomIn)).slice(0, 8);
    const plan = ['SECRETSITE', 'SITE_A', 'SITE_B', undefined, 'SITE_A', 'SITE_B', undefined, 'SITE_B'];
    const inputs: string[] = [];
    for (const [i, src] of sources.entries()) {
      const p = join(inDir, `${i}.dcm`);
      await rewriteDicomText(src, p, { [ISSUER]: plan[i] });
      inputs.push(p);
    }
    const map = join(dir, 'issuers.yaml');
    await writeFile(map, `schema: "1"\nissuers:\n  SITE_A: ${MRN}\n  SITE_B: ${OTHER}\n`);
    const dicomOut = join(dir, 'map-dicom');
    const d = await cli([
      'deid',
      'dicom',
      inDir,
      '--out',
      dicomOut,
      '--issuer-map',
      map,
      '--patient-id-system',
      MRN,
    ]);
    expect(d.code).toBe(2);
    // the operator's own path, with the reason, on stderr; never the issuer value
    expect(d.stderr).toContain(inputs[0]);
    expect(d.stderr).toContain('IssuerOfPatientID is not in the issuer map');
    expect(d.stderr).not.toContain('SECRETSITE');
    const expected = { SITE_A: MRN, SITE_B: OTHER, none: MRN };
    for (const [i, input] of inputs.entries()) {
      const out = await outputOf(dicomOut, input);
      if (i === 0) {
        await expect(stat(out)).rejects.toThrow();
        continue;
      }
      const system = expected[(plan[i] ?? 'none') as keyof typeof expected];
      expect(await dicomText(out, PATIENT_ID)).toBe(
        pseudonymizePatientId(secret, system, await dicomText(input, PATIENT_ID)),
      );
    }
    const report = DeidDicomReportSchema.parse(await readReport(dicomOut));
    expect(report.counts).toMatchObject({ inputs: 8, deidentified: 7, rejected: 1 });
    expect(report.inputs[0]).toEqual({
      ordinal: 1,
      status: 'rejected',
      reason: expect.stringContaining('IssuerOfPatientID is not in the issuer map'),
    });
    const policy = {
      mode: 'issuer-map',
      system: MRN,
      systems: [MRN, OTHER].sort(),
      issuers: 2,
      issuerMapSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    };
    expect(report.settings.patientIdNamespace).toEqual(policy);
    expect(JSON.stringify(report)).not.toMatch(/SITE_|SECRETSITE/);

    // the FHIR side takes the same map: the same policy, and the MRNs meet the SITE_A objects
    const fhirOut = join(dir, 'map-fhir');
    const f = await cli([
      'deid',
      'fhir',
      fhirIn,
      '--out',
      fhirOut,
      '--issuer-map',
      map,
      '--patient-id-system',
      MRN,
    ]);
    expect(f.code, f.stderr).toBe(0);
    const fhirPolicy = DeidFhirReportSchema.parse(await readReport(fhirOut)).settings.patientIdNamespace;
    expect(fhirPolicy).toEqual(report.settings.patientIdNamespace);
    const mrns = await mrnPseudonyms(fhirOut);
    for (const i of [1, 4]) {
      expect(mrns.has(await dicomText(await outputOf(dicomOut, inputs[i] as string), PATIENT_ID))).toBe(true);
    }
  });

  it('refuses a bad issuer map or a system that is not a URI before touching any input', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ schema: '1', issuers: { SECRETSITE: 'SECRETSITE' } }));
    for (const stage of ['dicom', 'fhir']) {
      const out = join(dir, `bad-map-${stage}`);
      const r = await cli([
        'deid',
        stage,
        stage === 'dicom' ? dicomIn : fhirIn,
        '--out',
        out,
        '--issuer-map',
        bad,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('The issuer map file is not valid.');
      expect(r.stderr).toContain('issuers (entry 1): must be an absolute URI');
      expect(r.stderr).not.toContain('SECRETSITE');
      await expect(stat(out)).rejects.toThrow();
    }
    const missing = await cli([
      'deid',
      'dicom',
      dicomIn,
      '--out',
      join(dir, 'x'),
      '--issuer-map',
      join(dir, 'nope.json'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The issuer map file could not be read.');
    const site = await cli([
      'deid',
      'dicom',
      dicomIn,
      '--out',
      join(dir, 'y'),
      '--patient-id-system',
      'SITE001',
    ]);
    expect(site.code).toBe(1);
    expect(site.stderr).toContain('must be an absolute URI');
  });
});
