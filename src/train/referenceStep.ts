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
  /** Transposes: a weight matrix, and an activation and a δ matrix of the batch. */
  wt: Float32Array;
  aT: Float32Array;
  dT: Float32Array;
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
      wt: new Float32Array(P),
      aT: new Float32Array(0),
      dT: new Float32Array(0),
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
    const nIn = widths[l] as number;
    const nOut = widths[l + 1] as number;
    if (nOut === 1) {
      denseForward(a, theta, ws.offset, theta, bs.offset, out, rows, nIn, 1, l < L - 1);
    } else {
      // z = a·W + b as row-by-row dot products with Wᵀ (both rows contiguous)
      transpose(theta, ws.offset, nIn, nOut, w.wt);
      dotRows(a, 0, nIn, w.wt, 0, nIn, rows, nOut, nIn, out, nOut, theta, bs.offset, l < L - 1);
    }
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
    if (nOut > 1) {
      dotRows(dl, 0, nOut, theta, wOff, nOut, rows, nIn, nOut, dPrev, nIn, undefined, 0, false);
      for (let k = 0; k < rows * nIn; k++) if ((al[k] as number) <= 0) dPrev[k] = 0;
      continue;
    }
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
    const bAt = nIn * nOut;
    if (nOut === 1) {
      acc.fill(0, 0, bAt + 1);
      for (let i = 0; i < rows; i++) {
        const d = dp ? Math.fround((dl[i] as number) * (factor[i] as number)) : (dl[i] as number);
        if (d === 0) continue;
        const ar = i * nIn;
        for (let k = 0; k < nIn; k++) acc[k] = (acc[k] as number) + (al[ar + k] as number) * d;
        acc[bAt] = (acc[bAt] as number) + d;
      }
      for (let k = 0; k < bAt; k++) grad[gwOff + k] = acc[k] as number;
      grad[gbOff] = acc[bAt] as number;
    } else {
      if (dp) {
        for (let i = 0; i < rows; i++) {
          const f = factor[i] as number;
          const dr = i * nOut;
          for (let j = 0; j < nOut; j++) dl[dr + j] = (dl[dr + j] as number) * f;
        }
      }
      // gW = aᵀ·δ as dot products of the columns of a and δ (transposed so they are contiguous)
      transpose(al, 0, rows, nIn, w.aT);
      transpose(dl, 0, rows, nOut, w.dT);
      dotRows(
        w.aT,
        0,
        rows,
        w.dT,
        0,
        rows,
        nIn,
        nOut,
        rows,
        grad.subarray(gwOff, gwOff + bAt),
        nOut,
        undefined,
        0,
        false,
      );
      for (let j = 0; j < nOut; j++) {
        let s = 0;
        const r = j * rows;
        for (let i = 0; i < rows; i++) s += w.dT[r + i] as number;
        grad[gbOff + j] = s;
      }
    }
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
  w.aT = new Float32Array(rows * Math.max(...widths));
  w.dT = new Float32Array(rows * Math.max(...widths));
  w.rows = rows;
  return w;
}

/** out[c·cols + r] = m[off + r·cols + c]: the transpose of a rows × cols block. */
function transpose(m: Float32Array, off: number, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const src = off + r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = m[src + c] as number;
  }
}

/**
 * C[m, n] = Σ_k A[m, k]·B[n, k] (+ bias[n], then ReLU if asked), rows of A and B contiguous
 * (strides lda, ldb), C with stride ldc. 2 × 2 register blocks, float64 sums, one rounding to
 * float32 per output.
 */
function dotRows(
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  M: number,
  N: number,
  K: number,
  C: Float32Array,
  ldc: number,
  bias: Float32Array | undefined,
  biasOff: number,
  relu: boolean,
): void {
  const put = (m: number, n: number, s: number) => {
    const v = bias ? s + (bias[biasOff + n] as number) : s;
    C[m * ldc + n] = relu && v < 0 ? 0 : v;
  };
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    let n = 0;
    for (; n + 1 < N; n += 2) {
      const b0 = bOff + n * ldb;
      const b1 = b0 + ldb;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k] as number;
        const x1 = A[a1 + k] as number;
        const y0 = B[b0 + k] as number;
        const y1 = B[b1 + k] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      put(m, n, s00);
      put(m, n + 1, s01);
      put(m + 1, n, s10);
      put(m + 1, n + 1, s11);
    }
    for (; n < N; n++) {
      const b0 = bOff + n * ldb;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < K; k++) {
        const y0 = B[b0 + k] as number;
        s0 += (A[a0 + k] as number) * y0;
        s1 += (A[a1 + k] as number) * y0;
      }
      put(m, n, s0);
      put(m + 1, n, s1);
    }
  }
  for (; m < M; m++) {
    const a0 = aOff + m * lda;
    for (let n = 0; n < N; n++) {
      const b0 = bOff + n * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += (A[a0 + k] as number) * (B[b0 + k] as number);
      put(m, n, s);
    }
  }
}
