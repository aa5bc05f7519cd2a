import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCsprng } from '../../core/csprng.js';
import { UsageError } from '../../core/errors/index.js';
import {
  drawGaussian,
  drawLaplace,
  erfc,
  erfcx,
  gaussianDelta,
  gaussianSigma,
  laplaceScale,
  noisy,
  normalCdf,
} from './noise.js';

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

/** n draws and their mean, variance and share within `band` of 0. */
function moments(draw: () => number, n: number, band: number) {
  let sum = 0;
  let sq = 0;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const v = draw();
    sum += v;
    sq += v * v;
    if (Math.abs(v) < band) inside++;
  }
  const mean = sum / n;
  return { mean, variance: sq / n - mean * mean, inside: inside / n };
}

describe('erfc', () => {
  // references: mpmath erfc at 50 digits, rounded to the nearest double
  const reference: [number, number][] = [
    [-3, 1.9999779095030015],
    [-1, 1.8427007929497148],
    [-0.3, 1.3286267594591274],
    [0, 1],
    [0.001, 0.9988716212090307],
    [0.5, 0.4795001221869535],
    [0.999, 0.15771472979350307],
    [1, 0.15729920705028513],
    [1.5, 0.033894853524689274],
    [1.999, 0.004698443348629487],
    [2, 0.004677734981047266],
    [2.001, 0.00465710928147535],
    [3, 2.209049699858544e-5],
    [5, 1.537459794428035e-12],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
  ];
  it.each(reference)('erfc(%d) is within 1e-14 relative of the 50-digit value', (x, want) => {
    expect(relErr(erfc(x), want)).toBeLessThan(1e-14);
  });

  it('has a scaled form that stays finite where erfc underflows', () => {
    for (const [x, want] of [
      [2, 0.25539567631050575],
      [5, 0.11070463773306863],
      [30, 0.01879588886141675],
      [100, 0.005641613782989433],
    ] as const) {
      expect(relErr(erfcx(x), want)).toBeLessThan(1e-14);
    }
    expect(erfcx(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
    expect(() => erfcx(-1)).toThrow(RangeError);
  });

  it('is continuous across the switch from series to continued fraction, and gives Φ', () => {
    expect(relErr(erfc(1 - 1e-12), erfc(1))).toBeLessThan(1e-11);
    expect(relErr(erfc(0.9999999999999999), 0.1572992070502852)).toBeLessThan(1e-14);
    expect(normalCdf(0)).toBe(0.5);
    expect(relErr(normalCdf(1.959963984540054), 0.975)).toBeLessThan(1e-14);
  });
});

describe('laplaceScale and gaussianSigma', () => {
  it('calibrates Laplace as Δ/ε', () => {
    expect(laplaceScale(1, 0.5)).toBe(2);
    expect(laplaceScale(3, 2)).toBe(1.5);
    expect(laplaceScale(0, 1)).toBe(0);
  });

  // references: the same bisection at 50 digits with mpmath's normal CDF
  it.each([
    [1, 1, 1e-5, 3.730631634815942],
    [1, 0.1, 1e-6, 36.30469042619578],
    [1, 5, 1e-3, 0.6898423270003575],
    [2, 1, 1e-5, 7.461263269631884],
    [1, 50, 1e-10, 0.18029422294241373],
    [1, 0.01, 0.5, 0.7370173171807444],
    // small ε: the condition cancels badly in doubles (the bisection alone lands 2.5e-12 and
    // 1.9e-10 below these); the margin keeps the answer above
    [1, 1e-4, 1e-5, 9373.853362152793],
    [1, 1e-5, 1e-12, 458412.28666043177],
  ])('gaussianSigma(%d, %d, %d) is the analytic Gaussian σ %d, never below it', (d, e, delta, want) => {
    const sigma = gaussianSigma(d, e, delta);
    expect(sigma).toBeGreaterThanOrEqual(want);
    expect(relErr(sigma, want)).toBeLessThan(2e-9);
    // it satisfies the condition, and a little less would not
    expect(gaussianDelta(d, e, sigma)).toBeLessThanOrEqual(delta);
    expect(gaussianDelta(d, e, sigma * (1 - 1e-6))).toBeGreaterThan(delta);
  });

  it('is never above the classical bound (ε < 1), and scales with the sensitivity', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 1e-12, max: 0.1, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (e, delta, d) => {
          const sigma = gaussianSigma(d, e, delta);
          expect(sigma).toBeLessThanOrEqual((d * Math.sqrt(2 * Math.log(1.25 / delta))) / e);
          expect(relErr(sigma, d * gaussianSigma(1, e, delta))).toBeLessThan(1e-11);
        },
      ),
    );
  });

  it('needs less noise for a larger ε or δ', () => {
    // the bisection's own rounding, far below the margin (ε ≥ 1e-3 here)
    const slack = 1 + 1e-10;
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 20, noNaN: true }),
        fc.double({ min: 0.001, max: 20, noNaN: true }),
        fc.double({ min: 1e-12, max: 0.9, noNaN: true }),
        fc.double({ min: 1e-12, max: 0.9, noNaN: true }),
        (e1, e2, d1, d2) => {
          const [eLo, eHi] = e1 <= e2 ? [e1, e2] : [e2, e1];
          const [dLo, dHi] = d1 <= d2 ? [d1, d2] : [d2, d1];
          expect(gaussianSigma(1, eHi, dLo)).toBeLessThanOrEqual(gaussianSigma(1, eLo, dLo) * slack);
          expect(gaussianSigma(1, eLo, dHi)).toBeLessThanOrEqual(gaussianSigma(1, eLo, dLo) * slack);
        },
      ),
    );
  });

  it('refuses ε ≤ 0, δ outside (0, 1) and a negative sensitivity', () => {
    for (const e of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => laplaceScale(1, e)).toThrow(UsageError);
      expect(() => gaussianSigma(1, e, 1e-6)).toThrow(UsageError);
    }
    for (const delta of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => gaussianSigma(1, 1, delta)).toThrow(/delta must lie strictly between 0 and 1/);
    }
    expect(() => laplaceScale(-1, 1)).toThrow(/sensitivity/);
    expect(gaussianSigma(0, 1, 1e-6)).toBe(0);
  });
});

describe('drawing noise', () => {
  const n = 20_000;

  // standard errors at n = 20 000: mean 0.02, variance 0.13, share within b 0.0034
  it('draws Laplace(b) with mean 0, variance 2b² and P(|X| < b) = 1 − 1/e', () => {
    const rng = createCsprng('laplace-moments');
    const m = moments(() => drawLaplace(rng, 2), n, 2);
    expect(Math.abs(m.mean)).toBeLessThan(0.1);
    expect(Math.abs(m.variance - 8)).toBeLessThan(0.6);
    expect(Math.abs(m.inside - (1 - Math.exp(-1)))).toBeLessThan(0.015);
  });

  // standard errors at n = 20 000: mean 0.021, variance 0.09, share within σ 0.0033
  it('draws N(0, σ²) with mean 0, variance σ² and P(|X| < σ) = 0.6827', () => {
    const rng = createCsprng('gaussian-moments');
    const m = moments(() => drawGaussian(rng, 3), n, 3);
    expect(Math.abs(m.mean)).toBeLessThan(0.1);
    expect(Math.abs(m.variance - 9)).toBeLessThan(0.45);
    expect(Math.abs(m.inside - 0.6826894921370859)).toBeLessThan(0.015);
  });

  it('never takes the logarithm of 0, at either end of the uniforms', () => {
    for (const u of [0, 1 - 2 ** -53]) {
      const edge = { float: () => u };
      expect(Number.isFinite(drawLaplace(edge, 1))).toBe(true);
      expect(Number.isFinite(drawGaussian(edge, 1))).toBe(true);
    }
    expect(drawLaplace({ float: () => 1 - 2 ** -53 }, 1)).toBeCloseTo(53 * Math.LN2, 10);
  });
});

describe('noisy', () => {
  it('releases a multiple of the resolution, near the value on average, the same for the same stream', () => {
    const laplace = { kind: 'laplace', scale: 1 } as const;
    const rng = createCsprng('noisy-mean');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += noisy(100, laplace, rng, 1);
    // standard error 0.01 (the rounding adds no bias: the noise is symmetric)
    expect(Math.abs(sum / 20_000 - 100)).toBeLessThan(0.05);
    expect(noisy(7, laplace, createCsprng('same'), 1)).toBe(noisy(7, laplace, createCsprng('same'), 1));
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom(1, 5, 0.5, 0.25, 0.1, 0.01),
        fc.constantFrom<Parameters<typeof noisy>[1]>(laplace, { kind: 'gaussian', sigma: 2 }),
        fc.string(),
        (value, resolution, mechanism, seed) => {
          const out = noisy(value, mechanism, createCsprng(seed), resolution);
          const k = out / resolution;
          expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6);
          // a decimal grid prints as the decimal (0.30000000000000004 never comes out)
          const decimals = (String(resolution).split('.')[1] ?? '').length;
          expect(String(out)).toBe(String(Number(out.toFixed(decimals))));
          expect(Object.is(out, -0)).toBe(false);
        },
      ),
    );
  });

  it('refuses a resolution that is not a positive finite number', () => {
    for (const r of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => noisy(1, { kind: 'laplace', scale: 1 }, createCsprng('r'), r)).toThrow(UsageError);
    }
  });
});
