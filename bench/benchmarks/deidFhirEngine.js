// @ts-check
/**
 * `npm run bench -- deid-fhir-engine`: the FHIR de-identification engine alone, in memory
 * (resources/s on the Synthea sample resources, --rounds times over): Safe Harbor, date-shift,
 * and parse + Safe Harbor + stringify, beside JSON.parse + JSON.stringify. Safe Harbor has a
 * floor of 1,000 resources/s (it was a test's assertion; timing belongs here).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFhirDeidEngine } from '../../dist/deid/fhir/engine/buildFhirDeidEngine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const secret = new Uint8Array(32).fill(0x5e);
const asOfYear = 2025;

/** @typedef {{ lines: string[], inputs: Record<string, unknown>[] }} Sample */

/** The Synthea sample NDJSON lines, and the resources they hold. @returns {Sample} */
function sample() {
  const dir = join(root, 'datasets/samples/fhir/synthea');
  const lines = readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
  return { lines, inputs: lines.map((l) => JSON.parse(l)) };
}

/**
 * A workload running `body` over the sample `rounds` times, after one warm-up pass.
 * @param {string} name @param {string} description
 * @param {(s: Sample) => number} body runs once over the sample; returns the resources done
 * @param {{ baseline?: boolean, minRate?: number }} [more]
 */
function workload(name, description, body, more = {}) {
  return {
    name,
    description,
    ...more,
    setup: () => {
      const s = sample();
      body(s); // warm up the JIT
      return s;
    },
    /** @param {Record<string, string | number>} p @param {Sample} s */
    run(p, s) {
      let units = 0;
      for (let k = 0; k < Number(p.rounds); k++) units += body(s);
      return { units, unit: 'resources' };
    },
  };
}

const safeHarbor = buildFhirDeidEngine({ secret, asOfYear });
const dateShift = buildFhirDeidEngine({ secret, asOfYear, dateShift: true });

/** @type {import('../types.js').Benchmark} */
export const deidFhirEngine = {
  name: 'deid-fhir-engine',
  description:
    'FHIR de-identification engine in memory, resources/s on the Synthea sample: Safe Harbor (floor 1,000/s), date-shift, parse+deid+stringify',
  runs: 5,
  warmup: 1,
  params: {
    rounds: { default: 20, description: 'passes over the sample resources per run' },
  },
  workloads: [
    workload(
      'safe-harbor',
      'engine.deidentify, Safe Harbor',
      (s) => {
        for (const r of s.inputs) safeHarbor.deidentify(r);
        return s.inputs.length;
      },
      { minRate: 1000 },
    ),
    workload('date-shift', 'engine.deidentify, date-shift mode', (s) => {
      for (const r of s.inputs) dateShift.deidentify(r);
      return s.inputs.length;
    }),
    workload('parse+deid+stringify', 'JSON.parse, Safe Harbor, JSON.stringify of every line', (s) => {
      for (const l of s.lines) JSON.stringify(safeHarbor.deidentify(JSON.parse(l)).resource);
      return s.lines.length;
    }),
    workload(
      'parse+stringify',
      'JSON.parse + JSON.stringify of every line: the limit',
      (s) => {
        for (const l of s.lines) JSON.stringify(JSON.parse(l));
        return s.lines.length;
      },
      { baseline: true },
    ),
  ],
  ratios: [
    ['safe-harbor', 'parse+stringify'],
    ['parse+deid+stringify', 'parse+stringify'],
  ],
};
