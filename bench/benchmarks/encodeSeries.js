// @ts-check
/**
 * `npm run bench -- encode-series`: the synthetic DICOM writer alone, in memory: slices/s for
 * rendering and encoding a 512×512 CT series of --slices slices (no disk). Floor: 50 slices/s,
 * i.e. 20 ms a slice (about 1 ms on a laptop; it was a test's assertion, timing belongs here).
 */
import { encodeSeries } from '../../dist/synth/encodeSeries.js';
import { generateOwner } from '../../dist/synth/generateOwner.js';
import { generatePatient } from '../../dist/synth/generatePatient.js';
import { parseDateMs } from '../../dist/synth/time.js';

/** @param {Record<string, string | number>} p */
function ctPatient(p) {
  const owner = generateOwner({ seed: 3, number: 1 });
  const patient = generatePatient({
    seed: 3,
    index: 5,
    localIndex: 5,
    owner,
    asOfMs: parseDateMs('2025-01-01'),
    imaging: { fraction: 1, slices: Number(p.slices), imageSize: '512', modality: 'CT' },
  });
  const study = patient.study;
  const series = study?.series[0];
  if (!study || !series) throw new Error('the patient has no CT series');
  return { owner, patient, study, series };
}

/** @type {import('../types.js').Benchmark} */
export const encodeSeriesBench = {
  name: 'encode-series',
  description: 'Synthetic DICOM writer in memory: slices/s of a 512×512 CT series (floor 50/s)',
  runs: 5,
  warmup: 1,
  params: {
    slices: { default: 100, description: 'slices of the series' },
  },
  workloads: [
    {
      name: 'ct512',
      description: 'render and encode every slice of a 512×512 CT series',
      minRate: 50,
      setup: ctPatient,
      /** @param {unknown} _p @param {ReturnType<typeof ctPatient>} s */
      run(_p, s) {
        let units = 0;
        let bytes = 0;
        for (const slice of encodeSeries(s)) {
          units++;
          bytes += slice.bytes.length;
        }
        return { units, unit: 'slices', bytes };
      },
    },
  ],
};
