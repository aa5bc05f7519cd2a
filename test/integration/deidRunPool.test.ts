import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestPath, listFiles } from '../../src/core/hash.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import type { DeidJobSettings, DeidTaskResult } from '../../src/deid/dicom/adapters/processOne.js';
import { runPool } from '../../src/deid/dicom/adapters/runPool.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { tempDir } from '../utils/tmp.js';

let dir: string;
let inputs: string[];

beforeAll(async () => {
  dir = await tempDir('sinso-runpool-');
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({
      out: join(dir, 'cohort'),
      owners: 1,
      patients: 10,
      imagingFraction: 1,
      slices: 8,
      imageSize: '64',
      seed: 3,
    }),
  );
  inputs = (await listFiles(join(dir, 'cohort/owner-001/dicom'))).filter((f) => f.endsWith('.dcm'));
});

async function run(out: string, workers: number, startWorkersAfterMs?: number) {
  const settings: DeidJobSettings = {
    secret: new Uint8Array(32).fill(7),
    options: [],
    maxShiftDays: 365,
    pixelRules: [],
    allowMissingBurnedInFlag: false,
    leakScan: true,
    outDir: out,
    patientIds: {},
  };
  const results: DeidTaskResult[] = [];
  async function* tasks() {
    yield { id: 0, reject: 'not found' };
    for (const [i, path] of inputs.entries()) yield { id: i + 1, path };
  }
  await runPool({ settings, tasks: tasks(), workers, startWorkersAfterMs, onResult: (r) => results.push(r) });
  return results.sort((a, b) => a.id - b.id);
}

describe('runPool', () => {
  it('with this thread taking part beside the workers, answers every task once, with the bytes of one thread', async () => {
    expect(inputs.length).toBeGreaterThan(48); // beyond the batch this thread always runs alone
    const single = await run(join(dir, 'single'), 0);
    // workers started at once, but this thread takes every task none of them is ready for
    const mixed = await run(join(dir, 'mixed'), 2, 0);
    // this thread alone for a while first
    const later = await run(join(dir, 'later'), 1, 20);
    for (const r of [single, mixed, later]) {
      expect(r.map((x) => x.id)).toEqual(Array.from({ length: inputs.length + 1 }, (_, i) => i));
      expect(r[0]).toEqual({ id: 0, ok: false, reason: 'not found' });
      expect(r.slice(1).every((x) => x.ok === true)).toBe(true);
    }
    const digest = (await digestPath(join(dir, 'single'))).sha256;
    expect((await digestPath(join(dir, 'mixed'))).sha256).toBe(digest);
    expect((await digestPath(join(dir, 'later'))).sha256).toBe(digest);
  });
});
