import { classificationMetrics, type ModelCard } from '../train/index.js';
import { type CellResult, type ResultValue, resultOf } from './result.js';

/** A point of the ROC curve: predicting 1 when p ≥ threshold. */
export type RocPoint = { threshold: number; fpr: number; tpr: number };

/**
 * The ROC curve's points, one per distinct predicted probability (from the highest down), from
 * (0, 0) to (1, 1): predicting 1 when p ≥ threshold, the first point's threshold above every
 * prediction (1, or the highest p if that is 1). Ties move both rates at once, as they should.
 * Empty when either class is absent.
 *
 * @example
 * rocPoints(Float64Array.from([0.9, 0.2]), Float64Array.from([1, 0])); // (0,0), (0,1), (1,1)
 */
export function rocPoints(p: Float64Array, y: Float64Array): RocPoint[] {
  const n = p.length;
  let positives = 0;
  for (const v of y) positives += v;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return [];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (p[b] as number) - (p[a] as number));
  const top = p[order[0] as number] as number;
  const points: RocPoint[] = [{ threshold: Math.max(top, 1), fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; ) {
    const t = p[order[i] as number] as number;
    while (i < n && p[order[i] as number] === t) {
      if (y[order[i] as number] === 1) tp++;
      else fp++;
      i++;
    }
    points.push({ threshold: t, fpr: fp / negatives, tpr: tp / positives });
  }
  return points;
}

/** Counts of the confusion matrix at a threshold (predicting 1 when p > threshold). */
export type Confusion = { tp: number; fp: number; tn: number; fn: number };

/**
 * The confusion matrix at a threshold: predicted 1 when p > threshold (as accuracy in the model
 * card counts at 0.5).
 *
 * @example
 * confusionAt(Float64Array.from([0.9, 0.2, 0.6]), Float64Array.from([1, 1, 0]), 0.5); // { tp: 1, fn: 1, fp: 1, tn: 0 }
 */
export function confusionAt(p: Float64Array, y: Float64Array, threshold: number): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < p.length; i++) {
    const predicted = (p[i] as number) > threshold;
    if (y[i] === 1) predicted ? c.tp++ : c.fn++;
    else predicted ? c.fp++ : c.tn++;
  }
  return c;
}

export type EvaluatePredictionsParameters = {
  /** Predicted probabilities of the validation examples. */
  p: Float64Array;
  /** Their labels, 0 or 1. */
  y: Float64Array;
  threshold: number;
  /** Validation patients (the split counts patients; examples may be more). */
  patients: number;
  /** The model card, whose figures are shown beside the recomputed ones. */
  card?: ModelCard | undefined;
};

export type EvaluatePredictionsReturnType = {
  summary: CellResult;
  roc: CellResult;
  calibration: CellResult;
  confusion: CellResult;
};

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * A model evaluation's results from its validation predictions: a summary (metric, value, and
 * the model card's value where it has one), the ROC curve, the calibration bins (10, equal
 * width) and the confusion matrix at the threshold. Pure.
 *
 * @example
 * const { summary, roc } = evaluatePredictions({ p, y, threshold: 0.5, patients: 64 });
 */
export function evaluatePredictions(e: EvaluatePredictionsParameters): EvaluatePredictionsReturnType {
  const m = classificationMetrics(e.p, e.y);
  const c = confusionAt(e.p, e.y, e.threshold);
  const card = e.card?.metrics;
  const atHalf = e.threshold === 0.5;
  const summaryRows: [string, ResultValue, ResultValue][] = [
    ['validation patients', e.patients, e.card?.split.validationPatients ?? null],
    ['validation examples', m.examples, card?.examples ?? null],
    ['positives', m.positives, card?.positives ?? null],
    ['AUC', m.auc, card?.auc ?? null],
    ['log loss', m.logLoss, card?.logLoss ?? null],
    ['expected calibration error', m.ece, card?.ece ?? null],
    [
      `accuracy (p > ${e.threshold})`,
      ratio(c.tp + c.tn, m.examples),
      atHalf ? (card?.accuracy ?? null) : null,
    ],
    [`sensitivity (p > ${e.threshold})`, ratio(c.tp, c.tp + c.fn), null],
    [`specificity (p > ${e.threshold})`, ratio(c.tn, c.tn + c.fp), null],
  ];
  return {
    summary: resultOf(
      ['metric', 'value', 'card'],
      summaryRows.map(([metric, value, cardValue]) => ({ metric, value, card: cardValue })),
    ),
    roc: resultOf(
      ['threshold', 'fpr', 'tpr'],
      rocPoints(e.p, e.y).map((r) => ({ ...r })),
    ),
    calibration: resultOf(
      ['bin', 'lower', 'upper', 'examples', 'mean_predicted', 'observed_rate'],
      m.calibration.map((b) => ({
        bin: `${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`,
        lower: b.lower,
        upper: b.upper,
        examples: b.count,
        mean_predicted: b.meanPredicted,
        observed_rate: b.observedRate,
      })),
    ),
    confusion: resultOf(
      ['actual', 'predicted', 'examples'],
      [
        { actual: 'positive', predicted: 'positive', examples: c.tp },
        { actual: 'positive', predicted: 'negative', examples: c.fn },
        { actual: 'negative', predicted: 'positive', examples: c.fp },
        { actual: 'negative', predicted: 'negative', examples: c.tn },
      ],
    ),
  };
}
