// @ts-check
/** Every benchmark, by name. Each workload runs in a fresh child process (bench/child.js). */
import { commit } from './commit.js';
import { deidDicom } from './deidDicom.js';
import { deidFhir } from './deidFhir.js';
import { synth } from './synth.js';
import { tables } from './tables.js';

/** @type {Record<string, any>} */
export const benchmarks = { synth, 'deid-dicom': deidDicom, 'deid-fhir': deidFhir, tables, commit };
