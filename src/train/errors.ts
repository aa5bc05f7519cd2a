import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes of training jobs: model specs, graphs, data, pledges, models. */
export const trainErrors = defineErrorCodes({
  TRAIN_SPEC_INVALID: {
    message: (f: { problem: string }) => `The model spec is not valid: ${f.problem}.`,
    fix: 'See models/README.md for the fields of a model spec, and models/t2d-risk.yaml for an example.',
  },
  TRAIN_DATA_INVALID: {
    message: (f: { problem: string }) => `The training data cannot be used: ${f.problem}.`,
    fix: 'Check the spec’s feature query against the pledged tables (`sinso sql` on the owner’s side shows their columns).',
  },
  TRAIN_DATA_MISMATCH: {
    message: (f: { pledge: string; problem: string }) =>
      `The data of pledge ${f.pledge} does not match what its DataNFT commits to: ${f.problem}.`,
    fix: 'Fetch the dataset files again (the published folder or its CAR, unchanged); the owner publishes and mints a new version if the data changed.',
  },
  TRAIN_POLICY_REFUSED: {
    message: (f: { pledge: string; reason: string }) =>
      `Pledge ${f.pledge} does not allow training: ${f.reason}.`,
    fix: 'See the pledge with `sinso datasets`; the owner pledges again with the train operation and a later expiry, and the consumer accepts it.',
  },
  TRAIN_KEY_MISSING: {
    message: (f: { pledge: string }) =>
      `No dataset key was granted to this compute node for pledge ${f.pledge}.`,
    fix: 'The owner runs `sinso grant PLEDGE` (or pass --grant FILE with the wrapped key it sent).',
  },
  TRAIN_DIVERGED: {
    message: (f: { epoch: number }) => `Training diverged at epoch ${f.epoch} (the loss is not finite).`,
    fix: 'Lower the learning rate in the spec’s optimizer, or standardize the features.',
  },
  TRAIN_MODEL_INVALID: {
    message: (f: { problem: string }) => `The model cannot be used: ${f.problem}.`,
    fix: 'Pass a model written by `sinso train` (models/<name>.onnx), unchanged.',
  },
  TRAIN_INPUT_INVALID: {
    message: (f: { problem: string }) => `The prediction input cannot be read: ${f.problem}.`,
    fix: 'Pass a CSV (with a header), Parquet or NDJSON file with the model’s feature columns (see its model card).',
  },
});

export class TrainError extends errorClass(trainErrors) {}
