// @ts-check
/**
 * `npm run bench -- synth`: synthetic cohort generation in patients/s, with and without DICOM,
 * and `cp -r` of the same output as the I/O floor beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../dist/core/log.js';
import { silentProgress } from '../../dist/core/progress.js';
import { SynthOptionsSchema } from '../../dist/synth/schema.js';
import { synthesize } from '../../dist/synth/synthesize.js';

/** @param {Record<string, string | number>} p @param {boolean} dicom @param {string} out */
const options = (p, dicom, out) =>
  SynthOptionsSchema.parse({ out, owners: Number(p.owners), patients: Number(p.patients), seed: 1, dicom });

const ctx = { progress: silentProgress, log: silentLogger };

/** @param {Record<string, string | number>} p @param {boolean} dicom */
async function generate(p, dicom) {
  const dir = mkdtempSync(join(String(p.tmp || tmpdir()), 'sinso-bench-synth-'));
  const out = join(dir, 'cohort');
  const r = await synthesize(ctx, options(p, dicom, out));
  return { dir, out, r };
}

/** @param {boolean} dicom */
const synthWorkload = (dicom) => ({
  name: dicom ? 'synth' : 'synth-fhir-only',
  description: dicom ? 'sinso synth with default options (FHIR + DICOM)' : 'sinso synth --no-dicom',
  /** @param {Record<string, string | number>} p */
  setup: (p) => ({ dir: mkdtempSync(join(String(p.tmp || tmpdir()), 'sinso-bench-synth-')) }),
  /** @param {Record<string, string | number>} p @param {{dir: string}} s */
  async run(p, s) {
    const r = await synthesize(ctx, options(p, dicom, join(s.dir, 'cohort')));
    const fhirBytes = duBytes(join(s.dir, 'cohort')) - r.dicomBytes;
    return {
      units: r.patients,
      unit: 'patients',
      bytes: fhirBytes + r.dicomBytes,
      extra: { resources: r.resources, dicomFiles: r.dicomFiles, dicomBytes: r.dicomBytes },
    };
  },
  /** @param {unknown} _p @param {{dir: string}} s */
  teardown: (_p, s) => rmSync(s.dir, { recursive: true, force: true }),
});

/** @param {string} path */
function duBytes(path) {
  const r = spawnSync('du', ['-sb', path], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

/** @type {import('../types.js').Benchmark} */
export const synth = {
  name: 'synth',
  description:
    'Synthetic cohort generation, patients/s (FHIR + DICOM, FHIR only), beside cp -r of the output',
  runs: 5,
  warmup: 1,
  params: {
    patients: { default: 2000, description: 'patients per run' },
    owners: { default: 5, description: 'data owners' },
    tmp: { default: '', description: 'folder for the output (default: the OS temp folder)' },
  },
  workloads: [
    synthWorkload(true),
    synthWorkload(false),
    {
      name: 'cp-r',
      baseline: true,
      description: 'cp -r of the same (FHIR + DICOM) output: the file-system floor',
      /** @param {Record<string, string | number>} p */
      setup: (p) => generate(p, true),
      /** @param {unknown} _p @param {{dir: string, out: string, r: {patients: number}}} s */
      run(_p, s) {
        const r = spawnSync('cp', ['-r', s.out, join(s.dir, 'copy')]);
        if (r.status !== 0) throw new Error('cp -r failed');
        return { units: s.r.patients, unit: 'patients', bytes: duBytes(s.out) };
      },
      /** @param {unknown} _p @param {{dir: string}} s */
      teardown: (_p, s) => rmSync(s.dir, { recursive: true, force: true }),
    },
  ],
  /** rate of synth over rate of cp -r of the same bytes */
  ratios: [['synth', 'cp-r']],
};
