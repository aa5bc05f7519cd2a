import { defineErrorCodes, errorClass } from '../core/errors/index.js';

const BELOW_MIN_K = {
  'below-min-k': 'The dataset is below the minimum k-anonymity; nothing was published.',
  'suppressed-all': 'Suppression left no patient to publish; nothing was published.',
  'no-patients': 'The tables hold no patient; nothing was published.',
} as const;

/** The codes of publishing a dataset (`sinso publish`, `publishDataset`). */
export const publishErrors = defineErrorCodes({
  PUBLISH_BELOW_MIN_K: {
    message: (f: {
      problem: keyof typeof BELOW_MIN_K;
      k?: number | undefined;
      minK?: number | undefined;
      quasiIdentifiers?: readonly string[] | undefined;
      classesBelowMinK?: number | undefined;
      rowsBelowMinK?: number | undefined;
    }) => BELOW_MIN_K[f.problem],
    meta: (f) =>
      f.problem === 'below-min-k'
        ? [
            `k = ${f.k} over ${(f.quasiIdentifiers ?? []).join(', ')}; minimum ${f.minK}`,
            `${f.classesBelowMinK} class(es) holding ${f.rowsBelowMinK} patient(s) are below it`,
          ]
        : [],
    fix: (f) =>
      f.problem === 'below-min-k'
        ? 'Suppress first (`sinso tables suppress`, or --suppress drop|generalize here), choose other --qi, or lower --min-k.'
        : f.problem === 'suppressed-all'
          ? 'Try --suppress generalize, fewer or coarser --qi (e.g. age_band_10), or a lower --min-k.'
          : 'Build the tables from de-identified FHIR records that include Patient resources.',
  },
  PUBLISH_DATASET_MISMATCH: {
    message: (f: { problem: string }) => `The fetched dataset does not match its manifest: ${f.problem}.`,
    fix: 'Fetch the dataset again from its owner (its CAR file, `sinso car`, or IPFS); if it still differs, the owner publishes it again.',
  },
  PUBLISH_INPUT_INVALID: {
    message: (f: { problem: 'file' | 'inconsistent'; file?: string | undefined }) =>
      f.problem === 'file'
        ? `The ${f.file ?? 'input file'} is not valid.`
        : 'The commitment or risk report was not built from these tables.',
    fix: (f) =>
      f.problem === 'file'
        ? 'Rebuild it with the command that writes it.'
        : 'Rebuild the commitment (`sinso commit`) from the tables folder you publish.',
  },
});

/**
 * Publishing refused: the dataset is below its minimum k, or its inputs do not belong together.
 * Never carries a data value.
 *
 * @example
 * throw new PublishError('PUBLISH_INPUT_INVALID', { problem: 'inconsistent' });
 */
export class PublishError extends errorClass(publishErrors) {
  override name = 'PublishError';
}
export type PublishErrorType = PublishError & { name: 'PublishError' };
