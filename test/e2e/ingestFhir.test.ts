import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../utils/cli.js';
import { startFhirServer } from '../utils/fhirServer.js';
import { tempDir } from '../utils/tmp.js';

describe('sinso ingest fhir', () => {
  it('pulls a server into NDJSON, then de-identifies it', async () => {
    const server = await startFhirServer({ exportOperation: true });
    try {
      const d = await tempDir();
      const r = await runBin([
        'ingest',
        'fhir',
        '--server',
        server.url,
        '--out',
        join(d, 'raw'),
        '--type',
        'Patient',
        '--type',
        'Condition',
        '--json',
      ]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).summary.mode).toBe('export');
      const lines = (await readFile(join(d, 'raw/Patient.ndjson'), 'utf8')).trim().split('\n');
      expect(lines.length).toBe(server.data.get('Patient')?.length);
      await import('node:fs/promises').then((fs) => fs.writeFile(join(d, 'secret.hex'), 'ab'.repeat(32)));
      const deid = await runBin([
        'deid',
        'fhir',
        join(d, 'raw'),
        '--out',
        join(d, 'deid'),
        '--secret-file',
        join(d, 'secret.hex'),
        '--as-of-year',
        '2025',
      ]);
      expect(deid.code, deid.stderr).toBe(0);
      expect((await readdir(join(d, 'deid'))).sort()).toEqual([
        'Condition.ndjson',
        'Patient.ndjson',
        'deid-report.json',
      ]);
    } finally {
      await server.close();
    }
  });

  it('keeps what was fetched when the server fails, and says where', async () => {
    const server = await startFhirServer({ failSearchPage: { page: 2, status: 500, type: 'Condition' } });
    try {
      const d = await tempDir();
      const r = await runBin([
        'ingest',
        'fhir',
        '--server',
        server.url,
        '--out',
        join(d, 'raw'),
        '--type',
        'Patient',
        '--type',
        'Condition',
        '--mode',
        'search',
        '--page-size',
        '10',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/500/);
      expect(r.stderr).toContain('raw.partial');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const kept = await readdir(join(d, 'raw.partial'));
      expect(kept).toContain('Patient.ndjson');
      const patients = (await readFile(join(d, 'raw.partial/Patient.ndjson'), 'utf8')).trim().split('\n');
      expect(patients.length).toBe(server.data.get('Patient')?.length);
      expect((await readdir(d)).includes('raw')).toBe(false);
    } finally {
      await server.close();
    }
  });
});
