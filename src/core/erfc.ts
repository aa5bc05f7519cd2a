/**
 * The complementary error function and its scaled form, implemented here (JavaScript has none):
 * shared by the HE release policy's Gaussian mechanism and the DP-SGD accountant.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** Below this x, erfc comes from the series of erf; above, from the continued fraction. */
const SWITCH = 1;

/**
 * The complementary error function, to a few 1e-15 relative (implemented here: JavaScript has
 * none; checked against 50-digit values in the tests). For 0 ≤ x < 1: erfc(x) = 1 − erf(x), erf
 * from its series of positive terms erf(x) = (2/√π)·e^(−x²)·Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), which
 * has no cancellation (and erfc(1) ≈ 0.157 keeps 1 − erf well conditioned; the subtraction
 * loses digits beyond x ≈ 1.5). For x ≥ 1: the continued fraction
 * erfc(x) = (e^(−x²)/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by the modified
 * Lentz method (under 200 terms at x = 1, fewer beyond). For x < 0: erfc(x) = 2 − erfc(−x).
 *
 * @example
 * erfc(1); // 0.15729920705028513
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < SWITCH) return 1 - erfSeries(x);
  return erfcx(x) * Math.exp(-x * x);
}

/**
 * The scaled complementary error function erfcx(x) = e^(x²)·erfc(x), for x ≥ 0: finite and
 * about 1/(x√π) where erfc itself underflows (x > 26).
 *
 * @example
 * erfcx(30) * Math.sqrt(Math.PI) * 30; // ≈ 1
 */
export function erfcx(x: number): number {
  if (!(x >= 0)) throw new RangeError('erfcx is implemented for x >= 0');
  if (x < SWITCH) return (1 - erfSeries(x)) * Math.exp(x * x);
  if (x === Number.POSITIVE_INFINITY) return 0;
  return ONE_OVER_SQRT_PI * continuedFraction(x);
}

/** erf(x) for 0 ≤ x < 1 by its series of positive terms. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))) by the modified Lentz method, for x ≥ 1. */
function continuedFraction(x: number): number {
  const tiny = 1e-300;
  // f = b0 + a1/(b1 + a2/(b2 + …)) with b0 = x, aₙ = n/2, bₙ = x; the answer is 1/f
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}
