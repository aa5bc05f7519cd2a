import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestPath } from '../../src/core/hash.js';
import { repoRoot, runMain } from '../utils/cli.js';
import { buildNotebookInputs, type NotebookInputs } from '../utils/notebookInputs.js';
import { tempDir } from '../utils/tmp.js';
import { initTestWorkspace, TEST_PASSPHRASE } from '../utils/workspace.js';

let dir: string;
let inputs: NotebookInputs;

beforeAll(async () => {
  process.env['SINSO_PASSPHRASE'] = TEST_PASSPHRASE;
  dir = await tempDir('sinso-notebook-e2e-');
  await initTestWorkspace(join(dir, 'ws'));
  inputs = await buildNotebookInputs(dir, 150);
}, 120_000);

describe('sinso notebook run', () => {
  it('writes the report atomically to --out; a second run writes the same bytes', async () => {
    const out = join(dir, 'reports', 'cohort.html');
    const args = [
      'notebook',
      'run',
      join(repoRoot, 'notebooks/cohort-stats'),
      '--workspace',
      inputs.workspace,
    ];
    const a = await runMain([...args, '--out', out]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('cohort-stats: 22 cells, 4 charts');
    const first = await readFile(out);
    const b = await runMain([...args, '--out', out, '--json']);
    expect(b.code).toBe(0);
    expect(await readFile(out)).toEqual(first);
    const json = JSON.parse(b.stdout) as { stage: string; summary: Record<string, unknown> };
    expect(json.stage).toBe('notebook.run');
    expect(json.summary['htmlSha256']).toBe((await digestPath(out)).sha256);
    expect(json.summary['inputs']).toEqual(
      await Promise.all(
        inputs.tables.map(async (t, i) => ({
          name: `owner-00${i + 1} (owner ${i + 1})`,
          kind: 'tables',
          path: `owners/owner-00${i + 1}/tables-k5`,
          sha256: (await digestPath(t)).sha256,
        })),
      ),
    );
  });

  it('takes --param for parameters and input paths; exits 1 naming a bad one', async () => {
    const out = join(dir, 'model.html');
    const r = await runMain([
      'notebook',
      'run',
      join(repoRoot, 'notebooks/model-eval'),
      '--workspace',
      inputs.workspace,
      '--param',
      `spec=${inputs.spec}`,
      '--param',
      'threshold=0.3',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('sensitivity (p &gt; 0.3)');
    expect(html).toContain('models/t2d-risk.yaml');
    const bad = await runMain([
      'notebook',
      'run',
      join(repoRoot, 'notebooks/model-eval'),
      '--workspace',
      inputs.workspace,
      '--param',
      'threshold=high',
      '--out',
      join(dir, 'bad.html'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Parameter threshold cannot be used: it is not a number');
  });

  it('is listed in --help with its examples', async () => {
    const r = await runMain(['notebook', 'run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--param');
    expect(r.stdout).toContain('sinso notebook run notebooks/cohort-stats');
  });
});
