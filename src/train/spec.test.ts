import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TrainError } from './errors.js';
import { parseModelSpec } from './spec.js';

const base = `schema: "1"
kind: sinso-model
name: m
data: { query: "SELECT patient_id, a, y FROM patients", label: y }
features: { numeric: [a] }
model: { kind: logistic }
optimizer: { kind: sgd, learningRate: 0.1 }
training: { epochs: 2, batchSize: 8, seed: 1 }
`;

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof TrainError ? e.code : 'other';
  }
  return undefined;
};

describe('model specs', () => {
  it('reads the demo model and fills defaults', async () => {
    const { spec, sha256 } = parseModelSpec(await readFile('models/t2d-risk.yaml', 'utf8'));
    expect(spec.name).toBe('t2d-risk');
    expect(spec.data.patient).toBe('patient_id');
    expect(spec.optimizer).toMatchObject({ kind: 'adam', beta1: 0.9, beta2: 0.999 });
    expect(spec.privacy?.dp.targetEpsilon).toBe(3);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the parsed spec, not its formatting', () => {
    const a = parseModelSpec(base);
    const b = parseModelSpec(`${base}\n# a comment\nsplit: { validation: 0.2 }\n`);
    expect(b.sha256).toBe(a.sha256);
    expect(a.spec.training.seed).toBe('1');
    expect(parseModelSpec(base.replace('epochs: 2', 'epochs: 3')).sha256).not.toBe(a.sha256);
  });

  it('refuses what cannot be trained, with the field named', () => {
    expect(code(() => parseModelSpec(base.replace('numeric: [a]', 'numeric: []')))).toBe(
      'TRAIN_SPEC_INVALID',
    );
    expect(code(() => parseModelSpec(base.replace('numeric: [a]', 'numeric: [a, y]')))).toBe(
      'TRAIN_SPEC_INVALID',
    );
    expect(code(() => parseModelSpec(base.replace('kind: logistic', 'kind: mlp, hidden: []')))).toBe(
      'TRAIN_SPEC_INVALID',
    );
    expect(code(() => parseModelSpec(`${base}privacy: { dp: { clipNorm: 1, delta: 1e-5 } }\n`))).toBe(
      'TRAIN_SPEC_INVALID',
    );
    expect(code(() => parseModelSpec(`${base}extra: 1\n`))).toBe('TRAIN_SPEC_INVALID');
    // public statistics only for listed features, a positive standard deviation, categories once each
    const fixed = (f: string) =>
      base.replace('features: { numeric: [a] }', `features: { numeric: [a], categorical: [g], ${f} }`);
    expect(
      parseModelSpec(fixed('standardize: { a: [50, 10] }, categories: { g: [x, y] }')).spec.features
        .standardize,
    ).toEqual({
      a: [50, 10],
    });
    expect(code(() => parseModelSpec(fixed('standardize: { b: [50, 10] }')))).toBe('TRAIN_SPEC_INVALID');
    expect(code(() => parseModelSpec(fixed('standardize: { a: [50, 0] }')))).toBe('TRAIN_SPEC_INVALID');
    expect(code(() => parseModelSpec(fixed('categories: { g: [x, x] }')))).toBe('TRAIN_SPEC_INVALID');
    expect(code(() => parseModelSpec('a: [1'))).toBe('TRAIN_SPEC_INVALID');
    expect(() => parseModelSpec(base.replace('learningRate: 0.1', 'learningRate: -1'))).toThrow(
      /optimizer\.learningRate/,
    );
  });
});
