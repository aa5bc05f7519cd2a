import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../utils/cli.js';
import { deidFhirReport } from '../utils/reports.js';
import { tempDir } from '../utils/tmp.js';
import { initTestWorkspace, TEST_PASSPHRASE } from '../utils/workspace.js';

let dir: string;
let ws: string;
let fhir: string;

beforeAll(async () => {
  process.env['SINSO_PASSPHRASE'] = TEST_PASSPHRASE;
  dir = await tempDir('sinso-tables-e2e-');
  ws = join(dir, 'ws');
  await initTestWorkspace(ws);
  fhir = join(dir, 'deid-fhir');
  await mkdir(fhir, { recursive: true });
  await writeFile(join(fhir, 'deid-report.json'), JSON.stringify(deidFhirReport()));
  const pts = ['female', 'female', 'male', 'female', 'male', 'male'].map((g, i) => ({
    resourceType: 'Patient',
    id: `p${i}`,
    gender: g,
    birthDate: i < 4 ? '1970' : '1990',
    address: [{ postalCode: '021', state: 'MA' }],
  }));
  const obs = pts.map((p, i) => ({
    resourceType: 'Observation',
    id: `o${i}`,
    subject: { reference: `Patient/${p.id}` },
    code: { coding: [{ code: 'x,"y"' }] },
    valueQuantity: { value: i + 0.5 },
  }));
  await writeFile(join(fhir, 'Patient.ndjson'), `${pts.map((x) => JSON.stringify(x)).join('\n')}\n`);
  await writeFile(join(fhir, 'Observation.ndjson'), `${obs.map((x) => JSON.stringify(x)).join('\n')}\n`);
});

describe('sinso tables / sql / risk', () => {
  it('builds the tables in the workspace and answers SQL as a table, CSV and JSON', async () => {
    const out = join(dir, 'tables');
    const r = await runMain(['tables', '--workspace', ws, fhir, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/patients\s+6/);
    const q = 'SELECT gender, count(*) AS n FROM patients GROUP BY gender ORDER BY gender';
    const table = await runMain(['sql', '--workspace', ws, q]);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('gender  n\n------  -\nfemale  3\nmale    3\n');
    const csv = await runMain([
      'sql',
      '--workspace',
      ws,
      'SELECT code, value FROM observations LIMIT 1',
      '--csv',
    ]);
    expect(csv.stdout).toBe('code,value\r\n"x,""y""",0.50000000\r\n');
    const json = await runMain(['sql', '--workspace', ws, '--json', q]);
    expect(JSON.parse(json.stdout)).toEqual([
      { gender: 'female', n: 3 },
      { gender: 'male', n: 3 },
    ]);
    const bad = await runMain(['sql', '--workspace', ws, 'SELECT * FROM nowhere']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/The SQL query failed/);
  });

  it('reports k-anonymity and suppresses below k', async () => {
    const out = join(dir, 'tables-risk');
    await runMain(['tables', fhir, '--out', out]);
    const risk = await runMain([
      'risk',
      out,
      '--qi',
      'birth_year',
      '--qi',
      'gender',
      '--min-k',
      '2',
      '--json',
    ]);
    expect(risk.code).toBe(0);
    // (1970 F) × 3, (1970 M) × 1, (1990 M) × 2
    expect(JSON.parse(risk.stdout)).toMatchObject({
      k: 1,
      classes: 3,
      smallestClasses: [1, 2, 3],
      rowsBelowMinK: 1,
    });
    const unknown = await runMain(['risk', out, '--qi', 'surname']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/qi\.0: must be one of: "birth_year", "age_band_5"/);
    const k2 = join(dir, 'tables-k2');
    const s = await runMain([
      'tables',
      'suppress',
      out,
      '--out',
      k2,
      '--min-k',
      '2',
      '--qi',
      'birth_year',
      '--qi',
      'gender',
    ]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/patients dropped\s+1/);
    const manifest = JSON.parse(await readFile(join(k2, 'tables.json'), 'utf8'));
    expect(manifest.suppression).toMatchObject({ patientsDropped: 1, rowsDropped: 2 });
  });

  it('exits 2 and names a rejected file on stderr', async () => {
    const bad = join(dir, 'deid-bad');
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, 'deid-report.json'), await readFile(join(fhir, 'deid-report.json')));
    await writeFile(join(bad, 'Patient.ndjson'), '{"resourceType":"Patient","id":"a"}\n{"resourceType": \n');
    const r = await runMain(['tables', bad, '--out', join(dir, 'tables-bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`rejected #1 ${join(bad, 'Patient.ndjson')}: not valid Patient NDJSON`);
  });
});
