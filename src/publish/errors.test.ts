import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { PublishError } from './errors.js';

it('renders every publish error code', () => {
  expect(
    renderErrorSamples(PublishError, {
      PUBLISH_BELOW_MIN_K: {
        problem: 'below-min-k',
        k: 2,
        minK: 5,
        quasiIdentifiers: ['birth_year', 'zip3'],
        classesBelowMinK: 3,
        rowsBelowMinK: 4,
      },
      PUBLISH_DATASET_MISMATCH: { problem: 'its commitment root is not the manifest’s' },
      PUBLISH_INPUT_INVALID: { problem: 'inconsistent' },
    }),
  ).toMatchInlineSnapshot(`
    "[PUBLISH_BELOW_MIN_K]
    The dataset is below the minimum k-anonymity; nothing was published.

    k = 2 over birth_year, zip3; minimum 5
    3 class(es) holding 4 patient(s) are below it

    Fix: Suppress first (\`sinso tables suppress\`, or --suppress drop|generalize here), choose other --qi, or lower --min-k.

    [PUBLISH_DATASET_MISMATCH]
    The fetched dataset does not match its manifest: its commitment root is not the manifest’s.

    Fix: Fetch the dataset again from its owner (its CAR file, \`sinso car\`, or IPFS); if it still differs, the owner publishes it again.

    [PUBLISH_INPUT_INVALID]
    The commitment or risk report was not built from these tables.

    Fix: Rebuild the commitment (\`sinso commit\`) from the tables folder you publish."
  `);
});
