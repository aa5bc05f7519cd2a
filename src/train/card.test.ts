import { describe, expect, it } from 'vitest';
import {
  describeModelFile,
  logisticCoefficients,
  type ModelCard,
  ModelCardSchema,
  parseModelCard,
  renderModelCard,
} from './card.js';
import { TrainError } from './errors.js';
import { buildInferenceModel } from './graph/inference.js';
import { classificationMetrics } from './metrics.js';

const metrics = classificationMetrics(
  Float64Array.from([0.1, 0.3, 0.7, 0.9, 0.6]),
  Float64Array.from([0, 0, 1, 1, 0]),
);

const sampleCard: ModelCard = {
  schema: '1',
  kind: 'sinso-model-card',
  name: 't2d-risk',
  description: 'Type 2 diabetes risk from age, BMI and HbA1c.',
  specSha256: 'a'.repeat(64),
  code: { name: 'sinso', version: '0.1.0' },
  task: { kind: 'binary-classification', label: 't2d' },
  features: {
    numeric: ['age', 'bmi'],
    categorical: ['gender'],
    encoded: ['age', 'bmi', 'gender=female', 'gender=male'],
    publicStatistics: ['age'],
  },
  datasets: [
    {
      pledge: '2',
      tokenId: '1',
      version: 1,
      commitmentRoot: `0x${'0b'.repeat(32)}`,
      manifestCid: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
      rowsUsed: [
        { table: 'patients', rows: 1200 },
        { table: 'observations', rows: 5400 },
      ],
    },
  ],
  training: {
    architecture: { kind: 'logistic' },
    optimizer: { kind: 'adam', learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    epochs: 20,
    batchSize: 256,
    seed: 'demo',
    sampling: 'poisson',
    steps: 80,
  },
  split: {
    by: 'patient',
    validationFraction: 0.2,
    trainPatients: 960,
    validationPatients: 240,
    trainExamples: 960,
    validationExamples: 240,
  },
  metrics,
  privacy: {
    kind: 'dp-sgd',
    epsilon: 2.9871,
    delta: 1e-5,
    noiseMultiplier: 1.1,
    clipNorm: 1,
    samplingRate: 0.2667,
    steps: 80,
    accountant: 'rdp',
    orders: [1.5, 2, 3, 4, 8, 16, 32],
    order: 8,
  },
  model: {
    file: 't2d-risk.onnx',
    sha256: 'b'.repeat(64),
    irVersion: 8,
    opset: 17,
    mlOpset: 3,
    inputs: [
      { name: 'age', type: 'float32' },
      { name: 'bmi', type: 'float32' },
      { name: 'gender', type: 'string' },
    ],
    outputs: [
      { name: 'probability', type: 'float32' },
      { name: 'logit', type: 'float32' },
    ],
  },
  coefficients: {
    intercept: -1.25,
    weights: [
      { feature: 'age', weight: 0.8 },
      { feature: 'bmi', weight: 0.6 },
      { feature: 'gender=female', weight: -0.1 },
      { feature: 'gender=male', weight: 0.1 },
    ],
  },
};

describe('ModelCardSchema', () => {
  it('accepts a card, with or without DP and coefficients', () => {
    expect(ModelCardSchema.parse(sampleCard)).toEqual(sampleCard);
    const { coefficients: _, ...mlp } = sampleCard;
    expect(() =>
      ModelCardSchema.parse({
        ...mlp,
        privacy: { kind: 'none' },
        training: { ...sampleCard.training, architecture: { kind: 'mlp', hidden: [64, 32] } },
      }),
    ).not.toThrow();
  });

  it('refuses an unknown field anywhere (so no row can ride along) and names it, never its value', () => {
    const withRows = {
      ...sampleCard,
      metrics: { ...sampleCard.metrics, rows: [{ patient: 'P-123', age: 61 }] },
    };
    let err: unknown;
    try {
      parseModelCard(withRows);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).code).toBe('TRAIN_MODEL_INVALID');
    expect((err as Error).message).toContain('metrics: unknown field(s): rows');
    expect((err as Error).message).not.toContain('P-123');
    expect(() => parseModelCard({ ...sampleCard, privacy: { kind: 'dp-sgd', epsilon: 1 } })).toThrow(
      TrainError,
    );
    expect(() => parseModelCard({ ...sampleCard, specSha256: 'nothex' })).toThrow(/specSha256/);
  });
});

describe('renderModelCard', () => {
  it('renders a summary and the tables a person reads', () => {
    const md = renderModelCard(sampleCard);
    expect(md).toMatch(/^# Model card: t2d-risk\n/);
    expect(md).toContain(
      'A binary classifier of `t2d` (logistic regression over 4 encoded features), trained on 960 examples of 960 patients from 1 pledged dataset',
    );
    expect(md).toContain('DP-SGD: (ε = 2.99, δ = 0.00001)');
    expect(md).toContain('| pledge | DataNFT | version | commitment root | manifest CID | rows used |');
    expect(md).toContain(`| 2 | 1 | 1 | \`0x${'0b'.repeat(32)}\` |`);
    expect(md).toContain('patients: 1,200, observations: 5,400');
    expect(md).toContain(
      '| preprocessing statistics | given in the spec (public): age; computed on the training split: bmi, gender |',
    );
    expect(md).toContain(
      'the training steps only: the preprocessing statistics computed on the training split are not noised',
    );
    expect(md).toContain(`| AUC | ${sampleCard.metrics.auc?.toFixed(4)} |`);
    expect(md).toContain('| 0.0–0.1 | 0 | n/a | n/a |');
    expect(md).toContain('| 0.1–0.2 | 1 | 0.100 | 0.000 |');
    expect(md).toContain(
      '| accountant | RDP of the sampled Gaussian mechanism; ε from order 8 (best of 7 orders) |',
    );
    expect(md).toContain('| gender=female | -0.1 |');
    expect(md).toContain('| format | ONNX, IR 8, opset 17 (ai.onnx.ml 3) |');
  });

  it('says "none" without DP and escapes table cells', () => {
    const md = renderModelCard({
      ...sampleCard,
      privacy: { kind: 'none' },
      features: { ...sampleCard.features, encoded: ['age', 'bmi', 'race=a|b', 'gender=male'] },
    });
    expect(md).toContain('trained **without differential privacy**');
    expect(md).toContain('None: trained without differential privacy.');
    expect(md).toContain('race=a\\|b');
  });
});

describe('describeModelFile and logisticCoefficients', () => {
  const preprocessing = {
    numeric: [{ name: 'age', mean: 50, std: 10 }],
    categorical: [{ name: 'gender', categories: ['female', 'male'] }],
  };
  const shape = { features: 3, architecture: { kind: 'logistic' as const } };
  const params = [
    { name: 'w1', dims: [3, 1], data: Float32Array.from([0.5, -0.25, 0.125]) },
    { name: 'b1', dims: [1], data: Float32Array.from([-1]) },
  ];

  it('describe the ONNX file and the weights for the card', () => {
    const bytes = buildInferenceModel({ shape, params, preprocessing, metadata: {} });
    const model = describeModelFile({ bytes, file: 'm.onnx' });
    expect(model).toEqual({
      file: 'm.onnx',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      irVersion: 8,
      opset: 17,
      mlOpset: 3,
      inputs: [
        { name: 'age', type: 'float32' },
        { name: 'gender', type: 'string' },
      ],
      outputs: [
        { name: 'probability', type: 'float32' },
        { name: 'logit', type: 'float32' },
      ],
    });
    expect(ModelCardSchema.shape.model.parse(model)).toEqual(model);
    expect(logisticCoefficients({ shape, params, preprocessing })).toEqual({
      intercept: -1,
      weights: [
        { feature: 'age', weight: 0.5 },
        { feature: 'gender=female', weight: -0.25 },
        { feature: 'gender=male', weight: 0.125 },
      ],
    });
    expect(
      logisticCoefficients({
        shape: { ...shape, architecture: { kind: 'mlp', hidden: [2] } },
        params,
        preprocessing,
      }),
    ).toBeUndefined();
    expect(() => describeModelFile({ bytes: new TextEncoder().encode('not onnx'), file: 'x' })).toThrow(
      TrainError,
    );
  });
});
