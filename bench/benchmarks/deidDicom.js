// @ts-check
/**
 * `npm run bench -- deid-dicom`: de-identification throughput (files/s, MB/s, peak memory) on
 * (a) the public sample files and (b) a synthetic 512×512 CT series of --slices slices, beside
 * `cp -r` and a plain read+write of the same files, with the ratios.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../../dist/core/clock.js';
import { silentLogger } from '../../dist/core/log.js';
import { silentProgress } from '../../dist/core/progress.js';
import { deidentifyDicomFiles } from '../../dist/deid/dicom/deidentifyDicomFiles.js';
import { DeidDicomOptionsSchema } from '../../dist/deid/dicom/schema.js';
import { SynthOptionsSchema } from '../../dist/synth/schema.js';
import { synthesize } from '../../dist/synth/synthesize.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = join(root, 'bench/out');

/** @param {string} dir @returns {string[]} */
function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** The public samples: ../shared/datasets/dicom when present, else the copies in datasets/. */
function samplesDir() {
  const shared = join(root, '../shared/datasets/dicom');
  return existsSync(shared) ? shared : join(root, 'datasets/samples/dicom');
}

/** The CT series, generated once per slice count and cached under bench/out/ (or --dir). */
async function ctSeries(/** @type {number} */ slices, /** @type {string} */ base) {
  const dir = join(base || cacheDir, `ct-512-${slices}`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(base || cacheDir, { recursive: true });
  process.stderr.write(`generating a ${slices}-slice 512×512 CT series (cached in bench/out/)…\n`);
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({
      out: dir,
      owners: 1,
      patients: 1,
      imagingFraction: 1,
      modality: 'CT',
      imageSize: '512',
      slices,
      seed: 7,
    }),
  );
  return dir;
}

/** @param {string} dir */
function dicomFilesOf(dir) {
  return listFiles(dir).filter(
    (f) => f.endsWith('.dcm') || !/\.(json|ndjson|txt|md)$|LICENSE|README/i.test(f),
  );
}

/** @param {string} input @param {string} [base] */
function setupDeid(input, base) {
  const tmp = mkdtempSync(join(base || tmpdir(), 'sinso-bench-deid-'));
  writeFileSync(join(tmp, 'secret.hex'), 'ab'.repeat(32));
  return { tmp, input };
}

/** @param {string} name @param {(p: Record<string, string|number>) => Promise<string>} source */
function workloads(name, source) {
  return [
    {
      name: `${name}:deid`,
      description: `sinso deid dicom on ${name}`,
      /** @param {Record<string, string|number>} p */
      setup: async (p) => setupDeid(await source(p), String(p.dir)),
      /** @param {Record<string, string|number>} p @param {{tmp: string, input: string}} s */
      async run(p, s) {
        const files = dicomFilesOf(s.input);
        const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
        const r = await deidentifyDicomFiles(
          {
            workspace: undefined,
            // what the runner resolves from --secret-file (written in setup with these bytes)
            secrets: { pseudonym: new Uint8Array(Buffer.from('ab'.repeat(32), 'hex')) },
            clock: fixedClock(new Date(0)),
            log: silentLogger,
            progress: silentProgress,
          },
          DeidDicomOptionsSchema.parse({
            inputs: [s.input],
            out: join(s.tmp, 'out'),
            secretFile: join(s.tmp, 'secret.hex'),
            ...(Number(p.workers) >= 0 ? { workers: Number(p.workers) } : {}),
          }),
        );
        return { units: files.length, unit: 'files', bytes, extra: r.summary };
      },
      /** @param {unknown} _p @param {{tmp: string}} s */
      teardown: (_p, s) => rmSync(s.tmp, { recursive: true, force: true }),
    },
    {
      name: `${name}:read-write`,
      baseline: true,
      description: `read every file and write its bytes unchanged (${name})`,
      /** @param {Record<string, string|number>} p */
      setup: async (p) => setupDeid(await source(p), String(p.dir)),
      /** @param {unknown} _p @param {{tmp: string, input: string}} s */
      run(_p, s) {
        const files = dicomFilesOf(s.input);
        let bytes = 0;
        mkdirSync(join(s.tmp, 'copy'), { recursive: true });
        files.forEach((f, i) => {
          const b = readFileSync(f);
          bytes += b.length;
          writeFileSync(join(s.tmp, 'copy', `${i}.dcm`), b);
        });
        return { units: files.length, unit: 'files', bytes };
      },
      /** @param {unknown} _p @param {{tmp: string}} s */
      teardown: (_p, s) => rmSync(s.tmp, { recursive: true, force: true }),
    },
    {
      name: `${name}:cp-r`,
      baseline: true,
      description: `cp -r of the same files (${name})`,
      /** @param {Record<string, string|number>} p */
      setup: async (p) => setupDeid(await source(p), String(p.dir)),
      /** @param {unknown} _p @param {{tmp: string, input: string}} s */
      run(_p, s) {
        const files = dicomFilesOf(s.input);
        const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
        const r = spawnSync('cp', ['-r', s.input, join(s.tmp, 'copy')]);
        if (r.status !== 0) throw new Error('cp -r failed');
        return { units: files.length, unit: 'files', bytes };
      },
      /** @param {unknown} _p @param {{tmp: string}} s */
      teardown: (_p, s) => rmSync(s.tmp, { recursive: true, force: true }),
    },
  ];
}

/** @type {import('../types.js').Benchmark} */
export const deidDicom = {
  name: 'deid-dicom',
  description:
    'DICOM de-identification files/s and MB/s: public samples and a 512×512 CT series, beside cp -r and read+write',
  runs: 5,
  warmup: 1,
  params: {
    slices: { default: 2000, description: 'slices of the synthetic 512×512 CT series' },
    workers: { default: -1, description: 'worker threads (-1: one per core)' },
    dir: {
      default: '',
      description:
        'folder for the series and outputs, e.g. /dev/shm to take the disk out (default: bench/out and the OS temp folder)',
    },
  },
  workloads: [
    ...workloads('samples', async () => samplesDir()),
    ...workloads('ct512', async (p) => ctSeries(Number(p.slices), String(p.dir))),
  ],
  ratios: [
    ['samples:deid', 'samples:cp-r'],
    ['ct512:deid', 'ct512:cp-r'],
    ['ct512:deid', 'ct512:read-write'],
  ],
};
