// @ts-check
/** Every benchmark, by name. Each workload runs in a fresh child process (bench/child.js). */
import { deidDicom } from './deidDicom.js';
import { deidFhir } from './deidFhir.js';
import { synth } from './synth.js';

/** @type {Record<string, any>} */
export const benchmarks = { synth, 'deid-dicom': deidDicom, 'deid-fhir': deidFhir };
