import { version } from '../../core/version.js';
import { TrainError } from '../errors.js';
import type { ModelShape, Param } from '../model.js';
import { encodedWidth, type Preprocessing } from '../preprocess.js';
import { type Attr, attr, GraphBuilder, type NodeOptions, ONNX_IR_VERSION, ONNX_OPSET } from './onnx.js';

/** The ONNX IR version of the inference model. */
export const INFERENCE_IR_VERSION = ONNX_IR_VERSION;
/** The default-domain opset the inference model states. */
export const INFERENCE_OPSET = ONNX_OPSET;
/** The ai.onnx.ml opset stated when the model has a categorical input (OneHotEncoder). */
export const INFERENCE_ML_OPSET = 3;
const ML_DOMAIN = 'ai.onnx.ml';
/** The model's outputs: p = sigmoid(z), and z. */
export const PROBABILITY_OUTPUT = 'probability';
export const LOGIT_OUTPUT = 'logit';

export type BuildInferenceModelParameters = {
  shape: ModelShape;
  params: readonly Param[];
  preprocessing: Preprocessing;
  /** Written as the model's metadata_props, sorted by key. */
  metadata: Readonly<Record<string, string>>;
};

/** The [in, out] sizes of the layers of a shape, the last one out = 1. */
export function layerSizes(shape: ModelShape): [number, number][] {
  const hidden = shape.architecture.kind === 'mlp' ? shape.architecture.hidden : [];
  const sizes = [shape.features, ...hidden, 1];
  return sizes.slice(1).map((out, l) => [sizes[l] as number, out]);
}

/** Checks params against the shape: `w{l}` [in, out] then `b{l}` [out], data of that size. */
function checkParams(shape: ModelShape, params: readonly Param[]): void {
  const layers = layerSizes(shape);
  const invalid = (problem: string) => new TrainError('TRAIN_MODEL_INVALID', { problem });
  if (params.length !== layers.length * 2)
    throw invalid(
      `the shape has ${layers.length} layers, so ${layers.length * 2} parameters, not ${params.length}`,
    );
  for (const [l, [i, o]] of layers.entries()) {
    const expected = [
      { name: `w${l + 1}`, dims: [i, o] },
      { name: `b${l + 1}`, dims: [o] },
    ];
    for (const [k, e] of expected.entries()) {
      const p = params[2 * l + k] as Param;
      const size = e.dims.reduce((a, b) => a * b, 1);
      if (p.name !== e.name || p.dims.join(',') !== e.dims.join(',') || p.data.length !== size)
        throw invalid(`parameter ${2 * l + k + 1} should be ${e.name} [${e.dims.join(', ')}]`);
    }
  }
}

/**
 * Builds the standard ONNX inference model (IR 8, opset 17; ai.onnx.ml 3 only when there is a
 * categorical column) with the preprocessing folded in, so it takes the raw feature columns:
 *
 * - inputs: one per raw column, named as the column, in the preprocessing's order; numeric:
 *   float32 [N] (NaN = missing → the training mean), categorical: string [N] ('' = missing; a
 *   missing or unknown category → all zeros);
 * - outputs: `probability` float32 [N] (sigmoid of the logit) and `logit` float32 [N].
 *
 * Numeric standardization is Where(IsNaN(x), mean, x), Sub mean, Div std: the same float32
 * operations encodeFeatures runs. Layers are MatMul, Add, Relu between layers. Deterministic:
 * the same arguments give the same bytes.
 *
 * @example
 * const bytes = buildInferenceModel({ shape, params, preprocessing, metadata: { 'sinso.card.sha256': h } });
 */
export function buildInferenceModel(p: BuildInferenceModelParameters): Uint8Array {
  const prep = p.preprocessing;
  const width = encodedWidth(prep);
  if (width === 0) throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'the model has no features' });
  if (p.shape.features !== width)
    throw new TrainError('TRAIN_MODEL_INVALID', {
      problem: `the shape takes ${p.shape.features} features but the preprocessing encodes ${width}`,
    });
  checkParams(p.shape, p.params);
  const columns = [...prep.numeric.map((c) => c.name), ...prep.categorical.map((c) => c.name)];
  const names = new Set<string>();
  for (const c of columns) {
    if (c === '' || c === PROBABILITY_OUTPUT || c === LOGIT_OUTPUT || c.startsWith('sinso/') || names.has(c))
      throw new TrainError('TRAIN_MODEL_INVALID', {
        problem: `a feature column cannot be named ${JSON.stringify(c)} (empty, an output's name, reserved or twice)`,
      });
    names.add(c);
  }

  // Every value and node is named explicitly (`sinso/...`), so the names say what they are.
  const g = new GraphBuilder('sinso_inference');
  const node = (
    op: string,
    inputs: readonly string[],
    output: string,
    options: NodeOptions & { name: string },
    attrs: Record<string, Attr> = {},
  ): string => g.node(op, inputs, attrs, [output], options)[0] as string;
  for (const c of prep.numeric) g.input(c.name, 'float', ['N']);
  for (const c of prep.categorical) g.input(c.name, 'string', ['N']);
  const axis1 = g.int64s([1], [1], 'sinso/axis1', 'int64_data');
  const blocks: string[] = [];

  const k = prep.numeric.length;
  if (k > 0) {
    const unsqueezed = prep.numeric.map((c, j) =>
      node('Unsqueeze', [c.name, axis1], `sinso/num/${j}`, { name: `unsqueeze_num_${j}` }),
    );
    const raw =
      k > 1
        ? node('Concat', unsqueezed, 'sinso/num', { name: 'concat_num' }, { axis: attr.i(1) })
        : (unsqueezed[0] as string);
    const mean = g.floats(
      prep.numeric.map((c) => c.mean),
      [k],
      'sinso/mean',
    );
    const std = g.floats(
      prep.numeric.map((c) => c.std),
      [k],
      'sinso/std',
    );
    const missing = node('IsNaN', [raw], 'sinso/num_missing', { name: 'num_missing' });
    const imputed = node('Where', [missing, mean, raw], 'sinso/num_imputed', { name: 'num_impute' });
    const centered = node('Sub', [imputed, mean], 'sinso/num_centered', { name: 'num_center' });
    blocks.push(node('Div', [centered, std], 'sinso/num_scaled', { name: 'num_scale' }));
  }
  for (const [j, c] of prep.categorical.entries()) {
    if (c.categories.length === 0) continue;
    blocks.push(
      node(
        'OneHotEncoder',
        [c.name],
        `sinso/cat/${j}`,
        { name: `onehot_${j}`, domain: ML_DOMAIN },
        { cats_strings: attr.strings(c.categories), zeros: attr.i(1) },
      ),
    );
  }
  let x =
    blocks.length > 1
      ? node('Concat', blocks, 'sinso/x', { name: 'concat_features' }, { axis: attr.i(1) })
      : (blocks[0] as string);

  const layers = layerSizes(p.shape);
  for (const [l, [i, o]] of layers.entries()) {
    const w = g.floats((p.params[2 * l] as Param).data, [i, o], `w${l + 1}`);
    const b = g.floats((p.params[2 * l + 1] as Param).data, [o], `b${l + 1}`);
    const last = l === layers.length - 1;
    const mm = node('MatMul', [x, w], `sinso/l${l + 1}/matmul`, { name: `matmul_${l + 1}` });
    const z = node('Add', [mm, b], last ? 'sinso/z' : `sinso/l${l + 1}/z`, { name: `add_${l + 1}` });
    x = last ? z : node('Relu', [z], `sinso/l${l + 1}/a`, { name: `relu_${l + 1}` });
  }
  const logit = node('Squeeze', [x, axis1], LOGIT_OUTPUT, { name: 'squeeze_logit' });
  const probability = node('Sigmoid', [logit], PROBABILITY_OUTPUT, { name: 'sigmoid' });
  g.output(probability, PROBABILITY_OUTPUT, 'float', ['N']);
  g.output(logit, LOGIT_OUTPUT, 'float', ['N']);

  return g.model({
    producer: 'sinso',
    producerVersion: version,
    docString:
      'Binary classifier with its preprocessing folded in: raw feature columns in, probability and logit out.',
    metadata: p.metadata,
    opsets: { [ML_DOMAIN]: INFERENCE_ML_OPSET },
  });
}
