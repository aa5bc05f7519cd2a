#!/usr/bin/env node
// @ts-check
/**
 * Benchmark harness: `npm run bench -- NAME [--runs N] [--warmup N] [--<param> VALUE]...`
 *
 * Runs each workload of the named benchmark in a fresh child process (so peak memory is the
 * workload's own), first `--warmup` times unmeasured, then `--runs` times; prints median,
 * min/max and spread as JSON on stdout, and the ratio to the baseline where the benchmark has
 * one (measured in the same run). Progress goes to stderr. A workload may set a floor
 * (`minRate`, units/s): a median rate below it is reported and makes the exit status 1 (the
 * throughput floors live here, not in the test suite).
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './benchmarks/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** @param {number} code @returns {never} */
function usage(code) {
  process.stderr.write(
    `Usage: npm run bench -- NAME [--runs N] [--warmup N] [--PARAM VALUE]...\n\nBenchmarks:\n${Object.values(
      benchmarks,
    )
      .map(
        (b) =>
          `  ${b.name.padEnd(18)}${b.description}\n${Object.entries(b.params)
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
const benchName = bench.name;
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

/** @param {string} workload @returns {import('./types.js').ChildResult} */
function runChild(workload) {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', `${here}child.js`, benchName, workload, JSON.stringify(params)],
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

/** @param {number[]} xs @returns {number} */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const at = (/** @type {number} */ i) => s[i] ?? Number.NaN;
  return s.length % 2 ? at(m) : (at(m - 1) + at(m)) / 2;
};

/** @type {import('./types.js').WorkloadSummary[]} */
const results = [];
for (const w of bench.workloads) {
  for (let i = 0; i < warmup; i++) {
    process.stderr.write(`${bench.name}/${w.name}: warm-up ${i + 1}/${warmup}\n`);
    runChild(w.name);
  }
  /** @type {import('./types.js').ChildResult[]} */
  const samples = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`${bench.name}/${w.name}: run ${i + 1}/${runs}\n`);
    samples.push(runChild(w.name));
  }
  const first = samples[0];
  if (!first) {
    process.stderr.write('error: --runs must be at least 1.\n');
    process.exit(1);
  }
  const secs = samples.map((s) => s.seconds);
  const med = median(secs);
  const units = first.units;
  const rates = samples.map((s) => s.units / s.seconds);
  results.push({
    workload: w.name,
    description: w.description,
    baseline: Boolean(w.baseline),
    units: { count: units, name: first.unit },
    seconds: { median: round(med), min: round(Math.min(...secs)), max: round(Math.max(...secs)) },
    spreadPct: round((100 * (Math.max(...secs) - Math.min(...secs))) / med, 1),
    rate: { median: round(median(rates), 1), unit: `${first.unit}/s` },
    ...(first.bytes ? { mbPerSec: round(first.bytes / 1e6 / med, 1) } : {}),
    peakRssMB: Math.max(...samples.map((s) => s.peakRssMB)),
    ...(first.extra ? { extra: first.extra } : {}),
    ...(w.minRate ? { floor: { minRate: w.minRate, met: median(rates) >= w.minRate } } : {}),
  });
}
/** @type {Record<string, number>} */
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
const summary = bench.summarize?.(results, params);
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
      ...(summary ? { summary: summary.json } : {}),
    },
    null,
    2,
  )}\n`,
);
if (summary) process.stderr.write(`${summary.lines.join('\n')}\n`);
const below = results.filter((r) => r.floor && !r.floor.met);
for (const r of below) {
  process.stderr.write(
    `error: ${bench.name}/${r.workload}: ${r.rate.median} ${r.rate.unit} is below the floor of ${r.floor?.minRate}.\n`,
  );
}
if (below.length) process.exitCode = 1;

/** @param {number} x @param {number} [d] */
function round(x, d = 3) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
