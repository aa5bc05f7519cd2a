import { createRng } from '../core/rng.js';
import { TrainError } from './errors.js';

/** The network: logistic regression, or an MLP with the given hidden sizes and ReLU between layers. */
export type Architecture = { kind: 'logistic' } | { kind: 'mlp'; hidden: readonly number[] };

/**
 * The optimizer, with PyTorch's semantics:
 * - `sgd`: torch.optim.SGD (no dampening, no Nesterov, no weight decay): v = μ·v + g; w -= lr·v
 *   (μ = 0: plain SGD, no velocity kept).
 * - `adam`: torch.optim.Adam (no weight decay, no AMSGrad), bias-corrected: m = lerp(m, g, 1-β1);
 *   v = β2·v + (1-β2)·g²; w -= (lr / (1-β1^t)) · m / (sqrt(v) / sqrt(1-β2^t) + ε).
 */
export type Optimizer =
  | { kind: 'sgd'; learningRate: number; momentum: number }
  | { kind: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number };

/** The model's input width and architecture. */
export type ModelShape = { features: number; architecture: Architecture };

/**
 * One parameter tensor. Parameters come in a fixed order: per layer l = 1..L, `w{l}` dims
 * [in, out] row-major, then `b{l}` dims [out]. The output layer has out = 1 (the logit).
 */
export type Param = { name: string; dims: number[]; data: Float32Array };

/** Where one parameter lives in the flat parameter vector (the training graphs' `theta`). */
export type ParamSlot = { name: string; dims: number[]; offset: number; size: number };

/**
 * The widths of the layers, input first: [features, ...hidden, 1]. Throws TRAIN_SPEC_INVALID for
 * a width that is not a positive whole number.
 *
 * @example
 * layerWidths({ features: 64, architecture: { kind: 'mlp', hidden: [64, 32] } }); // [64, 64, 32, 1]
 */
export function layerWidths(shape: ModelShape): number[] {
  const hidden = shape.architecture.kind === 'mlp' ? shape.architecture.hidden : [];
  const widths = [shape.features, ...hidden, 1];
  for (const w of widths) {
    if (!Number.isInteger(w) || w < 1) {
      throw new TrainError('TRAIN_SPEC_INVALID', {
        problem: `layer widths must be positive whole numbers (got ${widths.join(', ')})`,
      });
    }
  }
  return widths;
}

/**
 * The parameters' names, dims and places in the flat parameter vector, in the fixed order
 * (w1, b1, w2, b2, …).
 *
 * @example
 * paramLayout({ features: 3, architecture: { kind: 'logistic' } });
 * // [{ name: 'w1', dims: [3, 1], offset: 0, size: 3 }, { name: 'b1', dims: [1], offset: 3, size: 1 }]
 */
export function paramLayout(shape: ModelShape): ParamSlot[] {
  const widths = layerWidths(shape);
  const slots: ParamSlot[] = [];
  let offset = 0;
  for (let l = 1; l < widths.length; l++) {
    const fanIn = widths[l - 1] as number;
    const fanOut = widths[l] as number;
    slots.push({ name: `w${l}`, dims: [fanIn, fanOut], offset, size: fanIn * fanOut });
    offset += fanIn * fanOut;
    slots.push({ name: `b${l}`, dims: [fanOut], offset, size: fanOut });
    offset += fanOut;
  }
  return slots;
}

/** The number of scalars in all the parameters together. */
export function paramCount(shape: ModelShape): number {
  const slots = paramLayout(shape);
  const last = slots[slots.length - 1] as ParamSlot;
  return last.offset + last.size;
}

/**
 * Initial parameters, deterministic in the seed: logistic regression starts at zero; an MLP's
 * hidden layers draw He-uniform weights (U(±sqrt(6 / fan_in)), for ReLU), its output layer
 * Glorot-uniform ones (U(±sqrt(6 / (fan_in + fan_out)))), from createRng(seed, 'train-init', name);
 * biases start at zero.
 *
 * @example
 * const params = initParams({ features: 64, architecture: { kind: 'mlp', hidden: [64, 32] } }, 'seed-1');
 */
export function initParams(shape: ModelShape, seed: string): Param[] {
  const slots = paramLayout(shape);
  const layers = slots.length / 2;
  return slots.map((s, i) => {
    const data = new Float32Array(s.size);
    if (shape.architecture.kind === 'mlp' && s.name.startsWith('w')) {
      const [fanIn, fanOut] = s.dims as [number, number];
      const isOutput = i === 2 * (layers - 1);
      const limit = isOutput ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
      const rng = createRng(seed, 'train-init', s.name);
      for (let k = 0; k < data.length; k++) data[k] = (2 * rng.float() - 1) * limit;
    }
    return { name: s.name, dims: [...s.dims], data };
  });
}

/**
 * Checks that params fit the shape (names, dims, lengths, in order) and copies them into one flat
 * vector in the layout's order. Throws TRAIN_MODEL_INVALID otherwise.
 */
export function flattenParams(shape: ModelShape, params: readonly Param[]): Float32Array {
  const slots = paramLayout(shape);
  if (params.length !== slots.length) {
    throw new TrainError('TRAIN_MODEL_INVALID', {
      problem: `expected ${slots.length} parameter tensors, got ${params.length}`,
    });
  }
  const last = slots[slots.length - 1] as ParamSlot;
  const theta = new Float32Array(last.offset + last.size);
  slots.forEach((s, i) => {
    const p = params[i] as Param;
    if (p.name !== s.name || p.data.length !== s.size || p.dims.join('x') !== s.dims.join('x')) {
      throw new TrainError('TRAIN_MODEL_INVALID', {
        problem: `parameter ${i + 1} should be ${s.name} [${s.dims.join(', ')}], got ${p.name} [${p.dims.join(', ')}] with ${p.data.length} values`,
      });
    }
    theta.set(p.data, s.offset);
  });
  return theta;
}

/** The parameters (copies) of a flat parameter vector. */
export function unflattenParams(shape: ModelShape, theta: Float32Array): Param[] {
  return paramLayout(shape).map((s) => ({
    name: s.name,
    dims: [...s.dims],
    data: theta.slice(s.offset, s.offset + s.size),
  }));
}

/**
 * The logits of `rows` examples (x row-major, rows × features): per layer z = a·W + b, ReLU
 * between layers. Each layer's output is stored in float32 (as the graphs do); the sums run in
 * float64 before rounding.
 *
 * @example
 * const logits = forward(shape, params, x, rows);
 */
export function forward(
  shape: ModelShape,
  params: readonly Param[],
  x: Float32Array,
  rows: number,
): Float32Array {
  const widths = layerWidths(shape);
  if (x.length !== rows * shape.features) {
    throw new TrainError('TRAIN_DATA_INVALID', {
      problem: `x has ${x.length} values, not rows × features = ${rows} × ${shape.features}`,
    });
  }
  const theta = flattenParams(shape, params);
  const slots = paramLayout(shape);
  let a = x;
  for (let l = 1; l < widths.length; l++) {
    const fanIn = widths[l - 1] as number;
    const fanOut = widths[l] as number;
    const w = slots[2 * (l - 1)] as ParamSlot;
    const b = slots[2 * (l - 1) + 1] as ParamSlot;
    const z = new Float32Array(rows * fanOut);
    denseForward(a, theta, w.offset, theta, b.offset, z, rows, fanIn, fanOut, l < widths.length - 1);
    a = z;
  }
  return a;
}

/**
 * out[i, j] = act(Σ_k a[i, k] · W[k, j] + b[j]) for W row-major [fanIn, fanOut] at wOff, b at bOff.
 * Sums in float64; `relu` applies max(0, ·).
 */
export function denseForward(
  a: Float32Array,
  w: Float32Array,
  wOff: number,
  b: Float32Array,
  bOff: number,
  out: Float32Array,
  rows: number,
  fanIn: number,
  fanOut: number,
  relu: boolean,
): void {
  if (fanOut === 1) {
    for (let i = 0; i < rows; i++) {
      const r = i * fanIn;
      let s = 0;
      for (let k = 0; k < fanIn; k++) s += (a[r + k] as number) * (w[wOff + k] as number);
      s += b[bOff] as number;
      out[i] = relu && s < 0 ? 0 : s;
    }
    return;
  }
  const acc = new Float64Array(fanOut);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < fanOut; j++) acc[j] = b[bOff + j] as number;
    const r = i * fanIn;
    for (let k = 0; k < fanIn; k++) {
      const av = a[r + k] as number;
      if (av === 0) continue;
      const wr = wOff + k * fanOut;
      for (let j = 0; j < fanOut; j++) acc[j] = (acc[j] as number) + av * (w[wr + j] as number);
    }
    const o = i * fanOut;
    for (let j = 0; j < fanOut; j++) {
      const s = acc[j] as number;
      out[o + j] = relu && s < 0 ? 0 : s;
    }
  }
}
