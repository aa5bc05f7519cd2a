import { TrainError } from './errors.js';
import { checkStepSettings, type DpStep } from './graph/trainStep.js';
import {
  denseForward,
  flattenParams,
  layerWidths,
  type ModelShape,
  type Optimizer,
  type Param,
  paramCount,
  paramLayout,
  unflattenParams,
} from './model.js';

/**
 * The state of a plain-TypeScript trainer: the flat parameters, the optimizer's state, the step
 * count and scratch buffers (grown to the largest batch seen, then reused).
 */
export type ReferenceState = {
  readonly shape: ModelShape;
  readonly optimizer: Optimizer;
  readonly dp: DpStep | undefined;
  /** The parameters, flat, in paramLayout order. */
  readonly theta: Float32Array;
  /** SGD with momentum: the velocity; Adam: the first and second moments. */
  readonly velocity: Float32Array | undefined;
  readonly m: Float32Array | undefined;
  readonly v: Float32Array | undefined;
  /** Steps taken so far. */
  step: number;
  readonly work: Work;
};

type Work = {
  rows: number;
  /** Activations a_0..a_{L-1} (a_0 is the batch itself, not stored here) and δ_1..δ_L. */
  acts: Float32Array[];
  deltas: Float32Array[];
  /** Per-example factor (DP: min(1, C/‖g_i‖)/denominator), and the pre-clip norms. */
  factor: Float32Array;
  norms: Float32Array;
  grad: Float32Array;
  acc: Float64Array;
};

/** Parameters of createReferenceState. */
export type CreateReferenceStateParameters = {
  shape: ModelShape;
  optimizer: Optimizer;
  dp?: DpStep | undefined;
  params: readonly Param[];
};

/**
 * A plain-TypeScript trainer's initial state (optimizer state at zero, step 0).
 *
 * @example
 * const state = createReferenceState({ shape, optimizer, params: initParams(shape, 'seed') });
 * const { loss } = referenceStep(state, { x, y, rows });
 */
export function createReferenceState(p: CreateReferenceStateParameters): ReferenceState {
  checkStepSettings(p);
  const P = paramCount(p.shape);
  const o = p.optimizer;
  const widest = Math.max(...layerWidths(p.shape));
  return {
    shape: p.shape,
    optimizer: o,
    dp: p.dp,
    theta: flattenParams(p.shape, p.params),
    velocity: o.kind === 'sgd' && o.momentum !== 0 ? new Float32Array(P) : undefined,
    m: o.kind === 'adam' ? new Float32Array(P) : undefined,
    v: o.kind === 'adam' ? new Float32Array(P) : undefined,
    step: 0,
    work: {
      rows: 0,
      acts: [],
      deltas: [],
      factor: new Float32Array(0),
      norms: new Float32Array(0),
      grad: new Float32Array(P),
      acc: new Float64Array(Math.max(P, widest)),
    },
  };
}

/** The current parameters (copies) of a reference state. */
export function referenceParams(state: ReferenceState): Param[] {
  return unflattenParams(state.shape, state.theta);
}

/** One batch: as TrainStep.run takes it (noise one array per parameter, or one flat [P] array). */
export type ReferenceStepBatch = {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  noise?: readonly Float32Array[] | Float32Array | undefined;
  denominator?: number | undefined;
};

/** The returns of referenceStep: the batch's mean loss before the update; DP: the per-example pre-clip norms (a view into scratch). */
export type ReferenceStepReturnType = { loss: number; gradNorm?: Float32Array };

/** The Adam step scalars of step t (1-based), in float64 as PyTorch computes them: lr/(1-β1^t), sqrt(1-β2^t). */
export function adamScalars(
  o: Extract<Optimizer, { kind: 'adam' }>,
  t: number,
): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: o.learningRate / (1 - o.beta1 ** t), bc2Sqrt: Math.sqrt(1 - o.beta2 ** t) };
}

/**
 * One training step in plain TypeScript over Float32Arrays, the same math as the ONNX graph
 * (buildTrainStepModel): float32 storage for every intermediate, float64 sums inside the loops.
 * Updates `state` in place. The bench baseline and the tests' oracle.
 *
 * @example
 * const { loss } = referenceStep(state, { x, y, rows: 1024 });
 */
export function referenceStep(state: ReferenceState, batch: ReferenceStepBatch): ReferenceStepReturnType {
  const { shape, dp, theta } = state;
  const { x, y, rows } = batch;
  checkBatch(shape, batch, dp !== undefined, theta.length);
  const widths = layerWidths(shape);
  const L = widths.length - 1;
  const slots = paramLayout(shape);
  const w = ensureWork(state.work, widths, rows);
  const { acts, deltas, grad, acc, factor, norms } = w;

  // forward
  let a = x;
  for (let l = 0; l < L; l++) {
    const out = l < L - 1 ? (acts[l] as Float32Array) : (deltas[L - 1] as Float32Array);
    const ws = slots[2 * l] as { offset: number };
    const bs = slots[2 * l + 1] as { offset: number };
    denseForward(
      a,
      theta,
      ws.offset,
      theta,
      bs.offset,
      out,
      rows,
      widths[l] as number,
      widths[l + 1] as number,
      l < L - 1,
    );
    a = out;
  }
  // loss and δ_L (in place over the logits)
  const top = deltas[L - 1] as Float32Array;
  let lossSum = 0;
  const inv = dp ? 1 : Math.fround(1 / rows);
  for (let i = 0; i < rows; i++) {
    const z = top[i] as number;
    const yi = y[i] as number;
    lossSum += Math.fround(softplus(z) - Math.fround(yi * z));
    const d = Math.fround(Math.fround(1 / (1 + Math.exp(-z))) - yi);
    top[i] = dp ? d : d * inv;
  }
  // backward: δ_{l-1} = (δ_l·W_lᵀ) ⊙ [a_{l-1} > 0]
  for (let l = L - 1; l > 0; l--) {
    const dl = deltas[l] as Float32Array;
    const dPrev = deltas[l - 1] as Float32Array;
    const al = acts[l - 1] as Float32Array;
    const nOut = widths[l + 1] as number;
    const nIn = widths[l] as number;
    const wOff = (slots[2 * l] as { offset: number }).offset;
    for (let i = 0; i < rows; i++) {
      const dr = i * nOut;
      const pr = i * nIn;
      for (let k = 0; k < nIn; k++) {
        if ((al[pr + k] as number) <= 0) {
          dPrev[pr + k] = 0;
          continue;
        }
        const wr = wOff + k * nOut;
        let s = 0;
        for (let j = 0; j < nOut; j++) s += (dl[dr + j] as number) * (theta[wr + j] as number);
        dPrev[pr + k] = s;
      }
    }
  }
  // DP: per-example norms and factors
  let scaleNoise = 0;
  if (dp) {
    const denominator = batch.denominator as number;
    const scale = Math.fround(1 / denominator);
    scaleNoise = scale;
    norms.fill(0, 0, rows);
    for (let l = 0; l < L; l++) {
      const al = l === 0 ? x : (acts[l - 1] as Float32Array);
      const dl = deltas[l] as Float32Array;
      const nIn = widths[l] as number;
      const nOut = widths[l + 1] as number;
      for (let i = 0; i < rows; i++) {
        let aSq = 0;
        const ar = i * nIn;
        for (let k = 0; k < nIn; k++) {
          const v = al[ar + k] as number;
          aSq += v * v;
        }
        let dSq = 0;
        const dr = i * nOut;
        for (let j = 0; j < nOut; j++) {
          const v = dl[dr + j] as number;
          dSq += v * v;
        }
        // as the graph: row norms (ReduceL2) squared in float32; the output layer's δ² directly
        const an = Math.fround(Math.sqrt(aSq));
        const a2 = Math.fround(an * an);
        const dn = Math.fround(Math.sqrt(dSq));
        const d2 = l === L - 1 ? Math.fround(dSq) : Math.fround(dn * dn);
        norms[i] = Math.fround((norms[i] as number) + Math.fround(Math.fround(a2 + 1) * d2));
      }
    }
    for (let i = 0; i < rows; i++) {
      const n = Math.fround(Math.sqrt(norms[i] as number));
      norms[i] = n;
      const f = Math.min(Math.fround(dp.clipNorm / n), 1);
      factor[i] = f * scale;
    }
  }
  // gradients, flat in theta's order
  for (let l = 0; l < L; l++) {
    const al = l === 0 ? x : (acts[l - 1] as Float32Array);
    const dl = deltas[l] as Float32Array;
    const nIn = widths[l] as number;
    const nOut = widths[l + 1] as number;
    const gwOff = (slots[2 * l] as { offset: number }).offset;
    const gbOff = (slots[2 * l + 1] as { offset: number }).offset;
    acc.fill(0, 0, nIn * nOut + nOut);
    const bAt = nIn * nOut;
    if (nOut === 1) {
      for (let i = 0; i < rows; i++) {
        const d = dp ? Math.fround((dl[i] as number) * (factor[i] as number)) : (dl[i] as number);
        if (d === 0) continue;
        const ar = i * nIn;
        for (let k = 0; k < nIn; k++) acc[k] = (acc[k] as number) + (al[ar + k] as number) * d;
        acc[bAt] = (acc[bAt] as number) + d;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const dr = i * nOut;
        if (dp) {
          const f = factor[i] as number;
          for (let j = 0; j < nOut; j++) dl[dr + j] = (dl[dr + j] as number) * f;
        }
        const ar = i * nIn;
        for (let k = 0; k < nIn; k++) {
          const av = al[ar + k] as number;
          if (av === 0) continue;
          const gr = k * nOut;
          for (let j = 0; j < nOut; j++) acc[gr + j] = (acc[gr + j] as number) + av * (dl[dr + j] as number);
        }
        for (let j = 0; j < nOut; j++) acc[bAt + j] = (acc[bAt + j] as number) + (dl[dr + j] as number);
      }
    }
    for (let k = 0; k < bAt; k++) grad[gwOff + k] = acc[k] as number;
    for (let j = 0; j < nOut; j++) grad[gbOff + j] = acc[bAt + j] as number;
  }
  if (dp) {
    const noise = flatNoise(batch.noise, slots, grad.length);
    for (let k = 0; k < grad.length; k++) {
      grad[k] = (grad[k] as number) + Math.fround((noise(k) as number) * scaleNoise);
    }
  }
  applyOptimizer(state, grad);
  state.step++;
  const loss = lossSum / rows;
  return dp ? { loss, gradNorm: norms.subarray(0, rows) } : { loss };
}

/** softplus(z) = log(1 + e^z), without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function applyOptimizer(state: ReferenceState, grad: Float32Array): void {
  const o = state.optimizer;
  const theta = state.theta;
  const n = theta.length;
  if (o.kind === 'sgd') {
    const lr = Math.fround(o.learningRate);
    if (o.momentum === 0) {
      for (let k = 0; k < n; k++) theta[k] = (theta[k] as number) - Math.fround((grad[k] as number) * lr);
      return;
    }
    const mu = Math.fround(o.momentum);
    const vel = state.velocity as Float32Array;
    for (let k = 0; k < n; k++) {
      const v = Math.fround(Math.fround((vel[k] as number) * mu) + (grad[k] as number));
      vel[k] = v;
      theta[k] = (theta[k] as number) - Math.fround(v * lr);
    }
    return;
  }
  const { stepSize, bc2Sqrt } = adamScalars(o, state.step + 1);
  const ss = Math.fround(stepSize);
  const bc = Math.fround(bc2Sqrt);
  const c1 = Math.fround(1 - o.beta1);
  const b2 = Math.fround(o.beta2);
  const c2 = Math.fround(1 - o.beta2);
  const eps = Math.fround(o.epsilon);
  const m = state.m as Float32Array;
  const v = state.v as Float32Array;
  for (let k = 0; k < n; k++) {
    const g = grad[k] as number;
    const mk = m[k] as number;
    const m1 = Math.fround(mk + Math.fround(Math.fround(g - mk) * c1));
    const v1 = Math.fround(Math.fround((v[k] as number) * b2) + Math.fround(Math.fround(g * c2) * g));
    m[k] = m1;
    v[k] = v1;
    const denom = Math.fround(Math.fround(Math.fround(Math.sqrt(v1)) / bc) + eps);
    theta[k] = (theta[k] as number) - Math.fround(Math.fround(m1 / denom) * ss);
  }
}

function flatNoise(
  noise: ReferenceStepBatch['noise'],
  slots: readonly { offset: number; size: number }[],
  P: number,
): (k: number) => number {
  if (noise instanceof Float32Array) return (k) => noise[k] as number;
  const flat = new Float32Array(P);
  for (const [i, arr] of (noise ?? []).entries()) flat.set(arr, (slots[i] as { offset: number }).offset);
  return (k) => flat[k] as number;
}

/** Throws TRAIN_DATA_INVALID for a batch that does not fit the model and the step. */
export function checkBatch(shape: ModelShape, b: ReferenceStepBatch, dp: boolean, P: number): void {
  const bad = (problem: string) => new TrainError('TRAIN_DATA_INVALID', { problem });
  if (!Number.isInteger(b.rows) || b.rows < 1) throw bad(`a batch needs at least one row (got ${b.rows})`);
  if (b.x.length !== b.rows * shape.features) {
    throw bad(`x has ${b.x.length} values, not rows × features = ${b.rows} × ${shape.features}`);
  }
  if (b.y.length !== b.rows) throw bad(`y has ${b.y.length} values for ${b.rows} rows`);
  if (!dp) return;
  if (!(typeof b.denominator === 'number' && b.denominator > 0))
    throw bad('a DP step needs a positive denominator');
  if (b.noise === undefined) throw bad('a DP step needs its noise');
  const slots = paramLayout(shape);
  if (b.noise instanceof Float32Array) {
    if (b.noise.length !== P) throw bad(`the noise has ${b.noise.length} values, not ${P}`);
    return;
  }
  if (b.noise.length !== slots.length || b.noise.some((n, i) => n.length !== slots[i]?.size)) {
    throw bad('the noise must be one array per parameter, each of the parameter’s size');
  }
}

function ensureWork(w: Work, widths: readonly number[], rows: number): Work {
  if (w.rows >= rows) return w;
  const L = widths.length - 1;
  w.acts = [];
  w.deltas = [];
  for (let l = 1; l <= L; l++) {
    if (l < L) w.acts.push(new Float32Array(rows * (widths[l] as number)));
    w.deltas.push(new Float32Array(rows * (widths[l] as number)));
  }
  w.factor = new Float32Array(rows);
  w.norms = new Float32Array(rows);
  w.rows = rows;
  return w;
}
