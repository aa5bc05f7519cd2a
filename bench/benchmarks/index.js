// @ts-check
/** Every benchmark, by name. Each workload runs in a fresh child process (bench/child.js). */
import { chain } from './chain.js';
import { commit } from './commit.js';
import { deidDicom } from './deidDicom.js';
import { deidFhir } from './deidFhir.js';
import { deidFhirEngine } from './deidFhirEngine.js';
import { encodeSeriesBench } from './encodeSeries.js';
import { he } from './he.js';
import { parseDicomBench } from './parseDicom.js';
import { synth } from './synth.js';
import { tables } from './tables.js';
import { train } from './train.js';
import { zk } from './zk.js';

/** @type {Record<string, import('../types.js').Benchmark>} */
export const benchmarks = {
  synth,
  'encode-series': encodeSeriesBench,
  'parse-dicom': parseDicomBench,
  'deid-dicom': deidDicom,
  'deid-fhir': deidFhir,
  'deid-fhir-engine': deidFhirEngine,
  tables,
  commit,
  chain,
  he,
  zk,
  train,
};
