import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommitmentSchema } from '../../src/core/schemas/commitment.js';
import { runMain } from '../utils/cli.js';
import { withSession } from '../utils/duckdb.js';
import { tempDir } from '../utils/tmp.js';

const sinso = runMain;

async function writeTables(dir: string): Promise<void> {
  const file = join(dir, 'patients.parquet');
  await withSession((s) =>
    s.run(
      `COPY (SELECT printf('p%05d', i) AS patient_id, ['F', 'M', 'U'][1 + i % 3] AS gender, CAST(1930 + i % 70 AS BIGINT) AS birth_year, DATE '1930-01-01' + CAST(i * 97 AS INTEGER) AS birth_date FROM range(300) t(i)) TO '${file}' (FORMAT parquet)`,
    ),
  );
  const bytes = await readFile(file);
  const column = (name: string, type: string, logical: string) => ({
    name,
    type,
    logical,
    nullable: false,
    description: name,
  });
  await writeFile(
    join(dir, 'tables.json'),
    JSON.stringify({
      schema: '1',
      kind: 'sinso-tables',
      tablesVersion: '1',
      sources: [],
      tables: [
        {
          name: 'patients',
          file: 'patients.parquet',
          rows: 300,
          bytes: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          orderBy: ['patient_id'],
          columns: [
            column('patient_id', 'VARCHAR', 'id'),
            column('gender', 'VARCHAR', 'categorical'),
            column('birth_year', 'BIGINT', 'int'),
            column('birth_date', 'DATE', 'date'),
          ],
        },
      ],
    }),
  );
}

describe('sinso commit, prove-inclusion, verify-inclusion', () => {
  it('commits, proves a row, verifies it; a tampered proof exits 1 naming the step', async () => {
    const d = await tempDir('sinso-e2e-commit-');
    const ws = join(d, 'ws');
    process.env['SINSO_PASSPHRASE'] = 'e2e-commit';
    try {
      expect((await runMain(['--workspace', ws, 'init', '--kdf', 'light', '--demo-seed', 'test'])).code).toBe(
        0,
      );
      await writeTables(d);
      const out = join(d, 'commitment.json');
      const commit = await sinso([
        '--workspace',
        ws,
        'commit',
        d,
        '--out',
        out,
        '--workers',
        '0',
        '--version',
        '1',
      ]);
      expect(commit.stderr).toBe('');
      expect(commit.code).toBe(0);
      const commitment = CommitmentSchema.parse(JSON.parse(await readFile(out, 'utf8')));
      expect(commit.stdout).toContain(commitment.root);
      expect(commitment.tables[0]?.columns[1]?.dictionary).toEqual(['F', 'M', 'U']);

      const again = join(d, 'again.json');
      expect(
        (await sinso(['--workspace', ws, 'commit', d, '--out', again, '--workers', '0', '--version', '1']))
          .code,
      ).toBe(0);
      expect(await readFile(again, 'utf8')).toBe(await readFile(out, 'utf8'));
      const other = join(d, 'other.json');
      expect(
        (
          await sinso([
            '--workspace',
            ws,
            'commit',
            d,
            '--out',
            other,
            '--dataset',
            'other',
            '--workers',
            '0',
            '--version',
            '1',
          ])
        ).code,
      ).toBe(0);
      expect(JSON.parse(await readFile(other, 'utf8')).root).not.toBe(commitment.root);

      const proofPath = join(d, 'proof.json');
      const prove = await sinso([
        '--workspace',
        ws,
        'prove-inclusion',
        '--tables',
        d,
        '--commitment',
        out,
        '--table',
        'patients',
        '--row',
        '299',
        '--out',
        proofPath,
      ]);
      expect(prove.stderr).toBe('');
      expect(prove.code).toBe(0);
      const ok = await sinso(['verify-inclusion', proofPath, '--commitment', out, '--json']);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, table: 'patients', row: 299 });

      const proof = JSON.parse(await readFile(proofPath, 'utf8'));
      proof.values[2].value = '1999';
      proof.values[2].encoded = `0x${(1999).toString(16).padStart(64, '0')}`;
      const tampered = join(d, 'tampered.json');
      await writeFile(tampered, JSON.stringify(proof));
      const bad = await sinso(['verify-inclusion', tampered, '--commitment', out]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('invalid (step: leaf)');
      expect(bad.stderr).not.toContain('1999');

      const missing = await sinso([
        '--workspace',
        ws,
        'prove-inclusion',
        '--tables',
        d,
        '--commitment',
        out,
        '--table',
        'patients',
        '--row',
        '300',
        '--out',
        join(d, 'p2.json'),
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('outside the table');

      // version 2 is the default; its rows are proven in zero knowledge, not by prove-inclusion
      const v2 = join(d, 'commitment-v2.json');
      const commitV2 = await sinso(['--workspace', ws, 'commit', d, '--out', v2, '--workers', '0', '--json']);
      expect(commitV2.code).toBe(0);
      expect(JSON.parse(commitV2.stdout)).toMatchObject({ summary: { version: '2' } });
      expect(CommitmentSchema.parse(JSON.parse(await readFile(v2, 'utf8')))).toMatchObject({
        version: '2',
        chunkSize: 128,
        layout: 'column-chunks',
      });
      const refused = await sinso([
        '--workspace',
        ws,
        'prove-inclusion',
        '--tables',
        d,
        '--commitment',
        v2,
        '--table',
        'patients',
        '--row',
        '0',
        '--out',
        join(d, 'p3.json'),
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('cannot be made for a version 2 commitment');
      expect(refused.stderr).toContain('zero knowledge');
    } finally {
      delete process.env['SINSO_PASSPHRASE'];
    }
  });
});
