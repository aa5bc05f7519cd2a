import { TrainError } from './errors.js';

/**
 * Classification metrics over predicted probabilities `p` and labels `y` (0 or 1), both as
 * Float64Array of the same length: pure functions, no I/O.
 */

function check(p: Float64Array, y: Float64Array): void {
  if (p.length !== y.length)
    throw new TrainError('TRAIN_DATA_INVALID', {
      problem: `${p.length} predictions for ${y.length} labels`,
    });
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new TrainError('TRAIN_DATA_INVALID', { problem: 'a label is not 0 or 1' });
    const q = p[i] as number;
    if (!(q >= 0 && q <= 1))
      throw new TrainError('TRAIN_DATA_INVALID', { problem: 'a prediction is not in [0, 1]' });
  }
}

/**
 * The area under the ROC curve, as the Mann–Whitney U statistic over midranks: ties between a
 * positive and a negative count one half. NaN when either class is absent.
 *
 * @example
 * auc(Float64Array.from([0.1, 0.4, 0.35, 0.8]), Float64Array.from([0, 0, 1, 1])); // 0.75
 */
export function auc(p: Float64Array, y: Float64Array): number {
  check(p, y);
  const n = p.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (p[a] as number) - (p[b] as number),
  );
  let rankSumPos = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[order[j + 1] as number] === p[order[i] as number]) j++;
    const midrank = (i + j) / 2 + 1; // ranks i+1..j+1
    for (let k = i; k <= j; k++) {
      if (y[order[k] as number] === 1) {
        rankSumPos += midrank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPos - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The fraction of rows classified right, predicting 1 when p > 0.5 (logit > 0, as
 * scikit-learn's LogisticRegression.predict does). NaN for no rows.
 *
 * @example
 * accuracy(Float64Array.from([0.9, 0.2, 0.5]), Float64Array.from([1, 1, 0])); // 2/3
 */
export function accuracy(p: Float64Array, y: Float64Array): number {
  check(p, y);
  let right = 0;
  for (let i = 0; i < p.length; i++) if (((p[i] as number) > 0.5 ? 1 : 0) === y[i]) right++;
  return p.length === 0 ? Number.NaN : right / p.length;
}

/** The least probability logLoss gives the true label. */
export const LOG_LOSS_EPS = 1e-15;

/**
 * The mean binary cross-entropy −[y ln p + (1 − y) ln(1 − p)], the probability of the true
 * label clipped to at least 1e-15, so a certain mistake costs −ln(1e-15) ≈ 34.5, not infinity.
 * NaN for no rows.
 *
 * @example
 * logLoss(Float64Array.from([0.9, 0.1]), Float64Array.from([1, 0])); // 0.105…
 */
export function logLoss(p: Float64Array, y: Float64Array): number {
  check(p, y);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const q = p[i] as number;
    sum -= Math.log(Math.max(LOG_LOSS_EPS, y[i] === 1 ? q : 1 - q));
  }
  return p.length === 0 ? Number.NaN : sum / p.length;
}

/** One calibration bin [lower, upper): its rows, their mean prediction and observed positive rate (null when empty). */
export type CalibrationBin = {
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number | null;
  observedRate: number | null;
};

export type CalibrationReturnType = {
  bins: CalibrationBin[];
  /** Expected calibration error: Σ (count / n) · |meanPredicted − observedRate|. */
  ece: number;
};

/**
 * Reliability over equal-width bins (10 by default): bin k holds the p with k ≤ bins·p < k + 1,
 * p = 1 in the last bin (scikit-learn's calibration_curve with strategy 'uniform' bins the same
 * way), and the expected calibration error. ECE is NaN for no rows.
 *
 * @example
 * calibration(p, y).ece; // 0.031…
 */
export function calibration(p: Float64Array, y: Float64Array, bins = 10): CalibrationReturnType {
  check(p, y);
  if (!Number.isInteger(bins) || bins < 1)
    throw new TrainError('TRAIN_DATA_INVALID', {
      problem: 'the number of calibration bins is not a positive integer',
    });
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const q = p[i] as number;
    const k = Math.min(bins - 1, Math.floor(q * bins));
    count[k] = (count[k] as number) + 1;
    sumP[k] = (sumP[k] as number) + q;
    sumY[k] = (sumY[k] as number) + (y[i] as number);
  }
  let ece = 0;
  const out = Array.from({ length: bins }, (_, k): CalibrationBin => {
    const c = count[k] as number;
    const meanPredicted = c === 0 ? null : (sumP[k] as number) / c;
    const observedRate = c === 0 ? null : (sumY[k] as number) / c;
    if (meanPredicted !== null && observedRate !== null)
      ece += (c / p.length) * Math.abs(meanPredicted - observedRate);
    return { lower: k / bins, upper: (k + 1) / bins, count: c, meanPredicted, observedRate };
  });
  return { bins: out, ece: p.length === 0 ? Number.NaN : ece };
}

/** The metrics of a model card; a metric that is undefined (one class only, no rows) is null. */
export type ClassificationMetrics = {
  examples: number;
  positives: number;
  auc: number | null;
  accuracy: number | null;
  logLoss: number | null;
  ece: number | null;
  calibration: CalibrationBin[];
};

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * All the metrics at once, as the model card holds them.
 *
 * @example
 * const m = classificationMetrics(pValidation, yValidation); // { auc: 0.83, … }
 */
export function classificationMetrics(p: Float64Array, y: Float64Array): ClassificationMetrics {
  const cal = calibration(p, y);
  return {
    examples: p.length,
    positives: y.reduce((s, v) => s + v, 0),
    auc: finiteOrNull(auc(p, y)),
    accuracy: finiteOrNull(accuracy(p, y)),
    logLoss: finiteOrNull(logLoss(p, y)),
    ece: finiteOrNull(cal.ece),
    calibration: cal.bins,
  };
}
