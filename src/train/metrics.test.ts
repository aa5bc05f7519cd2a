import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, auc, calibration, classificationMetrics, logLoss } from './metrics.js';

const F = (xs: number[]) => Float64Array.from(xs);

describe('auc', () => {
  it('matches scikit-learn on its documented example', () => {
    // scikit-learn, sklearn.metrics.auc docstring: y = [1, 1, 2, 2], pred = [0.1, 0.4, 0.35, 0.8],
    // roc_curve(y, pred, pos_label=2) then auc(fpr, tpr) → 0.75
    // (https://scikit-learn.org/stable/modules/generated/sklearn.metrics.auc.html)
    expect(auc(F([0.1, 0.4, 0.35, 0.8]), F([0, 0, 1, 1]))).toBe(0.75);
  });

  it('counts a tie between a positive and a negative as one half (midranks)', () => {
    // pairs (positive, negative): 0.6 vs 0.2 → 1, 0.6 vs 0.6 → ½; 0.9 vs both → 2; 0.2 vs 0.2 → ½, 0.2 vs 0.6 → 0: 4 of 6
    expect(auc(F([0.2, 0.6, 0.6, 0.9, 0.2]), F([0, 0, 1, 1, 1]))).toBeCloseTo(4 / 6, 15);
    expect(auc(F([0.5, 0.5, 0.5, 0.5]), F([0, 1, 0, 1]))).toBe(0.5);
    expect(auc(F([0.1, 0.9]), F([1, 0]))).toBe(0);
  });

  it('is NaN with one class only', () => {
    expect(auc(F([0.1, 0.9]), F([1, 1]))).toBeNaN();
    expect(auc(F([]), F([]))).toBeNaN();
  });

  it('equals the pairwise definition (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.boolean()), { minLength: 2, maxLength: 60 }),
        (rows) => {
          const p = F(rows.map(([s]) => s / 10));
          const y = F(rows.map(([, l]) => (l ? 1 : 0)));
          let wins = 0;
          let pairs = 0;
          for (let i = 0; i < p.length; i++)
            for (let j = 0; j < p.length; j++)
              if (y[i] === 1 && y[j] === 0) {
                pairs++;
                wins += (p[i] as number) > (p[j] as number) ? 1 : p[i] === p[j] ? 0.5 : 0;
              }
          const got = auc(p, y);
          if (pairs === 0) expect(got).toBeNaN();
          else expect(got).toBeCloseTo(wins / pairs, 12);
        },
      ),
      { seed: 13 },
    );
  });
});

describe('accuracy', () => {
  it('predicts 1 above 0.5 only', () => {
    expect(accuracy(F([0.9, 0.2, 0.5, 0.51]), F([1, 1, 0, 1]))).toBe(0.75);
    expect(accuracy(F([]), F([]))).toBeNaN();
  });
});

describe('logLoss', () => {
  it('matches scikit-learn on its documented example', () => {
    // scikit-learn, sklearn.metrics.log_loss docstring:
    // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) → 0.21616...
    // (https://scikit-learn.org/stable/modules/generated/sklearn.metrics.log_loss.html); spam = 1
    expect(logLoss(F([0.9, 0.1, 0.2, 0.65]), F([1, 0, 0, 1]))).toBeCloseTo(0.21616, 5);
  });

  it('clips at 1e-15: a certain mistake costs −ln(1e-15)', () => {
    expect(logLoss(F([0, 1]), F([1, 0]))).toBeCloseTo(-Math.log(1e-15), 6);
    expect(logLoss(F([1, 0]), F([1, 0]))).toBeLessThan(1e-14);
  });

  it('refuses labels other than 0/1 and predictions outside [0, 1]', () => {
    expect(() => logLoss(F([0.5]), F([2]))).toThrow(/not 0 or 1/);
    expect(() => logLoss(F([Number.NaN]), F([1]))).toThrow(/not in \[0, 1\]/);
    expect(() => logLoss(F([0.5, 0.5]), F([1]))).toThrow(/2 predictions for 1 labels/);
  });
});

describe('calibration', () => {
  it('bins as scikit-learn’s calibration_curve on its documented example (3 bins)', () => {
    // scikit-learn, sklearn.calibration.calibration_curve docstring: y_true = [0, 0, 0, 0, 1, 1, 1, 1, 1],
    // y_pred = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.], n_bins=3 → prob_true [0, 0.5, 1],
    // prob_pred [0.2, 0.525, 0.85]
    // (https://scikit-learn.org/stable/modules/generated/sklearn.calibration.calibration_curve.html)
    const c = calibration(F([0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1]), F([0, 0, 0, 0, 1, 1, 1, 1, 1]), 3);
    expect(c.bins.map((b) => b.observedRate)).toEqual([0, 0.5, 1]);
    expect(c.bins.map((b) => b.meanPredicted)).toEqual([
      expect.closeTo(0.2, 12),
      expect.closeTo(0.525, 12),
      expect.closeTo(0.85, 12),
    ]);
    expect(c.bins.map((b) => b.count)).toEqual([3, 2, 4]);
    // ECE: (3·0.2 + 2·0.025 + 4·0.15) / 9
    expect(c.ece).toBeCloseTo((3 * 0.2 + 2 * 0.025 + 4 * 0.15) / 9, 12);
  });

  it('has 10 equal-width bins by default, empty ones null', () => {
    const c = calibration(F([0.05, 0.15, 0.15, 0.95, 1]), F([0, 1, 0, 1, 1]));
    expect(c.bins).toHaveLength(10);
    expect(c.bins[0]).toEqual({ lower: 0, upper: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(c.bins[1]).toMatchObject({ count: 2, observedRate: 0.5 });
    expect(c.bins[1]?.meanPredicted).toBeCloseTo(0.15, 15);
    expect(c.bins[5]).toEqual({ lower: 0.5, upper: 0.6, count: 0, meanPredicted: null, observedRate: null });
    expect(c.bins[9]).toMatchObject({ count: 2, observedRate: 1 });
    // |0.05 − 0|·1 + |0.15 − 0.5|·2 + |0.975 − 1|·2, over 5
    expect(c.ece).toBeCloseTo((0.05 + 0.7 + 0.05) / 5, 12);
  });
});

describe('classificationMetrics', () => {
  it('gathers them, undefined ones as null', () => {
    const m = classificationMetrics(F([0.2, 0.8]), F([1, 1]));
    expect(m).toMatchObject({ examples: 2, positives: 2, auc: null, accuracy: 0.5 });
    expect(m.calibration).toHaveLength(10);
    expect(classificationMetrics(F([]), F([]))).toMatchObject({
      examples: 0,
      auc: null,
      logLoss: null,
      ece: null,
    });
  });
});
