import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import type { ModelShape, Optimizer } from '../model.js';
import { buildTrainStepModel, trainStepSignature } from './trainStep.js';

const { onnx } = onnxProto;

const shapes: ModelShape[] = [
  { features: 64, architecture: { kind: 'logistic' } },
  { features: 64, architecture: { kind: 'mlp', hidden: [64, 32] } },
];
const optimizers: Optimizer[] = [
  { kind: 'sgd', learningRate: 0.1, momentum: 0 },
  { kind: 'sgd', learningRate: 0.1, momentum: 0.9 },
  { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
];
/** Standard default-domain operators, all in ONNX Runtime's CPU provider. */
const ALLOWED = new Set([
  'Split',
  'Reshape',
  'Gemm',
  'Relu',
  'MatMul',
  'Softplus',
  'Sigmoid',
  'Mul',
  'Sub',
  'Add',
  'Div',
  'Min',
  'ReduceMean',
  'ReduceSum',
  'ReduceL2',
  'Sqrt',
  'Sign',
  'Concat',
]);

describe('buildTrainStepModel', () => {
  for (const shape of shapes) {
    for (const optimizer of optimizers) {
      for (const dp of [undefined, { clipNorm: 1 }]) {
        const label = `${shape.architecture.kind}, ${optimizer.kind}${optimizer.kind === 'sgd' ? ` μ=${optimizer.momentum}` : ''}${dp ? ', DP' : ''}`;
        it(`writes the same bytes every time, IR 8 / opset 17, standard ops, a symbolic batch: ${label}`, () => {
          const p = { shape, optimizer, dp };
          const bytes = buildTrainStepModel(p);
          expect(Buffer.from(buildTrainStepModel(p)).equals(Buffer.from(bytes))).toBe(true);
          const m = onnx.ModelProto.decode(bytes);
          expect(Number(m.irVersion)).toBe(8);
          expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
          const g = m.graph as onnxProto.onnx.GraphProto;
          for (const n of g.node) expect(ALLOWED.has(String(n.opType)), String(n.opType)).toBe(true);
          const sig = trainStepSignature(p);
          expect(g.input.map((i) => i.name)).toEqual(sig.inputs);
          expect(g.output.map((o) => o.name)).toEqual(sig.outputs);
          expect(g.input[0]?.type?.tensorType?.shape?.dim?.[0]?.dimParam).toBe('N');
        });
      }
    }
  }

  it('refuses hyperparameters no step can use', () => {
    const shape = shapes[0] as ModelShape;
    expect(() =>
      buildTrainStepModel({ shape, optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 1 } }),
    ).toThrow(/momentum/);
    expect(() =>
      buildTrainStepModel({
        shape,
        optimizer: { kind: 'adam', learningRate: 1, beta1: 0.9, beta2: 0.999, epsilon: 0 },
      }),
    ).toThrow(/epsilon/);
    expect(() =>
      buildTrainStepModel({
        shape,
        optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0 },
        dp: { clipNorm: 0 },
      }),
    ).toThrow(/clip norm/);
  });
});
