import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, runMain } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

describe('sinso CLI', () => {
  it('prints help and version', async () => {
    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['init', 'keys list', 'synth', 'ingest scan', 'run', 'demo'])
      expect(help.stdout).toContain(`  ${c}`);
    const synth = await runMain(['synth', '--help']);
    expect(synth.stdout).toContain('--patients N');
    expect(synth.stdout).toContain('--no-dicom');
    expect((await runMain(['--version'])).stdout).toMatch(/^sinso \d+\.\d+\.\d+/);
  });

  it('rejects unknown commands and flags with exit 1 and a fix', async () => {
    const r = await runMain(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sinso --help');
    const f = await runMain(['synth', '--out', 'x', '--bogus']);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain("Unknown option '--bogus'");
  });

  it('init, keys list, and a wrong passphrase as a clear error without a stack trace', async () => {
    const ws = join(await tempDir(), 'ws');
    const env = { SINSO_PASSPHRASE: 'e2e-pass-1', SINSO_WORKSPACE: ws };
    const init = await runBin(['init', '--kdf', 'light'], { env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('pseudonym-secret');
    const list = await runBin(['keys', 'list', '--json'], { env: { SINSO_WORKSPACE: ws } }); // no passphrase needed
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((k: { name: string }) => k.name)).toEqual([
      'compute',
      'consumer',
      'owner',
      'pseudonym-secret',
    ]);
    const wrong = await runBin(['keys', 'new', '--name', 'owner-2'], {
      env: { SINSO_WORKSPACE: ws, SINSO_PASSPHRASE: 'nope' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Wrong passphrase');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    const none = await runBin(['keys', 'new', '--name', 'owner-2'], { env: { SINSO_WORKSPACE: ws } });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('SINSO_PASSPHRASE');
    const again = await runBin(['init'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('synth writes a cohort atomically; ingest scan exits 2 naming a bad file by path', async () => {
    const d = await tempDir();
    const out = join(d, 'cohort');
    const s = await runBin([
      'synth',
      '--owners',
      '2',
      '--patients',
      '5',
      '--seed',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).summary.patients).toBe(5);
    expect((await readdir(d)).sort()).toEqual(['cohort']);
    await writeFile(join(out, 'owner-001/fhir/Broken.ndjson'), '{oops\n');
    const scan = await runBin(['ingest', 'scan', out, '--out', join(d, 'inv.json')]);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(/rejected #\d+ .*Broken\.ndjson: line 1 is not valid JSON/);
    const inv = JSON.parse(await readFile(join(d, 'inv.json'), 'utf8'));
    expect(inv.files.rejected).toBe(1);
    expect(JSON.stringify(inv)).not.toContain('Broken');
  });

  it('a bad pipeline is exit 1 naming the stage and field, and writes nothing', async () => {
    const d = await tempDir();
    const env = { SINSO_PASSPHRASE: 'e2e-pass-1', SINSO_WORKSPACE: join(d, 'ws') };
    expect((await runBin(['init', '--kdf', 'light'], { env })).code).toBe(0);
    await writeFile(
      join(d, 'bad.yaml'),
      'stages:\n  cohort:\n    uses: synth\n    with:\n      patients: many\n    outs: [c]\n',
    );
    const r = await runBin(['run', join(d, 'bad.yaml')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stages.cohort.with.patients');
    expect(r.stderr).toContain('(line 5)');
    expect((await readdir(d)).sort()).toEqual(['bad.yaml', 'ws']);
  });
});

describe('sinso synth --out on an existing folder', () => {
  it('replaces an earlier synth output but never a folder of other files', async () => {
    const d = await tempDir();
    const out = join(d, 'cohort');
    expect((await runMain(['synth', '--owners', '1', '--patients', '2', '--out', out])).code).toBe(0);
    expect((await runMain(['synth', '--owners', '1', '--patients', '3', '--out', out])).code).toBe(0);
    const mine = join(d, 'mine');
    await runMain(['synth', '--owners', '1', '--patients', '1', '--out', join(mine, 'sub')]);
    await writeFile(join(mine, 'precious.txt'), 'keep me');
    const r = await runMain(['synth', '--owners', '1', '--patients', '2', '--out', mine]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('holds files this command did not write');
    expect(await readFile(join(mine, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
