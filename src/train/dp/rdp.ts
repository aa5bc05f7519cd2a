import { erfc, erfcx } from '../../core/erfc.js';
import { TrainError } from '../errors.js';

/**
 * Rényi differential privacy (RDP) of the Sampled Gaussian Mechanism (SGM), the mechanism of one
 * DP-SGD step with Poisson sampling: each example joins the batch independently with probability
 * `q`, the clipped per-example gradients (L2 norm at most C) are summed and Gaussian noise of
 * standard deviation `noiseMultiplier · C` is added.
 *
 * The bound is the one of Mironov, Talwar and Zhang (2019), "Rényi Differential Privacy of the
 * Sampled Gaussian Mechanism" (arXiv:1908.10530), Section 3.3, for the add/remove-one neighbouring
 * relation: RDP(α) = log(A_α) / (α − 1) with A_α = E_{z∼μ0}[(μ(z)/μ0(z))^α], μ0 = N(0, σ²),
 * μ = (1 − q)·N(0, σ²) + q·N(1, σ²). Integer orders use the finite binomial expansion of A_α,
 * fractional orders the two convergent series split at z0 = σ²·log(1/q − 1) + 1/2 (the same
 * computation as TF Privacy's `rdp_accountant.py`, `dp_accounting` and Opacus's
 * `opacus/accountants/analysis/rdp.py`), all in log space.
 */

/**
 * The orders (α) the accountant evaluates by default: Opacus's `RDPAccountant.DEFAULT_ALPHAS`
 * and TF Privacy's MNIST tutorial, `[1 + x / 10 for x in 1..99] + [12..63]` (1.1, 1.2, …, 10.9,
 * 12, …, 63). The reported ε is the minimum over these orders.
 *
 * @example
 * rdpSampledGaussian({ q: 0.01, noiseMultiplier: 1.1, steps: 1000, orders: DEFAULT_ORDERS });
 */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
]);

/** Which RDP → (ε, δ) conversion {@link epsilonFromRdp} applies. */
export type RdpConversion = 'balle2020' | 'mironov2017';

export type RdpSampledGaussianParameters = {
  /** Sampling probability of each example per step, in [0, 1] (batch size / dataset size). */
  q: number;
  /** σ: the noise's standard deviation divided by the clip norm (the L2 sensitivity); > 0. */
  noiseMultiplier: number;
  /** Number of steps composed (a whole number ≥ 0). */
  steps: number;
  /** The orders α (each finite and > 1). */
  orders: readonly number[];
};
export type RdpSampledGaussianReturnType = number[];
export type RdpSampledGaussianErrorType = TrainError;

/**
 * The RDP of `steps` compositions of the Sampled Gaussian Mechanism at each order: `steps ·
 * log(A_α)/(α − 1)` (RDP composes additively). `q = 0` gives 0 and `q = 1` the plain Gaussian
 * mechanism's α/(2σ²). Values may be `Infinity` (a very small σ at a high order).
 *
 * @example
 * const rdp = rdpSampledGaussian({ q: 256 / 60000, noiseMultiplier: 1.1, steps: 14040, orders: DEFAULT_ORDERS });
 * const { epsilon } = epsilonFromRdp({ orders: DEFAULT_ORDERS, rdp, delta: 1e-5 });
 */
export function rdpSampledGaussian(p: RdpSampledGaussianParameters): RdpSampledGaussianReturnType {
  checkProbability('q', p.q, true);
  checkPositive('noiseMultiplier', p.noiseMultiplier);
  if (!Number.isInteger(p.steps) || p.steps < 0)
    invalid(`dp steps must be a whole number >= 0 (got ${String(p.steps)})`);
  checkOrders(p.orders);
  return p.orders.map((alpha) => {
    const r = rdpOneStep(p.q, p.noiseMultiplier, alpha);
    return p.steps === 0 ? 0 : r * p.steps;
  });
}

export type ComposeRdpParameters = readonly (readonly number[])[];
export type ComposeRdpReturnType = number[];

/**
 * Composes mechanisms evaluated at the same orders (e.g. phases with different q or σ): the
 * RDP of a sequence of mechanisms is the sum of their RDPs, order by order.
 *
 * @example
 * const orders = DEFAULT_ORDERS;
 * const total = composeRdp([
 *   rdpSampledGaussian({ q: 0.01, noiseMultiplier: 1, steps: 100, orders }),
 *   rdpSampledGaussian({ q: 0.02, noiseMultiplier: 2, steps: 50, orders }),
 * ]);
 */
export function composeRdp(curves: ComposeRdpParameters): ComposeRdpReturnType {
  const first = curves[0];
  if (!first) invalid('composeRdp needs at least one RDP curve');
  const out = new Array<number>(first.length).fill(0);
  for (const c of curves) {
    if (c.length !== first.length) invalid('the RDP curves to compose have different numbers of orders');
    for (let i = 0; i < c.length; i++) out[i]! += c[i]!;
  }
  return out;
}

export type EpsilonFromRdpParameters = {
  orders: readonly number[];
  /** RDP at each order (same length as `orders`), each ≥ 0 or `Infinity`. */
  rdp: readonly number[];
  /** Target δ, in (0, 1). */
  delta: number;
  /**
   * `'balle2020'` (default): ε = rdp − (log δ + log α)/(α − 1) + log((α − 1)/α), Balle et al.
   * 2020, "Hypothesis testing interpretations and Rényi differential privacy", Theorem 21 of
   * arXiv:1905.09982 — what Opacus ≥ 1.0 and TF Privacy / dp_accounting since 2020 report.
   * `'mironov2017'`: ε = rdp + log(1/δ)/(α − 1), Mironov 2017, "Rényi Differential Privacy",
   * Proposition 3 — what TF Privacy reported before 2020 (its tutorial tables and
   * `compute_dp_sgd_privacy` examples), kept for comparison with those figures. At every order
   * Balle's ε is the smaller of the two, by log(α)/(α − 1) − log(1 − 1/α) > 0.
   */
  conversion?: RdpConversion;
};
export type EpsilonFromRdpReturnType = {
  /** The smallest ε over the orders (≥ 0; `Infinity` when every order's RDP is infinite). */
  epsilon: number;
  /** The order that attains it. */
  order: number;
};
export type EpsilonFromRdpErrorType = TrainError;

/**
 * Converts an RDP curve into an (ε, δ)-DP guarantee, minimizing over the orders. By default the
 * conversion of Balle et al. 2020 (as Opacus ≥ 1.0 does):
 * ε = min_α [ rdp(α) − (log δ + log α)/(α − 1) + log((α − 1)/α) ], clamped at 0.
 * Pass `conversion: 'mironov2017'` for the classic ε = min_α [ rdp(α) + log(1/δ)/(α − 1) ].
 *
 * @example
 * const rdp = rdpSampledGaussian({ q: 0.04, noiseMultiplier: 1.5, steps: 2250, orders: DEFAULT_ORDERS });
 * epsilonFromRdp({ orders: DEFAULT_ORDERS, rdp, delta: 1e-5 }); // { epsilon: ≈ 7.33, order: … }
 */
export function epsilonFromRdp(p: EpsilonFromRdpParameters): EpsilonFromRdpReturnType {
  checkOrders(p.orders);
  if (p.rdp.length !== p.orders.length)
    invalid(`there are ${p.rdp.length} RDP values for ${p.orders.length} orders`);
  for (const r of p.rdp) if (!(r >= 0)) invalid(`RDP values must be >= 0 or Infinity (got ${String(r)})`);
  checkProbability('delta', p.delta, false);
  const conversion = p.conversion ?? 'balle2020';
  if (conversion !== 'balle2020' && conversion !== 'mironov2017')
    invalid(`the RDP conversion must be balle2020 or mironov2017 (got ${String(conversion)})`);
  const logDelta = Math.log(p.delta);
  let best = Number.POSITIVE_INFINITY;
  let bestOrder = p.orders[0]!;
  for (let i = 0; i < p.orders.length; i++) {
    const a = p.orders[i]!;
    const r = p.rdp[i]!;
    const eps =
      conversion === 'balle2020'
        ? r - (logDelta + Math.log(a)) / (a - 1) + Math.log1p(-1 / a)
        : r - logDelta / (a - 1);
    if (eps < best) {
      best = eps;
      bestOrder = a;
    }
  }
  return { epsilon: Math.max(0, best), order: bestOrder };
}

export type DpSgdEpsilonParameters = {
  q: number;
  noiseMultiplier: number;
  steps: number;
  delta: number;
  /** Defaults to {@link DEFAULT_ORDERS}. */
  orders?: readonly number[];
  conversion?: RdpConversion;
};

/**
 * ε of DP-SGD with Poisson sampling (`steps` steps at rate q, noise multiplier σ) at δ: the
 * accountant in one call ({@link rdpSampledGaussian} then {@link epsilonFromRdp}).
 *
 * @example
 * dpSgdEpsilon({ q: 256 / 60000, noiseMultiplier: 1.1, steps: 14040, delta: 1e-5 }).epsilon;
 */
export function dpSgdEpsilon(p: DpSgdEpsilonParameters): EpsilonFromRdpReturnType {
  const orders = p.orders ?? DEFAULT_ORDERS;
  const rdp = rdpSampledGaussian({ q: p.q, noiseMultiplier: p.noiseMultiplier, steps: p.steps, orders });
  return epsilonFromRdp({
    orders,
    rdp,
    delta: p.delta,
    ...(p.conversion === undefined ? {} : { conversion: p.conversion }),
  });
}

export type NoiseForEpsilonParameters = {
  q: number;
  steps: number;
  delta: number;
  targetEpsilon: number;
  orders?: readonly number[];
  conversion?: RdpConversion;
  /** Relative tolerance on σ (default 1e-4): the answer is at most (1 + tolerance)·σ*. */
  tolerance?: number;
};
export type NoiseForEpsilonReturnType = number;
export type NoiseForEpsilonErrorType = TrainError;

/** The largest σ {@link noiseForEpsilon} tries before refusing the target as unreachable. */
const MAX_SIGMA = 1e6;

/**
 * The smallest noise multiplier σ for which `steps` steps of DP-SGD at sampling rate q stay
 * within (targetEpsilon, δ), as the accountant computes ε (orders, conversion as given). ε is
 * non-increasing in σ (a minimum over orders of functions that each decrease in σ), so the
 * search brackets σ by doubling and halving from 1, then bisects. The returned σ always
 * satisfies ε(σ) ≤ targetEpsilon (it is the upper end of the final bracket), and exceeds the
 * exact threshold σ* by at most `tolerance · σ` (relative, default 1e-4).
 *
 * @example
 * noiseForEpsilon({ q: 0.04, steps: 2250, delta: 1e-5, targetEpsilon: 8 }); // ≈ 1.41
 */
export function noiseForEpsilon(p: NoiseForEpsilonParameters): NoiseForEpsilonReturnType {
  checkProbability('q', p.q, true);
  if (p.q === 0) invalid('dp q must be > 0 to derive a noise multiplier (with q = 0 no data is used)');
  if (!Number.isInteger(p.steps) || p.steps < 1)
    invalid(`dp steps must be a whole number >= 1 (got ${String(p.steps)})`);
  checkProbability('delta', p.delta, false);
  checkPositive('targetEpsilon', p.targetEpsilon);
  const tolerance = p.tolerance ?? 1e-4;
  if (!(tolerance > 0 && tolerance < 1)) invalid(`the σ tolerance must be in (0, 1) (got ${tolerance})`);
  const orders = p.orders ?? DEFAULT_ORDERS;
  const eps = (sigma: number) =>
    dpSgdEpsilon({
      q: p.q,
      noiseMultiplier: sigma,
      steps: p.steps,
      delta: p.delta,
      orders,
      ...(p.conversion === undefined ? {} : { conversion: p.conversion }),
    }).epsilon;
  let hi = 1;
  let lo = 1;
  if (eps(1) > p.targetEpsilon) {
    do {
      lo = hi;
      hi *= 2;
      if (hi > MAX_SIGMA)
        invalid(
          `no noise multiplier up to ${MAX_SIGMA} reaches ε = ${p.targetEpsilon} at δ = ${p.delta} (raise the target ε or lower the steps or the sampling rate)`,
        );
    } while (eps(hi) > p.targetEpsilon);
  } else {
    lo = 0.5;
    while (eps(lo) <= p.targetEpsilon) {
      hi = lo;
      lo /= 2;
      if (lo < 1e-6) return hi; // any σ this small reaches the target: the guarantee is not binding
    }
  }
  // invariant: eps(lo) > target >= eps(hi)
  while (hi - lo > tolerance * hi) {
    const mid = (lo + hi) / 2;
    if (eps(mid) <= p.targetEpsilon) hi = mid;
    else lo = mid;
  }
  return hi;
}

export type LogASampledGaussianParameters = {
  q: number;
  noiseMultiplier: number;
  order: number;
  /**
   * `'auto'` (default): the binomial expansion for integer orders, the two series otherwise.
   * `'series'` forces the two-series computation (valid at integer orders too, where it is a
   * finite sum): for tests that check the two agree.
   */
  method?: 'auto' | 'series';
};

/**
 * log(A_α) of the Sampled Gaussian Mechanism (Mironov, Talwar and Zhang 2019, Section 3.3), for
 * 0 < q < 1: the quantity whose log divided by α − 1 is the RDP at order α. Exposed for tests
 * and diagnostics; the accountant uses {@link rdpSampledGaussian}.
 *
 * @example
 * logASampledGaussian({ q: 0.01, noiseMultiplier: 2, order: 3 });
 */
export function logASampledGaussian(p: LogASampledGaussianParameters): number {
  checkProbability('q', p.q, true);
  if (p.q === 0 || p.q === 1) invalid('log A is computed for 0 < q < 1');
  checkPositive('noiseMultiplier', p.noiseMultiplier);
  checkOrders([p.order]);
  if ((p.method ?? 'auto') === 'auto' && Number.isInteger(p.order))
    return logAInteger(p.q, p.noiseMultiplier, p.order);
  return logAFractional(p.q, p.noiseMultiplier, p.order);
}

function rdpOneStep(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (q === 1) return alpha / (2 * sigma * sigma);
  const logA = Number.isInteger(alpha) ? logAInteger(q, sigma, alpha) : logAFractional(q, sigma, alpha);
  // A_α ≥ 1 in exact arithmetic (a Rényi divergence is ≥ 0); rounding can dip a hair below
  return Math.max(0, logA / (alpha - 1));
}

/** log A_α = log Σ_{k=0}^{α} C(α,k) (1−q)^{α−k} q^k exp((k² − k)/(2σ²)), for integer α. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const twoS2 = 2 * sigma * sigma;
  let logBinom = 0; // log C(α, 0)
  let acc = Number.NEGATIVE_INFINITY;
  for (let k = 0; k <= alpha; k++) {
    if (k > 0) logBinom += Math.log((alpha - k + 1) / k);
    const term = logBinom + k * logQ + (alpha - k) * log1mQ + (k * k - k) / twoS2;
    acc = logAddExp(acc, term);
  }
  return acc;
}

/**
 * log A_α for any α > 1 by the two series of Mironov, Talwar and Zhang 2019 (Section 3.3):
 * A_α = Σ_k C(α,k) (1−q)^{α−k} q^k e^{(k²−k)/(2σ²)} · ½ erfc((k − z0)/(√2 σ))
 *     + Σ_k C(α,k) q^{α−k} (1−q)^k e^{((α−k)²−(α−k))/(2σ²)} · ½ erfc((z0 − (α−k))/(√2 σ)),
 * z0 = σ² log(1/q − 1) + 1/2. The generalized binomial coefficients change sign past k = ⌊α⌋,
 * so each sum is kept as a signed number in log space. Summation stops, as in TF Privacy and
 * Opacus, once both terms are below e^−30 (A_α ≥ 1, so that is a relative 1e-13), and not before
 * k passes α (where the terms peak).
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const twoS2 = 2 * sigma * sigma;
  const sqrt2Sigma = Math.SQRT2 * sigma;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const a0 = new SignedLog();
  const a1 = new SignedLog();
  let logAbsBinom = 0; // log |C(α, 0)|
  let sign = 1;
  const maxTerms = 10_000_000;
  for (let k = 0; k < maxTerms; k++) {
    if (k > 0) {
      const f = (alpha - k + 1) / k;
      if (f === 0) break; // integer α: C(α, k) = 0 from k = α + 1 on, the sums are finite
      if (f < 0) sign = -sign;
      logAbsBinom += Math.log(Math.abs(f));
    }
    const j = alpha - k;
    const logT0 = logAbsBinom + k * logQ + j * log1mQ;
    const logT1 = logAbsBinom + j * logQ + k * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((k - z0) / sqrt2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (k * k - k) / twoS2 + logE0;
    const logS1 = logT1 + (j * j - j) / twoS2 + logE1;
    a0.add(sign, logS0);
    a1.add(sign, logS1);
    if (k > alpha && Math.max(logS0, logS1) < -30) break;
  }
  const total = new SignedLog();
  total.add(a0.sign, a0.log);
  total.add(a1.sign, a1.log);
  if (total.sign < 0) return Number.NEGATIVE_INFINITY; // cannot happen in exact arithmetic (A_α ≥ 1)
  return total.log;
}

/** A real number kept as sign and log of its magnitude, for sums of terms of either sign. */
class SignedLog {
  sign = 1;
  log = Number.NEGATIVE_INFINITY; // the value 0
  add(sign: number, log: number): void {
    if (log === Number.NEGATIVE_INFINITY) return;
    if (this.log === Number.NEGATIVE_INFINITY) {
      this.sign = sign;
      this.log = log;
      return;
    }
    if (sign === this.sign) {
      this.log = logAddExp(this.log, log);
      return;
    }
    // opposite signs: the larger magnitude wins
    if (log > this.log) {
      this.log = logSubExp(log, this.log);
      this.sign = sign;
    } else {
      this.log = logSubExp(this.log, log);
    }
  }
}

/** log(e^a + e^b). */
function logAddExp(a: number, b: number): number {
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  if (lo === Number.NEGATIVE_INFINITY) return hi;
  if (hi === Number.POSITIVE_INFINITY) return hi;
  return hi + Math.log1p(Math.exp(lo - hi));
}

/** log(e^a − e^b) for a ≥ b. */
function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (a === b) return Number.NEGATIVE_INFINITY;
  const d = b - a; // < 0
  // log(1 − e^d): log(−expm1(d)) near 0, log1p(−e^d) far from it
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/**
 * log(erfc(x)) with full relative accuracy over the whole line, including far tails where
 * erfc(x) underflows (x ≳ 27): for x < 0, log(2 − erfc(−x)); for 0 ≤ x < 1, log erfc(x); for
 * x ≥ 1, −x² + log erfcx(x) (src/core/erfc.ts: erf's positive series below 1, the continued
 * fraction by Lentz's method above). Used by the fractional-order series.
 *
 * @example
 * logErfc(30); // ≈ −903.974 (erfc(30) itself underflows to 0)
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) {
    if (x === Number.NEGATIVE_INFINITY) return Math.LN2;
    return Math.LN2 + Math.log1p(-0.5 * erfc(-x));
  }
  // erfc(x) ≥ 0.157 below 1: no underflow, no cancellation in its logarithm
  if (x < 1) return Math.log(erfc(x));
  if (x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  // erfc(x) = e^(−x²)·erfcx(x), erfcx finite where erfc underflows
  return -x * x + Math.log(erfcx(x));
}

function checkProbability(name: string, v: number, closed: boolean): void {
  const ok = closed ? v >= 0 && v <= 1 : v > 0 && v < 1;
  if (typeof v !== 'number' || !ok)
    invalid(`dp ${name} must be a number in ${closed ? '[0, 1]' : '(0, 1)'} (got ${String(v)})`);
}

function checkPositive(name: string, v: number): void {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    invalid(`dp ${name} must be a finite number > 0 (got ${String(v)})`);
}

function checkOrders(orders: readonly number[]): void {
  if (!Array.isArray(orders) || orders.length === 0) invalid('the RDP orders must be a non-empty list');
  for (const a of orders)
    if (typeof a !== 'number' || !Number.isFinite(a) || !(a > 1))
      invalid(`every RDP order must be a finite number > 1 (got ${String(a)})`);
}

function invalid(problem: string): never {
  throw new TrainError('TRAIN_SPEC_INVALID', { problem });
}
