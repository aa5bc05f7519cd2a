import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { TrainError } from './errors.js';

it('renders every training error code', () => {
  const text = renderErrorSamples(TrainError, {
    TRAIN_SPEC_INVALID: { problem: 'model.hidden must be a list of positive integers' },
    TRAIN_DATA_INVALID: { problem: 'the feature query returned no rows' },
    TRAIN_DATA_MISMATCH: { pledge: '2', problem: 'the rows do not hash to the root of token 1 version 1' },
    TRAIN_POLICY_REFUSED: { pledge: '2', reason: 'it was revoked' },
    TRAIN_KEY_MISSING: { pledge: '2' },
    TRAIN_DIVERGED: { epoch: 3 },
    TRAIN_MODEL_INVALID: { problem: 'it has no model card metadata' },
    TRAIN_INPUT_INVALID: { problem: 'column age is missing' },
  });
  expect(text).toContain('[TRAIN_POLICY_REFUSED]');
  expect(text).toContain('does not allow training: it was revoked');
  expect(text).toContain('diverged at epoch 3');
});
