import { createCsprng } from '../../core/csprng.js';
import { InterruptedError } from '../../core/errors/index.js';
import type { Progress } from '../../core/progress.js';
import { dpSgdEpsilon, noiseForEpsilon } from '../dp/rdp.js';
import { gaussianNoise, poissonBatches, shuffledBatches } from '../dp/sampling.js';
import { TrainError } from '../errors.js';
import { type ClassificationMetrics, classificationMetrics } from '../metrics.js';
import { forward, initParams, type ModelShape, type Param, paramCount } from '../model.js';
import { encodeFeatures, fitPreprocessing, type Preprocessing } from '../preprocess.js';
import type { ModelSpec } from '../spec.js';
import { type Split, splitByPatient } from '../split.js';
import type { Examples } from './loadExamples.js';
import { TrainStep } from './trainStep.js';

/** The privacy a job's training gives each example. */
export type PrivacyReport =
  | { kind: 'none' }
  | {
      kind: 'dp-sgd';
      epsilon: number;
      delta: number;
      /** The RDP order at which ε was reached. */
      order: number;
      noiseMultiplier: number;
      clipNorm: number;
      samplingRate: number;
      steps: number;
    };

export type EpochReport = {
  epoch: number;
  loss: number;
  validation: { auc: number | null; logLoss: number | null };
};

export type TrainedModel = {
  shape: ModelShape;
  params: Param[];
  preprocessing: Preprocessing;
  split: Split;
  /** Validation predictions (probabilities) of the final model, in split.validation order. */
  validationProbabilities: Float64Array;
  metrics: ClassificationMetrics;
  epochs: EpochReport[];
  steps: number;
  sampling: 'shuffled' | 'poisson';
  privacy: PrivacyReport;
};

/** The spec's public statistics in place of the training split's, where it gives them. */
function withPublicStatistics(fitted: Preprocessing, spec: ModelSpec): Preprocessing {
  const { standardize, categories } = spec.features;
  return {
    numeric: fitted.numeric.map((n) => {
      const given = standardize[n.name];
      return given ? { name: n.name, mean: Math.fround(given[0]), std: Math.fround(given[1]) } : n;
    }),
    categorical: fitted.categorical.map((c) => {
      const given = categories[c.name];
      return given ? { name: c.name, categories: [...given] } : c;
    }),
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function gather(x: Float32Array, width: number, idx: Uint32Array, labels?: Float32Array) {
  const bx = new Float32Array(idx.length * width);
  const by = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i] as number;
    bx.set(x.subarray(r * width, (r + 1) * width), i * width);
    if (labels) by[i] = labels[r] as number;
  }
  return { bx, by };
}

/** The model's probabilities on rows already gathered (validation features, once per job). */
function probabilities(shape: ModelShape, params: readonly Param[], x: Float32Array, rows: number) {
  return Float64Array.from(forward(shape, params, x, rows), (z) => sigmoid(z));
}

/**
 * Trains the spec's model on a job's examples: split by patient, preprocessing fitted on the
 * training split, weights initialized from the spec's seed, then epochs of ONNX Runtime training
 * steps. Without DP, shuffled batches of the spec's size (seeded by the spec). With DP-SGD,
 * Poisson sampling at q = batchSize / training examples, per-example clipping and Gaussian
 * noise, both drawn from a CSPRNG keyed by `noiseSeed` (a secret of the compute node, never the
 * public spec seed), accounted with RDP. Same inputs, same seed: same weights, byte for byte.
 *
 * @example
 * const model = await trainModel({ spec, examples, noiseSeed, progress });
 */
export async function trainModel(p: {
  spec: ModelSpec;
  examples: Examples;
  /** Secret seed of the DP noise and sampling. */
  noiseSeed: Uint8Array;
  /** Labels that make the noise stream this job's own (e.g. the spec hash and the pledges). */
  noiseLabels?: readonly (string | number)[] | undefined;
  progress: Progress;
  signal?: AbortSignal | undefined;
  onEpoch?: ((e: EpochReport) => void) | undefined;
  threads?: number | undefined;
}): Promise<TrainedModel> {
  const { spec, examples } = p;
  const split = splitByPatient(examples.patient, spec.split.validation, spec.training.seed);
  if (split.train.length === 0 || split.validation.length === 0) {
    throw new TrainError('TRAIN_DATA_INVALID', {
      problem: 'there are too few patients to split (at least two)',
    });
  }
  const preprocessing = withPublicStatistics(
    fitPreprocessing(examples.raw, split.train, spec.features),
    spec,
  );
  const x = encodeFeatures(examples.raw, preprocessing);
  const width = x.length / examples.raw.rows;
  const shape: ModelShape = { features: width, architecture: spec.model };
  const n = split.train.length;
  const dp = spec.privacy?.dp;
  const batchSize = Math.min(spec.training.batchSize, n);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const totalSteps = stepsPerEpoch * spec.training.epochs;
  const q = batchSize / n;
  const sigma =
    dp === undefined
      ? 0
      : (dp.noiseMultiplier ??
        noiseForEpsilon({
          q,
          steps: totalSteps,
          delta: dp.delta,
          targetEpsilon: dp.targetEpsilon as number,
        }));
  const step = await TrainStep.create({
    shape,
    optimizer: spec.optimizer,
    ...(dp ? { dp: { clipNorm: dp.clipNorm } } : {}),
    params: initParams(shape, spec.training.seed),
    threads: p.threads,
  });
  const labels = ['sinso/train/v1', ...(p.noiseLabels ?? [])];
  const sampleRng = createCsprng(p.noiseSeed, ...labels, 'sampling');
  const noiseRng = createCsprng(p.noiseSeed, ...labels, 'noise');
  const orderRng = createCsprng(spec.training.seed, ...labels, 'order');
  const trainIdx = split.train;
  const size = paramCount(shape);
  const validation = gather(x, width, split.validation, examples.label);
  const yv = Float64Array.from(validation.by);
  let last: { params: Param[]; pv: Float64Array; metrics: ClassificationMetrics } | undefined;
  const epochs: EpochReport[] = [];
  const task = p.progress.start(`train ${spec.name}`, spec.training.epochs);
  try {
    for (let epoch = 1; epoch <= spec.training.epochs; epoch++) {
      const batches = dp
        ? poissonBatches(sampleRng, n, q, stepsPerEpoch)
        : shuffledBatches(orderRng, n, batchSize);
      let lossSum = 0;
      let lossRows = 0;
      for (const b of batches) {
        if (p.signal?.aborted)
          throw new InterruptedError('INTERRUPTED', { activity: 'training', nothingWritten: true });
        const idx = b.map((i) => trainIdx[i] as number);
        const { bx, by } = gather(x, width, idx, examples.label);
        // one draw over all parameters (paramLayout order)
        const noise = dp ? gaussianNoise(noiseRng, size, sigma * dp.clipNorm) : undefined;
        const { loss } = await step.run({
          x: bx,
          y: by,
          rows: idx.length,
          ...(noise ? { noise, denominator: q * n } : {}),
        });
        if (idx.length > 0) {
          lossSum += loss * idx.length;
          lossRows += idx.length;
        }
      }
      const loss = lossRows > 0 ? lossSum / lossRows : Number.NaN;
      if (!Number.isFinite(loss) && lossRows > 0) throw new TrainError('TRAIN_DIVERGED', { epoch });
      const params = step.params();
      if (params.some((w) => w.data.some((v) => !Number.isFinite(v))))
        throw new TrainError('TRAIN_DIVERGED', { epoch });
      const pv = probabilities(shape, params, validation.bx, split.validation.length);
      const m = classificationMetrics(pv, yv);
      last = { params, pv, metrics: m };
      const report = { epoch, loss, validation: { auc: m.auc, logLoss: m.logLoss } };
      epochs.push(report);
      p.onEpoch?.(report);
      task.tick();
    }
    task.done();
    // the spec has at least one epoch: the last one's parameters and validation figures are final
    const { params, pv: validationProbabilities, metrics } = last as NonNullable<typeof last>;
    const privacy: PrivacyReport = dp
      ? {
          kind: 'dp-sgd',
          ...dpSgdEpsilon({ q, noiseMultiplier: sigma, steps: totalSteps, delta: dp.delta }),
          delta: dp.delta,
          noiseMultiplier: sigma,
          clipNorm: dp.clipNorm,
          samplingRate: q,
          steps: totalSteps,
        }
      : { kind: 'none' };
    return {
      shape,
      params,
      preprocessing,
      split,
      validationProbabilities,
      metrics,
      epochs,
      steps: totalSteps,
      sampling: dp ? 'poisson' : 'shuffled',
      privacy,
    };
  } finally {
    await step.close();
  }
}
