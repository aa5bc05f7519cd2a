#!/usr/bin/env node
// @ts-check
/**
 * Benchmark harness: `npm run bench -- NAME [--runs N] [--warmup N] [--<param> VALUE]...`
 *
 * Runs each workload of the named benchmark in a fresh child process (so peak memory is the
 * workload's own), first `--warmup` times unmeasured, then `--runs` times; prints median,
 * min/max and spread as JSON on stdout, and the ratio to the baseline where the benchmark has
 * one (measured in the same run). Progress goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './benchmarks/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function usage(code) {
  process.stderr.write(
    `Usage: npm run bench -- NAME [--runs N] [--warmup N] [--PARAM VALUE]...\n\nBenchmarks:\n${Object.values(
      benchmarks,
    )
      .map(
        (b) =>
          `  ${b.name.padEnd(14)}${b.description}\n${Object.entries(b.params)
            .map(([k, v]) => `      --${k} (default ${v.default}): ${v.description}\n`)
            .join('')}`,
      )
      .join('')}`,
  );
  process.exit(code);
}

// every flag takes a value (--name value or --name=value), except --help
/** @type {Record<string, string | true>} */
const values = {};
/** @type {string[]} */
const positionals = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i] ?? '';
  if (a === '--help' || a === '-h') values['help'] = true;
  else if (a.startsWith('--')) {
    const eq = a.indexOf('=');
    if (eq > 0) values[a.slice(2, eq)] = a.slice(eq + 1);
    else values[a.slice(2)] = argv[++i] ?? '';
  } else positionals.push(a);
}
const name = positionals[0];
if (!name || values['help']) usage(values['help'] ? 0 : 1);
const bench = benchmarks[String(name)];
if (!bench) {
  process.stderr.write(`error: unknown benchmark "${name}".\n`);
  usage(1);
}
const runs = Number(values['runs'] ?? bench.runs ?? 5);
const warmup = Number(values['warmup'] ?? bench.warmup ?? 1);
/** @type {Record<string, string | number>} */
const params = {};
for (const k of Object.keys(values)) {
  if (!['runs', 'warmup', 'help'].includes(k) && !(k in bench.params)) {
    process.stderr.write(`error: benchmark ${bench.name} has no parameter --${k}.\n`);
    usage(1);
  }
}
for (const [k, spec] of Object.entries(bench.params)) {
  const v = values[k];
  params[k] =
    v === undefined || v === true ? spec.default : typeof spec.default === 'number' ? Number(v) : String(v);
}

/** @param {string} workload */
function runChild(workload) {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', `${here}child.js`, bench.name, workload, JSON.stringify(params)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) {
    process.stderr.write(`error: workload ${workload} failed (exit ${r.status}).\n`);
    process.exit(1);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
}

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = [];
for (const w of bench.workloads) {
  for (let i = 0; i < warmup; i++) {
    process.stderr.write(`${bench.name}/${w.name}: warm-up ${i + 1}/${warmup}\n`);
    runChild(w.name);
  }
  const samples = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`${bench.name}/${w.name}: run ${i + 1}/${runs}\n`);
    samples.push(runChild(w.name));
  }
  const secs = samples.map((s) => s.seconds);
  const med = median(secs);
  const units = samples[0].units;
  const rates = samples.map((s) => s.units / s.seconds);
  results.push({
    workload: w.name,
    description: w.description,
    baseline: Boolean(w.baseline),
    units: { count: units, name: samples[0].unit },
    seconds: { median: round(med), min: round(Math.min(...secs)), max: round(Math.max(...secs)) },
    spreadPct: round((100 * (Math.max(...secs) - Math.min(...secs))) / med, 1),
    rate: { median: round(median(rates), 1), unit: `${samples[0].unit}/s` },
    ...(samples[0].bytes ? { mbPerSec: round(samples[0].bytes / 1e6 / med, 1) } : {}),
    peakRssMB: Math.max(...samples.map((s) => s.peakRssMB)),
    ...(samples[0].extra ? { extra: samples[0].extra } : {}),
  });
}
const ratios = {};
for (const [a, b] of bench.ratios ?? []) {
  const ra = results.find((r) => r.workload === a);
  const rb = results.find((r) => r.workload === b);
  if (ra && rb)
    ratios[`${a}/${b}`] = round(
      (rb.seconds.median / ra.seconds.median) * (ra.units.count / rb.units.count),
      3,
    );
}
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: bench.name,
      params,
      runs,
      warmup,
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGB: round(totalmem() / 2 ** 30, 1),
        node: process.version,
        platform: process.platform,
      },
      results,
      ...(Object.keys(ratios).length
        ? { ratios, ratioMeaning: 'rate of the first over the rate of the second' }
        : {}),
    },
    null,
    2,
  )}\n`,
);

/** @param {number} x @param {number} [d] */
function round(x, d = 3) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
