import { z } from 'zod';
import type { SchemaIssue } from '../core/errors/index.js';
import { sha256Hex } from '../core/hash.js';
import { parseWith } from '../core/parse.js';
import { TrainError } from './errors.js';
import { decodeModel, FLOAT, STRING } from './graph/onnx.js';
import type { ModelShape, Param } from './model.js';
import { featureNames, type Preprocessing } from './preprocess.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');
const Cid = z.string().regex(/^b[a-z2-7]{20,}$/, 'a CIDv1 in base32');
const FieldHex = z.string().regex(/^0x[0-9a-f]{64}$/, 'a field element in 0x hex');
const Decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'a decimal integer');
const Count = z.number().int().min(0);
const Probability = z.number().min(0).max(1);
/** A metric that is undefined (one class only, no rows) is null. */
const Metric = z.number().nullable();

const ArchitectureSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('logistic') }),
  z.strictObject({ kind: z.literal('mlp'), hidden: z.array(z.number().int().min(1)).min(1) }),
]);

const OptimizerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sgd'),
    learningRate: z.number().positive(),
    momentum: z.number().min(0),
  }),
  z.strictObject({
    kind: z.literal('adam'),
    learningRate: z.number().positive(),
    beta1: z.number().min(0),
    beta2: z.number().min(0),
    epsilon: z.number().positive(),
  }),
]);

const CalibrationBinSchema = z.strictObject({
  lower: Probability,
  upper: Probability,
  count: Count,
  meanPredicted: Probability.nullable(),
  observedRate: Probability.nullable(),
});

const TensorInfo = z.strictObject({ name: z.string().min(1), type: z.enum(['float32', 'string']) });

/**
 * A model card (`models/<name>.card.json`): what a model is, what it was trained on (datasets by
 * DataNFT and commitment root, row counts), how, how well it does on the validation split, and
 * its differential privacy. It holds aggregates only: counts, rates, parameters; never a row.
 * Strict: an unknown field is refused.
 */
export const ModelCardSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-model-card'),
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'lower case letters, digits and dashes'),
  description: z.string().max(2000).optional(),
  /** SHA-256 of the canonical JSON of the parsed model spec. */
  specSha256: Sha256,
  code: z.strictObject({ name: z.string().min(1), version: z.string().min(1) }),
  task: z.strictObject({ kind: z.literal('binary-classification'), label: z.string().min(1) }),
  features: z.strictObject({
    numeric: z.array(z.string().min(1)),
    categorical: z.array(z.string().min(1)),
    /** The encoded features in model order: numeric columns, then `column=category`. */
    encoded: z.array(z.string().min(1)).min(1),
    /** Features whose preprocessing statistics the spec gave (public), not the training split. */
    publicStatistics: z.array(z.string().min(1)).default([]),
  }),
  datasets: z
    .array(
      z.strictObject({
        pledge: Decimal,
        tokenId: Decimal,
        version: z.number().int().min(0),
        commitmentRoot: FieldHex,
        manifestCid: Cid,
        rowsUsed: z.array(z.strictObject({ table: z.string().min(1), rows: Count })),
      }),
    )
    .min(1),
  training: z.strictObject({
    architecture: ArchitectureSchema,
    optimizer: OptimizerSchema,
    epochs: z.number().int().min(1),
    batchSize: z.number().int().min(1),
    seed: z.string().min(1),
    sampling: z.enum(['shuffled', 'poisson']),
    steps: Count,
  }),
  split: z.strictObject({
    by: z.literal('patient'),
    validationFraction: z.number().gt(0).lt(1),
    trainPatients: Count,
    validationPatients: Count,
    trainExamples: Count,
    validationExamples: Count,
  }),
  /** On the validation split. */
  metrics: z.strictObject({
    examples: Count,
    positives: Count,
    auc: Metric,
    accuracy: Metric,
    logLoss: Metric,
    ece: Metric,
    calibration: z.array(CalibrationBinSchema),
  }),
  privacy: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({
      kind: z.literal('dp-sgd'),
      epsilon: z.number().min(0),
      delta: z.number().gt(0).lt(1),
      noiseMultiplier: z.number().positive(),
      clipNorm: z.number().positive(),
      /** Poisson sampling rate q = expected batch size / training examples. */
      samplingRate: z.number().gt(0).max(1),
      steps: Count,
      accountant: z.literal('rdp'),
      /** The Rényi orders the accountant evaluated, and the one that gave ε. */
      orders: z.array(z.number().gt(1)).min(1),
      order: z.number().gt(1),
    }),
  ]),
  model: z.strictObject({
    /** The ONNX file's name, beside the card. */
    file: z.string().min(1),
    sha256: Sha256,
    irVersion: z.number().int().min(1),
    opset: z.number().int().min(1),
    /** The ai.onnx.ml opset, when the model uses it (categorical inputs). */
    mlOpset: z.number().int().min(1).optional(),
    inputs: z.array(TensorInfo).min(1),
    outputs: z.array(TensorInfo).min(1),
  }),
  /** Logistic regression only: weights on the standardized scale (per encoded feature) and the intercept. */
  coefficients: z
    .strictObject({
      intercept: z.number(),
      weights: z.array(z.strictObject({ feature: z.string().min(1), weight: z.number() })),
    })
    .optional(),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;

/**
 * Validates a model card read from a file (TRAIN_MODEL_INVALID naming the first bad field).
 *
 * @example
 * const card = parseModelCard(JSON.parse(await readFile('models/t2d-risk.card.json', 'utf8')));
 */
export function parseModelCard(value: unknown): ModelCard {
  return parseWith(ModelCardSchema, value, {
    what: 'model card',
    error: (issues: readonly SchemaIssue[], cause) =>
      new TrainError(
        'TRAIN_MODEL_INVALID',
        {
          problem: `its model card is not valid (${issues[0]?.path || 'card'}: ${issues[0]?.message ?? 'invalid'})`,
        },
        { issues, cause },
      ),
  });
}

/** A table cell: pipes, backticks and line breaks escaped. */
/** Where each feature's standardization or categories came from. */
function statisticsText(f: { numeric: string[]; categorical: string[]; publicStatistics: string[] }): string {
  const all = [...f.numeric, ...f.categorical];
  const given = all.filter((x) => f.publicStatistics.includes(x));
  const fitted = all.filter((x) => !f.publicStatistics.includes(x));
  return [
    given.length > 0 ? `given in the spec (public): ${given.map(cell).join(', ')}` : '',
    fitted.length > 0 ? `computed on the training split: ${fitted.map(cell).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function cell(s: string | number): string {
  return String(s)
    .replace(/[\\|`*_[\]<>]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

/** A code span (backticks replaced, pipes escaped for the table). */
function code(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (r: readonly (string | number)[]) => `| ${r.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const fixed = (v: number | null, digits = 4) => (v === null ? 'n/a' : v.toFixed(digits));
const count = (n: number) => n.toLocaleString('en-US');
const sig = (v: number, digits = 4) => Number(v.toPrecision(digits)).toString();

function architectureText(a: ModelCard['training']['architecture']): string {
  return a.kind === 'logistic' ? 'logistic regression' : `MLP ${a.hidden.join('-')} (ReLU)`;
}

function optimizerText(o: ModelCard['training']['optimizer']): string {
  return o.kind === 'sgd'
    ? `SGD, learning rate ${sig(o.learningRate)}, momentum ${sig(o.momentum)}`
    : `Adam, learning rate ${sig(o.learningRate)}, β1 ${sig(o.beta1)}, β2 ${sig(o.beta2)}, ε ${sig(o.epsilon)}`;
}

/**
 * Renders a model card as Markdown for a person: a short summary, then tables for the model
 * file, datasets, training, split, metrics, calibration, privacy and (logistic regression) the
 * coefficients. Only the card's aggregates appear.
 *
 * @example
 * await writeFileAtomic('models/t2d-risk.card.md', renderModelCard(card));
 */
export function renderModelCard(card: ModelCard): string {
  const m = card.metrics;
  const privacy =
    card.privacy.kind === 'none'
      ? 'It was trained **without differential privacy**: nothing bounds what it may reveal about one patient beyond the aggregation itself.'
      : `It was trained with **DP-SGD: (ε = ${sig(card.privacy.epsilon, 3)}, δ = ${sig(card.privacy.delta, 3)})-differentially private** per example (one row of the feature query; a patient with k rows is covered as a group of k).`;
  const out: string[] = [
    `# Model card: ${cell(card.name)}`,
    '',
    ...(card.description ? [card.description.replace(/\r?\n/g, ' '), ''] : []),
    `A binary classifier of ${code(card.task.label)} (${architectureText(card.training.architecture)} over ${card.features.encoded.length} encoded features), ` +
      `trained on ${count(card.split.trainExamples)} examples of ${count(card.split.trainPatients)} patients from ${card.datasets.length} pledged dataset${card.datasets.length === 1 ? '' : 's'}, ` +
      `compute-to-data: no row left its owner's compute node. ` +
      `On the validation split (${count(card.split.validationExamples)} examples of ${count(card.split.validationPatients)} other patients) its AUC is ${fixed(m.auc, 3)} and its accuracy ${fixed(m.accuracy, 3)}. ` +
      privacy,
    '',
    '## Model',
    '',
    table(
      ['field', 'value'],
      [
        ['file', code(card.model.file)],
        ['sha256', code(card.model.sha256)],
        [
          'format',
          `ONNX, IR ${card.model.irVersion}, opset ${card.model.opset}${card.model.mlOpset === undefined ? '' : ` (ai.onnx.ml ${card.model.mlOpset})`}`,
        ],
        ['inputs', card.model.inputs.map((i) => `${cell(i.name)} (${i.type})`).join(', ')],
        ['outputs', card.model.outputs.map((o) => `${cell(o.name)} (${o.type})`).join(', ')],
        [
          'preprocessing',
          'folded in: numeric standardized (missing → training mean), categorical one-hot (unknown or missing → zeros)',
        ],
      ],
    ),
    '',
    '## Datasets',
    '',
    table(
      ['pledge', 'DataNFT', 'version', 'commitment root', 'manifest CID', 'rows used'],
      card.datasets.map((d) => [
        d.pledge,
        d.tokenId,
        d.version,
        code(d.commitmentRoot),
        code(d.manifestCid),
        d.rowsUsed.map((r) => `${cell(r.table)}: ${count(r.rows)}`).join(', ') || '—',
      ]),
    ),
    '',
    '## Training',
    '',
    table(
      ['setting', 'value'],
      [
        ['architecture', architectureText(card.training.architecture)],
        ['optimizer', optimizerText(card.training.optimizer)],
        ['epochs', card.training.epochs],
        ['batch size', card.training.batchSize],
        [
          'sampling',
          card.training.sampling === 'poisson'
            ? 'Poisson (each example independently per step)'
            : 'shuffled, each epoch',
        ],
        ['steps', count(card.training.steps)],
        ['seed', code(card.training.seed)],
        ['preprocessing statistics', statisticsText(card.features)],
        ['features', card.features.encoded.map(cell).join(', ')],
      ],
    ),
    '',
    '## Split',
    '',
    `By patient (no patient on both sides), ${sig(card.split.validationFraction * 100, 3)}% of patients for validation.`,
    '',
    table(
      ['', 'patients', 'examples'],
      [
        ['training', count(card.split.trainPatients), count(card.split.trainExamples)],
        ['validation', count(card.split.validationPatients), count(card.split.validationExamples)],
      ],
    ),
    '',
    '## Metrics (validation split)',
    '',
    table(
      ['metric', 'value'],
      [
        ['examples (positives)', `${count(m.examples)} (${count(m.positives)})`],
        ['AUC', fixed(m.auc)],
        ['accuracy (p > 0.5)', fixed(m.accuracy)],
        ['log loss', fixed(m.logLoss)],
        ['expected calibration error', fixed(m.ece)],
      ],
    ),
    '',
    '## Calibration',
    '',
    table(
      ['predicted', 'examples', 'mean predicted', 'observed rate'],
      m.calibration.map((b) => [
        `${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`,
        count(b.count),
        fixed(b.meanPredicted, 3),
        fixed(b.observedRate, 3),
      ]),
    ),
    '',
    '## Privacy',
    '',
  ];
  if (card.privacy.kind === 'none') {
    out.push('None: trained without differential privacy.');
  } else {
    const d = card.privacy;
    out.push(
      table(
        ['setting', 'value'],
        [
          ['mechanism', 'DP-SGD: per-example gradients clipped, Gaussian noise added to their sum'],
          ['ε', sig(d.epsilon)],
          ['δ', sig(d.delta, 3)],
          ['noise multiplier σ', sig(d.noiseMultiplier)],
          ['clip norm C', sig(d.clipNorm)],
          ['sampling rate q', sig(d.samplingRate)],
          ['steps', count(d.steps)],
          [
            'accountant',
            `RDP of the sampled Gaussian mechanism; ε from order ${sig(d.order)} (best of ${d.orders.length} orders)`,
          ],
          [
            'covers',
            card.features.publicStatistics.length ===
            card.features.numeric.length + card.features.categorical.length
              ? 'the training steps; the preprocessing statistics are public (given in the spec)'
              : 'the training steps only: the preprocessing statistics computed on the training split are not noised',
          ],
        ],
      ),
    );
  }
  if (card.coefficients) {
    out.push(
      '',
      '## Coefficients',
      '',
      'Logistic regression weights on the standardized scale (per standard deviation of a numeric feature; per category against none).',
      '',
      table(
        ['feature', 'weight'],
        [
          ['(intercept)', sig(card.coefficients.intercept)],
          ...card.coefficients.weights.map((w) => [cell(w.feature), sig(w.weight)]),
        ],
      ),
    );
  }
  out.push(
    '',
    '## Provenance',
    '',
    table(
      ['field', 'value'],
      [
        ['spec sha256', code(card.specSha256)],
        ['code', `${cell(card.code.name)} ${cell(card.code.version)}`],
      ],
    ),
    '',
  );
  return out.join('\n');
}

/**
 * The `model` section of a card from the ONNX bytes: file name, SHA-256, IR version, opsets and
 * the graph's inputs and outputs. TRAIN_MODEL_INVALID when the bytes are not an ONNX model.
 *
 * @example
 * const model = describeModelFile({ bytes, file: 't2d-risk.onnx' });
 */
export function describeModelFile(p: { bytes: Uint8Array; file: string }): ModelCard['model'] {
  let m: ReturnType<typeof decodeModel>;
  try {
    m = decodeModel(p.bytes);
  } catch (cause) {
    throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'it is not an ONNX model' }, { cause });
  }
  const opset = (domain: string) => {
    const o = (m.opsetImport ?? []).find((x) => (x.domain ?? '') === domain);
    return o ? Number(o.version) : undefined;
  };
  const tensor = (v: {
    name?: string | null;
    type?: { tensorType?: { elemType?: number | null } | null } | null;
  }) => {
    const t = v.type?.tensorType?.elemType;
    if (t !== FLOAT && t !== STRING)
      throw new TrainError('TRAIN_MODEL_INVALID', {
        problem: `its tensor ${v.name ?? ''} is neither float32 nor string`,
      });
    return { name: String(v.name ?? ''), type: t === FLOAT ? ('float32' as const) : ('string' as const) };
  };
  const initializers = new Set((m.graph?.initializer ?? []).map((t) => t.name));
  const ml = opset('ai.onnx.ml');
  return {
    file: p.file,
    sha256: sha256Hex(p.bytes),
    irVersion: Number(m.irVersion),
    opset: opset('') ?? 0,
    ...(ml === undefined ? {} : { mlOpset: ml }),
    inputs: (m.graph?.input ?? []).filter((i) => !initializers.has(i.name)).map(tensor),
    outputs: (m.graph?.output ?? []).map(tensor),
  };
}

/**
 * A logistic regression's coefficients for its card: one weight per encoded feature (on the
 * standardized scale: per standard deviation of a numeric column; a category against none),
 * and the intercept. Undefined for an MLP.
 *
 * @example
 * const coefficients = logisticCoefficients({ shape, params, preprocessing });
 */
export function logisticCoefficients(p: {
  shape: ModelShape;
  params: readonly Param[];
  preprocessing: Preprocessing;
}): ModelCard['coefficients'] {
  if (p.shape.architecture.kind !== 'logistic') return undefined;
  const w = p.params[0];
  const b = p.params[1];
  const names = featureNames(p.preprocessing);
  if (!w || !b || w.data.length !== names.length || b.data.length !== 1)
    throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'its parameters do not match its features' });
  return {
    intercept: b.data[0] as number,
    weights: names.map((feature, i) => ({ feature, weight: w.data[i] as number })),
  };
}
