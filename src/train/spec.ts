import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { SchemaIssue } from '../core/errors/index.js';
import { canonicalJson, sha256Hex } from '../core/hash.js';
import { parseWith } from '../core/parse.js';
import { TrainError } from './errors.js';

/** A column name of the feature query's result (DuckDB identifiers, lower case). */
const Column = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case column name');

const Architecture = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('logistic') }),
  z.strictObject({
    kind: z.literal('mlp'),
    /** Hidden layer widths, ReLU after each. */
    hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8),
  }),
]);

const Optimizer = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sgd'),
    learningRate: z.number().positive().max(100),
    momentum: z.number().min(0).max(0.999).default(0),
  }),
  z.strictObject({
    kind: z.literal('adam'),
    learningRate: z.number().positive().max(100),
    beta1: z.number().min(0).max(0.9999).default(0.9),
    beta2: z.number().min(0).max(0.999999).default(0.999),
    epsilon: z.number().positive().max(1).default(1e-8),
  }),
]);

/**
 * DP-SGD: each example's gradient clipped to `clipNorm`, Gaussian noise of standard deviation
 * noiseMultiplier × clipNorm added to the sum, batches drawn by Poisson sampling (each example
 * independently with probability batchSize / N), accounted with RDP. Give the noise multiplier,
 * or the ε to reach after all epochs (the smallest noise that reaches it is used).
 */
const Dp = z
  .strictObject({
    clipNorm: z.number().positive().max(1e6),
    delta: z.number().positive().lt(1),
    noiseMultiplier: z.number().positive().max(1e3).optional(),
    targetEpsilon: z.number().positive().max(1e3).optional(),
  })
  .refine((d) => (d.noiseMultiplier === undefined) !== (d.targetEpsilon === undefined), {
    message: 'give exactly one of noiseMultiplier and targetEpsilon',
  });

/**
 * `models/<name>.yaml`: a training job's spec. The feature query runs in DuckDB over each pledged
 * dataset's tables (by their names: patients, observations, …); its result has one row per
 * example with the patient column, the label (0/1 or boolean) and the feature columns. Rows of
 * several pledges are pooled; the validation split is by patient.
 */
export const ModelSpecSchema = z
  .strictObject({
    schema: z.literal('1'),
    kind: z.literal('sinso-model'),
    name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'lower case letters, digits and dashes'),
    description: z.string().max(2000).optional(),
    data: z.strictObject({
      query: z.string().min(1).max(100_000),
      /** The column that says which patient an example belongs to (the split keeps patients whole). */
      patient: Column.default('patient_id'),
      label: Column,
    }),
    features: z.strictObject({
      /** Standardized with the training split's mean and standard deviation; missing values → the mean. */
      numeric: z.array(Column).default([]),
      /** One-hot over the values seen in the training split; unseen or missing → all zeros. */
      categorical: z.array(Column).default([]),
      /**
       * Public statistics to standardize a numeric feature with, [mean, standard deviation],
       * instead of the training split's: a DP guarantee then covers them too.
       */
      standardize: z.record(Column, z.tuple([z.number(), z.number().positive()])).default({}),
      /** Public categories of a categorical feature (one-hot order), instead of those seen in training. */
      categories: z.record(Column, z.array(z.string().min(1)).min(1)).default({}),
    }),
    model: Architecture,
    optimizer: Optimizer,
    training: z.strictObject({
      epochs: z.number().int().min(1).max(100_000),
      batchSize: z
        .number()
        .int()
        .min(1)
        .max(1 << 20),
      /** Seeds the initial weights, the split and the batch order (never the DP noise). */
      seed: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
    }),
    split: z.strictObject({ validation: z.number().gt(0).max(0.9) }).default({ validation: 0.2 }),
    privacy: z.strictObject({ dp: Dp }).optional(),
  })
  .superRefine((s, ctx) => {
    const all = [...s.features.numeric, ...s.features.categorical];
    for (const c of Object.keys(s.features.standardize)) {
      if (!s.features.numeric.includes(c)) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', 'standardize'],
          message: `${c} is not a numeric feature`,
        });
      }
    }
    for (const [c, values] of Object.entries(s.features.categories)) {
      if (!s.features.categorical.includes(c) || new Set(values).size !== values.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', 'categories'],
          message: `${c} is not a categorical feature, or lists a value twice`,
        });
      }
    }
    if (all.length === 0)
      ctx.addIssue({ code: 'custom', path: ['features'], message: 'list at least one feature' });
    const seen = new Set<string>();
    for (const c of all) {
      if (seen.has(c) || c === s.data.label || c === s.data.patient) {
        ctx.addIssue({
          code: 'custom',
          path: ['features'],
          message: `column ${c} is listed twice, or is the label or the patient column`,
        });
      }
      seen.add(c);
    }
  });
export type ModelSpec = z.output<typeof ModelSpecSchema>;

const invalid = (issues: readonly SchemaIssue[], cause?: unknown) =>
  new TrainError(
    'TRAIN_SPEC_INVALID',
    { problem: issues[0] ? `${issues[0].path}: ${issues[0].message}` : 'invalid' },
    { issues, cause },
  );

/**
 * Parses a model spec's text (YAML or JSON) and returns it with its hash: SHA-256 of the
 * canonical JSON of the parsed spec (defaults filled in), so equal specs hash equally whatever
 * their formatting.
 *
 * @example
 * const { spec, sha256 } = parseModelSpec(await readFile('models/t2d-risk.yaml', 'utf8'));
 */
export function parseModelSpec(text: string): { spec: ModelSpec; sha256: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const line = text.slice(0, doc.errors[0]?.pos[0] ?? 0).split('\n').length;
    throw invalid([{ path: '', message: `not valid YAML (${doc.errors[0]?.code ?? 'error'})`, line }]);
  }
  const spec = parseWith(ModelSpecSchema, doc.toJS(), { what: 'model spec', error: invalid });
  return { spec, sha256: sha256Hex(canonicalJson(spec)) };
}

/** Reads and parses a model spec file (see parseModelSpec). */
export async function readModelSpec(path: string): Promise<{ spec: ModelSpec; sha256: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TrainError('TRAIN_SPEC_INVALID', { problem: 'the file cannot be read' }, { cause });
  }
  return parseModelSpec(text);
}
