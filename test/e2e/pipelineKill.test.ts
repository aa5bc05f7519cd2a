import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagingPath } from '../../src/core/fs.js';
import { digestPath } from '../../src/core/hash.js';
import { binPath, runBin } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

// big enough that the cohort stage takes a while, small enough for CI
const pipeline = `stages:
  cohort:
    uses: synth
    with: { owners: 2, patients: 150, seed: 9, imagingFraction: 0.5, slices: 6 }
    outs: [cohort]
  inventory:
    uses: ingest.scan
    deps: [cohort]
    outs: [inventory.json]
`;

async function prepare(): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await tempDir('sinso-kill-');
  await writeFile(join(dir, 'p.yaml'), pipeline);
  const env = { SINSO_PASSPHRASE: 'kill-test', SINSO_WORKSPACE: join(dir, 'ws') };
  const init = await runBin(['init', '--kdf', 'light', '--demo-seed', 'kill'], { env });
  expect(init.code).toBe(0);
  return { dir, env };
}

/** True once `dir` exists and holds a file, at any depth. */
async function holdsAFile(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.some((e) => e.isFile());
}

/**
 * SIGKILLs the run while the cohort stage is writing: once its staging folder holds files (not
 * after a guessed delay). Polls the file system, between checks yielding to the event loop.
 */
async function killWhileWriting(dir: string, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [binPath, 'run', join(dir, 'p.yaml')], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  let exited = false;
  const closed = new Promise((r) => child.on('close', r)).then(() => {
    exited = true;
  });
  const staging = stagingPath(join(dir, 'cohort'));
  while (!(await holdsAFile(staging))) {
    if (exited) throw new Error('the run ended before the cohort stage wrote anything');
    await new Promise((r) => setImmediate(r));
  }
  child.kill('SIGKILL');
  await closed;
}

describe('a pipeline run killed with SIGKILL', () => {
  it('leaves no half-written output, and a rerun completes identical to a clean run', async () => {
    const clean = await prepare();
    const ok = await runBin(['run', join(clean.dir, 'p.yaml')], { env: clean.env });
    expect(ok.code).toBe(0);

    const killed = await prepare();
    await killWhileWriting(killed.dir, killed.env);
    // the output is absent (only a staging folder may remain): never a partial cohort
    expect((await readdir(killed.dir)).includes('cohort')).toBe(false);
    const resumed = await runBin(['run', join(killed.dir, 'p.yaml'), '--json'], { env: killed.env });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).stages.map((s: { status: string }) => s.status)).toEqual([
      'ran',
      'ran',
    ]);

    for (const p of ['cohort', 'inventory.json', 'p.lock.json']) {
      expect((await digestPath(join(killed.dir, p))).sha256).toBe(
        (await digestPath(join(clean.dir, p))).sha256,
      );
    }
    expect((await readdir(killed.dir)).filter((n) => n.includes('.sinso-'))).toEqual([]);

    expect(await readFile(join(killed.dir, 'p.lock.json'), 'utf8')).toBe(
      await readFile(join(clean.dir, 'p.lock.json'), 'utf8'),
    );
  });
});
