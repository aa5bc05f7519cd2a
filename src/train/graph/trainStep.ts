import { TrainError } from '../errors.js';
import { layerWidths, type ModelShape, type Optimizer, paramCount, paramLayout } from '../model.js';
import { attr, GraphBuilder } from './onnx.js';

/** DP-SGD settings of a step: the per-example clip norm C (over all parameters together). */
export type DpStep = { clipNorm: number };

/** What a training-step graph is built for. */
export type TrainStepModelParameters = { shape: ModelShape; optimizer: Optimizer; dp?: DpStep | undefined };

/**
 * The optimizer state a step carries besides the parameters, by graph input name (each [P], the
 * flat parameter count): none for plain SGD, `velocity` for SGD with momentum, `m` and `v` for Adam.
 */
export function optimizerStateNames(optimizer: Optimizer): string[] {
  if (optimizer.kind === 'sgd') return optimizer.momentum === 0 ? [] : ['velocity'];
  return ['m', 'v'];
}

/**
 * The interface of a training-step graph (names of its inputs and outputs):
 * - inputs: `x` float [N, features], `y` float [N] (0/1), `theta` float [P] (the parameters,
 *   flat, in paramLayout order), the optimizer state (optimizerStateNames, each [P]); Adam:
 *   `adam_step_size` = lr / (1 - β1^t) and `adam_bc2_sqrt` = sqrt(1 - β2^t), float scalars
 *   computed by the caller in float64 (as PyTorch does); `inv_denominator` float scalar, 1 / the
 *   gradient's denominator (non-DP: 1/N, the batch mean; DP: 1 / the expected batch size);
 *   DP: `noise_scaled` float [P], the noise times inv_denominator (rounded to float32).
 * - outputs: `loss` float scalar (the batch's mean loss before the update), `theta_out` and
 *   `<state>_out` (fed back as the next step's `theta` and `<state>`); DP: `grad_norm` float [N],
 *   each example's gradient norm before clipping.
 */
export type TrainStepSignature = { inputs: string[]; state: string[]; outputs: string[] };

/** The names of a training-step graph's inputs, carried state and outputs. */
export function trainStepSignature(p: TrainStepModelParameters): TrainStepSignature {
  const state = ['theta', ...optimizerStateNames(p.optimizer)];
  const inputs = ['x', 'y', ...state];
  if (p.optimizer.kind === 'adam') inputs.push('adam_step_size', 'adam_bc2_sqrt');
  inputs.push('inv_denominator');
  if (p.dp) inputs.push('noise_scaled');
  const outputs = ['loss', ...state.map((s) => `${s}_out`)];
  if (p.dp) outputs.push('grad_norm');
  return { inputs, state, outputs };
}

/** Throws TRAIN_SPEC_INVALID for hyperparameters no step can use. */
export function checkStepSettings(p: TrainStepModelParameters): void {
  const bad = (problem: string) => new TrainError('TRAIN_SPEC_INVALID', { problem });
  layerWidths(p.shape);
  const o = p.optimizer;
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate))
    throw bad('the learning rate must be a positive number');
  if (o.kind === 'sgd' && !(o.momentum >= 0 && o.momentum < 1)) throw bad('SGD momentum must be in [0, 1)');
  if (o.kind === 'adam') {
    if (!(o.beta1 >= 0 && o.beta1 < 1) || !(o.beta2 >= 0 && o.beta2 < 1))
      throw bad('Adam betas must be in [0, 1)');
    if (!(o.epsilon > 0)) throw bad('Adam epsilon must be positive');
  }
  if (p.dp && !(p.dp.clipNorm > 0 && Number.isFinite(p.dp.clipNorm)))
    throw bad('the DP clip norm must be a positive number');
}

/**
 * The ONNX training-step graph (IR 8, opset 17, standard ops only) of one (shape, optimizer, dp):
 * forward, mean binary cross-entropy on the logit (softplus(z) - y·z), backward, optimizer update;
 * interface in TrainStepSignature. The batch dimension N is symbolic.
 *
 * Non-DP: the gradient is the batch mean. DP-SGD: every example's gradient norm over all parameters
 * is ‖g_i‖ = sqrt(Σ_l (‖a_i^(l-1)‖² + 1)·‖δ_i^(l)‖²) (the outer-product identity, no per-example
 * gradient materialized), factor_i = min(1, C / ‖g_i‖), and the gradient is
 * (Σ_i factor_i·g_i + noise) / denominator, computed as Σ_l A^T·(δ ⊙ factor/denominator) +
 * noise/denominator. Same parameters, same bytes.
 *
 * @example
 * const bytes = buildTrainStepModel({
 *   shape: { features: 64, architecture: { kind: 'mlp', hidden: [64, 32] } },
 *   optimizer: { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
 *   dp: { clipNorm: 1 },
 * });
 */
export function buildTrainStepModel(p: TrainStepModelParameters): Uint8Array {
  checkStepSettings(p);
  const { shape, optimizer, dp } = p;
  const widths = layerWidths(shape);
  const layers = widths.length - 1;
  const slots = paramLayout(shape);
  const P = paramCount(shape);
  const g = new GraphBuilder('sinso_train_step');

  const x = g.input('x', 'float', ['N', shape.features]);
  const y = g.input('y', 'float', ['N']);
  const theta = g.input('theta', 'float', [P]);
  const stateIn = optimizerStateNames(optimizer).map((s) => g.input(s, 'float', [P]));
  let stepSize = '';
  let bc2Sqrt = '';
  if (optimizer.kind === 'adam') {
    stepSize = g.input('adam_step_size', 'float', []);
    bc2Sqrt = g.input('adam_bc2_sqrt', 'float', []);
  }
  const scale = g.input('inv_denominator', 'float', []);
  const noise = dp ? g.input('noise_scaled', 'float', [P]) : '';

  // the parameters, split out of theta: W_l [in, out], b_l [out]
  const pieces = g.node(
    'Split',
    [theta, g.ints(slots.map((s) => s.size))],
    { axis: attr.i(0) },
    slots.length,
  );
  const W: string[] = [];
  const B: string[] = [];
  for (let l = 0; l < layers; l++) {
    W.push(g.op('Reshape', [pieces[2 * l] as string, g.ints(slots[2 * l]?.dims ?? [])]));
    B.push(pieces[2 * l + 1] as string);
  }

  // forward: a_0 = x; z_l = a_{l-1}·W_l + b_l; a_l = relu(z_l) below the output layer
  const A: string[] = [x];
  let z = '';
  for (let l = 0; l < layers; l++) {
    z = g.op('Gemm', [A[l] as string, W[l] as string, B[l] as string]);
    if (l < layers - 1) A.push(g.op('Relu', [z]));
  }
  // per-example values are kept 1-D [N] (ONNX Runtime's [N, 1]-with-scalar broadcasts are slow)
  const logit = g.op('Reshape', [z, g.ints([-1])]); // [N]

  // loss = mean(softplus(z) - y·z)
  const perExample = g.op('Sub', [g.op('Softplus', [logit]), g.op('Mul', [y, logit])]);
  const loss = g.op('ReduceMean', [perExample], { keepdims: attr.i(0) });

  // backward: δ_L = sigmoid(z) - y (per example, [N]); δ_{l-1} = (δ_l·W_lᵀ) ⊙ [a_{l-1} > 0]
  let top = g.op('Sub', [g.op('Sigmoid', [logit]), y]);
  // non-DP: the batch mean, δ_L scaled by 1/N once (everything after is linear in it)
  if (!dp) top = g.op('Mul', [top, scale]);
  const col = (v: string) => g.op('Reshape', [v, g.ints([-1, 1])]);
  const D: string[] = new Array<string>(layers); // D[l]: δ of layer l+1, [N, out]; the top one [N, 1]
  D[layers - 1] = layers > 1 ? col(top) : '';
  for (let l = layers - 1; l > 0; l--) {
    const back = g.op('Gemm', [D[l] as string, W[l] as string], { transB: attr.i(1) });
    // a = relu(z) ≥ 0, so sign(a) is the ReLU's derivative, 0 or 1
    D[l - 1] = g.op('Mul', [back, g.op('Sign', [A[l] as string])]);
  }

  let gradNorm = '';
  let topG = top;
  let Dg = D;
  if (dp) {
    // ‖g_i‖² = Σ_l (‖a_{l-1,i}‖² + 1)·‖δ_{l,i}‖², each [N]
    let total = '';
    for (let l = 0; l < layers; l++) {
      // squared row norms as ReduceL2 then a square: ONNX Runtime's ReduceL2 is twice as fast as ReduceSumSquare
      const sq = (v: string) => {
        const n = g.op('ReduceL2', [v], { axes: attr.ints([1]), keepdims: attr.i(0) });
        return g.op('Mul', [n, n]);
      };
      const aSq = sq(A[l] as string);
      const dSq = l === layers - 1 ? g.op('Mul', [top, top]) : sq(D[l] as string);
      const term = g.op('Mul', [g.op('Add', [aSq, g.scalar(1)]), dSq]);
      total = total ? g.op('Add', [total, term]) : term;
    }
    gradNorm = g.op('Sqrt', [total]);
    const factor = g.op('Min', [g.op('Div', [g.scalar(dp.clipNorm), gradNorm]), g.scalar(1)]);
    const f = g.op('Mul', [factor, scale]); // [N]: min(1, C/‖g_i‖) / denominator
    topG = g.op('Mul', [top, f]);
    if (layers > 1) {
      const f2 = col(f);
      Dg = D.map((d, l) => (l === layers - 1 ? '' : g.op('Mul', [d, f2])));
    }
  }

  // gradients: gW_l = a_{l-1}ᵀ·δ_l, gb_l = Σ_i δ_l, flattened in theta's order
  const grads: string[] = [];
  for (let l = 0; l < layers - 1; l++) {
    const gw = g.op('Gemm', [A[l] as string, Dg[l] as string], { transA: attr.i(1) });
    grads.push(g.op('Reshape', [gw, g.ints([-1])]));
    grads.push(g.op('ReduceSum', [Dg[l] as string, g.ints([0])], { keepdims: attr.i(0) }));
  }
  // the output layer: δ_Lᵀ·a_{L-1} as a vector-matrix product, [in]; its bias, [1]
  grads.push(g.op('MatMul', [topG, A[layers - 1] as string]));
  grads.push(g.op('ReduceSum', [topG, g.ints([0])], { keepdims: attr.i(1) }));
  let grad = g.op('Concat', grads, { axis: attr.i(0) });
  if (dp) grad = g.op('Add', [grad, noise]);

  // the optimizer update, over the flat vector
  const outs: string[] = [];
  if (optimizer.kind === 'sgd') {
    if (optimizer.momentum === 0) {
      outs.push(g.op('Sub', [theta, g.op('Mul', [grad, g.scalar(optimizer.learningRate)])]));
    } else {
      const vel = g.op('Add', [g.op('Mul', [stateIn[0] as string, g.scalar(optimizer.momentum)]), grad]);
      outs.push(g.op('Sub', [theta, g.op('Mul', [vel, g.scalar(optimizer.learningRate)])]), vel);
    }
  } else {
    const [m0, v0] = stateIn as [string, string];
    // m = m + (1-β1)·(g - m) (torch lerp); v = β2·v + (1-β2)·g·g (torch mul_ then addcmul_)
    const m = g.op('Add', [m0, g.op('Mul', [g.op('Sub', [grad, m0]), g.scalar(1 - optimizer.beta1)])]);
    const v = g.op('Add', [
      g.op('Mul', [v0, g.scalar(optimizer.beta2)]),
      g.op('Mul', [g.op('Mul', [grad, g.scalar(1 - optimizer.beta2)]), grad]),
    ]);
    const denom = g.op('Add', [g.op('Div', [g.op('Sqrt', [v]), bc2Sqrt]), g.scalar(optimizer.epsilon)]);
    const upd = g.op('Mul', [g.op('Div', [m, denom]), stepSize]);
    outs.push(g.op('Sub', [theta, upd]), m, v);
  }

  g.output(loss, 'loss', 'float', []);
  const sig = trainStepSignature(p);
  for (const [i, st] of sig.state.entries()) g.output(outs[i] as string, `${st}_out`, 'float', [P]);
  if (dp) g.output(gradNorm, 'grad_norm', 'float', ['N']);
  return g.model({ producer: 'sinso-train', docString: 'sinso training step' });
}
