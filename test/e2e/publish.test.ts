import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { beforeAll, describe, expect, it } from 'vitest';
import { cidOfFile } from '../../src/core/cid.js';
import { fixedPassphrase } from '../../src/core/passphrase.js';
import { CommitmentSchema } from '../../src/core/schemas/commitment.js';
import { DatasetManifestSchema } from '../../src/core/schemas/datasetManifest.js';
import { PublishRecordSchema } from '../../src/core/schemas/publishRecord.js';
import { openWorkspace } from '../../src/core/workspace.js';
import { openBlockstore } from '../../src/storage/blockstore.js';
import { exportFileTo, importCar, verifyCar } from '../../src/storage/car.js';
import { decryptFile } from '../../src/storage/encryption.js';
import { runMain, tempDir } from '../utils/cli.js';
import { withSession } from '../utils/duckdb.js';

const PASS = 'publish-e2e';
const MRN_SYSTEM = 'http://owner-001.example.org/mrn';
let dir: string;
let ws: string;
let tables: string;

const ok = async (args: string[]) => {
  const r = await runMain([...args, '--workspace', ws]);
  if (r.code !== 0) expect.unreachable(`${args.slice(0, 2).join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};

beforeAll(async () => {
  process.env['SINSO_PASSPHRASE'] = PASS;
  dir = await tempDir('sinso-publish-e2e-');
  ws = join(dir, 'ws');
  await ok(['init', '--kdf', 'light', '--demo-seed', 'publish']);
  await ok([
    'synth',
    '--owners',
    '1',
    '--patients',
    '150',
    '--seed',
    '7',
    '--imaging-fraction',
    '0.3',
    '--slices',
    '2',
    '--out',
    join(dir, 'cohort'),
  ]);
  // one namespace policy for both, so the images link to the records
  const mrn = ['--patient-id-system', MRN_SYSTEM];
  await ok([
    'deid',
    'fhir',
    join(dir, 'cohort/owner-001/fhir'),
    '--out',
    join(dir, 'dfhir'),
    '--date-shift',
    ...mrn,
  ]);
  await ok(['deid', 'dicom', join(dir, 'cohort/owner-001/dicom'), '--out', join(dir, 'ddicom'), ...mrn]);
  tables = join(dir, 'tables');
  await ok(['tables', join(dir, 'dfhir'), join(dir, 'ddicom'), '--out', tables]);
}, 120_000);

describe('sinso publish', () => {
  it('refuses a dataset below the minimum k, saying how to fix it, and writes nothing', async () => {
    const out = join(dir, 'refused');
    const r = await runMain([
      'publish',
      '--tables',
      tables,
      '--out',
      out,
      '--name',
      'Test set',
      '--workspace',
      ws,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('below the minimum k-anonymity');
    expect(r.stderr).toMatch(/k = \d+ over birth_year, gender, zip3; minimum 5/);
    expect(r.stderr).toContain('--suppress');
    await expect(stat(out)).rejects.toThrow();
  });

  it('suppresses, commits, encrypts and content-addresses; everything verifies and decrypts back', async () => {
    const out = join(dir, 'published');
    const r = await ok([
      'publish',
      '--tables',
      tables,
      '--out',
      out,
      '--name',
      'Test set',
      '--suppress',
      'generalize',
      '--json',
    ]);
    const summary = JSON.parse(r.stdout).summary;
    expect(summary.patientsDropped).toBeGreaterThan(0);

    const manifestBytes = await readFile(join(out, 'manifest.json'));
    const manifest = DatasetManifestSchema.parse(JSON.parse(manifestBytes.toString('utf8')));
    const record = PublishRecordSchema.parse(JSON.parse(await readFile(join(out, 'publish.json'), 'utf8')));
    const commitment = CommitmentSchema.parse(
      JSON.parse(await readFile(join(out, 'commitment.json'), 'utf8')),
    );

    // the manifest is content-addressed: its CID is the token URI
    expect((await cidOfFile(join(out, 'manifest.json'))).toString()).toBe(record.manifestCid);
    expect(record.tokenUri).toBe(`ipfs://${record.manifestCid}`);
    // every file's CID is what an importer computes from its bytes
    for (const f of manifest.properties.files) {
      expect((await cidOfFile(join(out, f.path))).toString()).toBe(f.cid);
    }
    expect(manifest.properties.commitment.root).toBe(commitment.root);
    expect(record.commitmentRoot).toBe(commitment.root);
    expect(manifest.properties.privacy.kAnonymity.k).toBeGreaterThanOrEqual(5);
    expect(manifest.properties.privacy.suppression?.patientsDropped).toBe(summary.patientsDropped);
    // how patient IDs were pseudonymized travels from the deid reports through the tables
    const policy = { mode: 'patient-id-system', system: MRN_SYSTEM };
    expect(manifest.properties.deidentification.map((s) => [s.modality, s.patientIdNamespace])).toEqual([
      ['fhir', policy],
      ['dicom', policy],
    ]);

    // the CAR holds every root; imported into a fresh blockstore, a table comes back byte for byte
    const car = await verifyCar(join(out, 'dataset.car'));
    expect(car.roots).toEqual(record.car.roots);
    const fresh = openBlockstore(join(dir, 'fresh-blocks'));
    await importCar(fresh, join(out, 'dataset.car'));
    const obs = manifest.properties.files.find((f) => f.table === 'observations');
    if (!obs) expect.unreachable('no observations file');
    await exportFileTo(fresh, CID.parse(obs.cid), join(dir, 'obs.enc'));
    expect(await readFile(join(dir, 'obs.enc'))).toEqual(await readFile(join(out, obs.path)));

    // the consumer side: the dataset key decrypts it into the Parquet the commitment was built over
    const keys = await (await openWorkspace({ dir: ws, passphrase: fixedPassphrase(PASS) })).keys();
    await decryptFile(
      join(dir, 'obs.enc'),
      join(dir, 'obs.parquet'),
      await keys.ensureSecret(record.datasetKey),
    );
    const [row] = await withSession((s) =>
      s.rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(dir, 'obs.parquet')}')`),
    );
    const n = row?.['n'];
    expect(n).toBe(manifest.properties.tables.find((t) => t.name === 'observations')?.rows);
    expect(n).toBe(commitment.tables.find((t) => t.name === 'observations')?.rows);
    expect(n).toBeGreaterThan(0);

    // a tampered file does not decrypt
    const enc = await readFile(join(out, obs.path));
    enc[enc.length - 20] = (enc[enc.length - 20] ?? 0) ^ 1;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'tampered.enc'), enc);
    await expect(
      decryptFile(
        join(dir, 'tampered.enc'),
        join(dir, 'tampered.parquet'),
        await keys.ensureSecret(record.datasetKey),
      ),
    ).rejects.toMatchObject({ code: 'STORAGE_ENCRYPTED_INVALID' });
  }, 120_000);

  it('publishes the same bytes again from the same tables and key', async () => {
    const a = join(dir, 'published');
    const b = join(dir, 'published-again');
    await rm(b, { recursive: true, force: true });
    await ok(['publish', '--tables', tables, '--out', b, '--name', 'Test set', '--suppress', 'generalize']);
    for (const f of ['manifest.json', 'publish.json', 'commitment.json', 'dataset.car']) {
      expect(await readFile(join(b, f))).toEqual(await readFile(join(a, f)));
    }
  }, 120_000);
});
