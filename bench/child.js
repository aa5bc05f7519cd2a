// @ts-check
/** Runs one workload once in this process and prints {seconds, units, unit, bytes, peakRssMB}. */
import { benchmarks } from './benchmarks/index.js';

const [name, workload, paramsJson] = process.argv.slice(2);
const bench = benchmarks[String(name)];
const w = bench?.workloads.find((x) => x.name === workload);
if (!bench || !w) {
  process.stderr.write('unknown benchmark or workload\n');
  process.exit(1);
}
const params = JSON.parse(paramsJson ?? '{}');
const setup = w.setup ?? bench.setup;
const teardown = w.teardown ?? bench.teardown;
const state = setup ? await setup(params) : undefined;
const t0 = performance.now();
const r = await w.run(params, state);
const seconds = (performance.now() - t0) / 1000;
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
if (teardown) await teardown(params, state);
process.stdout.write(`${JSON.stringify({ seconds, peakRssMB, ...r })}\n`);
