// @ts-check
/**
 * `npm run bench -- deid-fhir`: FHIR de-identification in resources/s on the Synthea set and on
 * --patients synthetic patients from `sinso synth`, beside JSON.parse + JSON.stringify of the same
 * NDJSON (the parsing limit), with the ratio and peak memory.
 */
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../../dist/core/clock.js';
import { silentLogger } from '../../dist/core/log.js';
import { silentProgress } from '../../dist/core/progress.js';
import { deidentifyFhirFiles } from '../../dist/deid/fhir/deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from '../../dist/deid/fhir/schema.js';
import { SynthOptionsSchema } from '../../dist/synth/schema.js';
import { synthesize } from '../../dist/synth/synthesize.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = join(root, 'bench/out');

function syntheaDir() {
  const shared = join(root, '../shared/datasets/fhir/synthea-bulk-10-patients');
  return existsSync(shared) ? shared : join(root, 'datasets/samples/fhir/synthea');
}

/** FHIR-only synthetic cohort, generated once per size and cached under bench/out/. */
async function synthCohort(/** @type {number} */ patients) {
  const dir = join(cacheDir, `fhir-${patients}`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  process.stderr.write(`generating ${patients} synthetic patients (FHIR only; cached in bench/out/)…\n`);
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({ out: dir, owners: 5, patients, seed: 3, dicom: false }),
  );
  return dir;
}

/** @param {string} dir @returns {string[]} */
function ndjsonFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? ndjsonFiles(join(dir, e.name)) : e.name.endsWith('.ndjson') ? [join(dir, e.name)] : [],
  );
}

/** @param {string} name @param {(p: Record<string, string|number>) => Promise<string>} source */
function workloads(name, source) {
  return [
    {
      name: `${name}:deid`,
      description: `sinso deid fhir (Safe Harbor, leak scan on) on ${name}`,
      /** @param {Record<string, string|number>} p */
      setup: async (p) => {
        const tmp = mkdtempSync(join(tmpdir(), 'sinso-bench-fhir-'));
        writeFileSync(join(tmp, 'secret.hex'), 'cd'.repeat(32));
        return { tmp, input: await source(p) };
      },
      /** @param {unknown} _p @param {{tmp: string, input: string}} s */
      async run(_p, s) {
        const r = await deidentifyFhirFiles(
          {
            workspace: undefined,
            // what the runner resolves from --secret-file (written in setup with these bytes)
            secrets: { pseudonym: new Uint8Array(Buffer.from('cd'.repeat(32), 'hex')) },
            clock: fixedClock('2025-06-01T00:00:00Z'),
            log: silentLogger,
            progress: silentProgress,
          },
          DeidFhirOptionsSchema.parse({
            inputs: ndjsonFiles(s.input),
            out: join(s.tmp, 'out'),
            secretFile: join(s.tmp, 'secret.hex'),
          }),
        );
        return { units: Number(r.summary.resources), unit: 'resources', extra: r.summary };
      },
      /** @param {unknown} _p @param {{tmp: string}} s */
      teardown: (_p, s) => rmSync(s.tmp, { recursive: true, force: true }),
    },
    {
      name: `${name}:parse+stringify`,
      baseline: true,
      description: `JSON.parse + JSON.stringify of every NDJSON line (${name}): the limit`,
      /** @param {Record<string, string|number>} p */
      setup: async (p) => ({ input: await source(p) }),
      /** @param {unknown} _p @param {{input: string}} s */
      async run(_p, s) {
        let n = 0;
        let bytes = 0;
        for (const f of ndjsonFiles(s.input)) {
          const rl = createInterface({
            input: createReadStream(f, { encoding: 'utf8' }),
            crlfDelay: Number.POSITIVE_INFINITY,
          });
          for await (const line of rl) {
            if (!line) continue;
            bytes += JSON.stringify(JSON.parse(line)).length;
            n++;
          }
        }
        return { units: n, unit: 'resources', bytes };
      },
    },
  ];
}

/** @type {import('../types.js').Benchmark} */
export const deidFhir = {
  name: 'deid-fhir',
  description:
    'FHIR de-identification resources/s: the Synthea set and N synthetic patients, beside JSON.parse + JSON.stringify',
  runs: 3,
  warmup: 1,
  params: {
    patients: { default: 100000, description: 'synthetic patients (FHIR only) for the second workload' },
  },
  workloads: [
    ...workloads('synthea', async () => syntheaDir()),
    ...workloads('synth', async (p) => synthCohort(Number(p.patients))),
  ],
  ratios: [
    ['synthea:deid', 'synthea:parse+stringify'],
    ['synth:deid', 'synth:parse+stringify'],
  ],
};
