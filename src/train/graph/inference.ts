import type onnxProto from 'onnx-proto';
import { version } from '../../core/version.js';
import { TrainError } from '../errors.js';
import type { ModelShape, Param } from '../model.js';
import { encodedWidth, type Preprocessing } from '../preprocess.js';
import {
  encodeModel,
  FLOAT,
  floatTensor,
  int64Tensor,
  node,
  STRING,
  valueInfo,
} from './onnxInferenceProto.js';

/** The ONNX IR version of the inference model. */
export const INFERENCE_IR_VERSION = 8;
/** The default-domain opset the inference model states. */
export const INFERENCE_OPSET = 17;
/** The ai.onnx.ml opset stated when the model has a categorical input (OneHotEncoder). */
export const INFERENCE_ML_OPSET = 3;
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

  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [int64Tensor('sinso/axis1', [1], [1])];
  const blocks: string[] = [];

  const k = prep.numeric.length;
  if (k > 0) {
    const unsqueezed = prep.numeric.map((c, j) => {
      const out = `sinso/num/${j}`;
      nodes.push(
        node({
          op: 'Unsqueeze',
          inputs: [c.name, 'sinso/axis1'],
          outputs: [out],
          name: `unsqueeze_num_${j}`,
        }),
      );
      return out;
    });
    let raw = unsqueezed[0] as string;
    if (k > 1) {
      raw = 'sinso/num';
      nodes.push(
        node({
          op: 'Concat',
          inputs: unsqueezed,
          outputs: [raw],
          name: 'concat_num',
          attributes: { axis: { int: 1 } },
        }),
      );
    }
    initializers.push(
      floatTensor(
        'sinso/mean',
        [k],
        Float32Array.from(prep.numeric, (c) => c.mean),
      ),
      floatTensor(
        'sinso/std',
        [k],
        Float32Array.from(prep.numeric, (c) => c.std),
      ),
    );
    nodes.push(
      node({ op: 'IsNaN', inputs: [raw], outputs: ['sinso/num_missing'], name: 'num_missing' }),
      node({
        op: 'Where',
        inputs: ['sinso/num_missing', 'sinso/mean', raw],
        outputs: ['sinso/num_imputed'],
        name: 'num_impute',
      }),
      node({
        op: 'Sub',
        inputs: ['sinso/num_imputed', 'sinso/mean'],
        outputs: ['sinso/num_centered'],
        name: 'num_center',
      }),
      node({
        op: 'Div',
        inputs: ['sinso/num_centered', 'sinso/std'],
        outputs: ['sinso/num_scaled'],
        name: 'num_scale',
      }),
    );
    blocks.push('sinso/num_scaled');
  }
  for (const [j, c] of prep.categorical.entries()) {
    if (c.categories.length === 0) continue;
    const out = `sinso/cat/${j}`;
    nodes.push(
      node({
        op: 'OneHotEncoder',
        domain: 'ai.onnx.ml',
        inputs: [c.name],
        outputs: [out],
        name: `onehot_${j}`,
        attributes: { cats_strings: { strings: c.categories }, zeros: { int: 1 } },
      }),
    );
    blocks.push(out);
  }
  let x = blocks[0] as string;
  if (blocks.length > 1) {
    x = 'sinso/x';
    nodes.push(
      node({
        op: 'Concat',
        inputs: blocks,
        outputs: [x],
        name: 'concat_features',
        attributes: { axis: { int: 1 } },
      }),
    );
  }

  const layers = layerSizes(p.shape);
  for (const [l, [i, o]] of layers.entries()) {
    const w = p.params[2 * l] as Param;
    const b = p.params[2 * l + 1] as Param;
    initializers.push(floatTensor(w.name, [i, o], w.data), floatTensor(b.name, [o], b.data));
    const last = l === layers.length - 1;
    const mm = `sinso/l${l + 1}/matmul`;
    const z = last ? 'sinso/z' : `sinso/l${l + 1}/z`;
    nodes.push(
      node({ op: 'MatMul', inputs: [x, w.name], outputs: [mm], name: `matmul_${l + 1}` }),
      node({ op: 'Add', inputs: [mm, b.name], outputs: [z], name: `add_${l + 1}` }),
    );
    if (!last) {
      x = `sinso/l${l + 1}/a`;
      nodes.push(node({ op: 'Relu', inputs: [z], outputs: [x], name: `relu_${l + 1}` }));
    }
  }
  nodes.push(
    node({
      op: 'Squeeze',
      inputs: ['sinso/z', 'sinso/axis1'],
      outputs: [LOGIT_OUTPUT],
      name: 'squeeze_logit',
    }),
    node({ op: 'Sigmoid', inputs: [LOGIT_OUTPUT], outputs: [PROBABILITY_OUTPUT], name: 'sigmoid' }),
  );

  const usesMl = prep.categorical.some((c) => c.categories.length > 0);
  return encodeModel({
    irVersion: INFERENCE_IR_VERSION,
    opsetImport: [
      { domain: '', version: INFERENCE_OPSET },
      ...(usesMl ? [{ domain: 'ai.onnx.ml', version: INFERENCE_ML_OPSET }] : []),
    ],
    producerName: 'sinso',
    producerVersion: version,
    docString:
      'Binary classifier with its preprocessing folded in: raw feature columns in, probability and logit out.',
    graph: {
      name: 'sinso_inference',
      node: nodes,
      initializer: initializers,
      input: [
        ...prep.numeric.map((c) => valueInfo(c.name, FLOAT, ['N'])),
        ...prep.categorical.map((c) => valueInfo(c.name, STRING, ['N'])),
      ],
      output: [valueInfo(PROBABILITY_OUTPUT, FLOAT, ['N']), valueInfo(LOGIT_OUTPUT, FLOAT, ['N'])],
    },
    metadataProps: Object.keys(p.metadata)
      .sort()
      .map((key) => ({ key, value: p.metadata[key] as string })),
  });
}
