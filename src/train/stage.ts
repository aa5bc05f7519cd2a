import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { PledgeRecordSchema } from '../chain/index.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson, sha256Hex } from '../core/hash.js';
import { KeyNameOptionSchema, RpcOptionSchema } from '../core/options.js';
import { readJsonFile } from '../core/parse.js';
import { defineStage } from '../core/stage.js';
import { version as codeVersion } from '../core/version.js';
import { loadExamples } from './adapters/loadExamples.js';
import { openPledgedData } from './adapters/pledgedData.js';
import { trainModel } from './adapters/trainModel.js';
import {
  describeModelFile,
  logisticCoefficients,
  type ModelCard,
  ModelCardSchema,
  renderModelCard,
} from './card.js';
import { DEFAULT_ORDERS } from './dp/rdp.js';
import { TrainError } from './errors.js';
import { buildInferenceModel } from './graph/inference.js';
import { JOB_FILE, type TrainJob, TrainJobSchema } from './job.js';
import { featureNames } from './preprocess.js';
import { readModelSpec } from './spec.js';

const TrainSummary = z.strictObject({
  model: z.string().describe('model'),
  examples: z.number().int().describe('examples'),
  rowsUsed: z.number().int().describe('row-uses'),
  auc: z.number().nullable().describe('validation AUC'),
  accuracy: z.number().nullable().describe('validation accuracy'),
  epsilon: z.number().nullable().describe('DP ε'),
  delta: z.number().nullable().describe('DP δ'),
  onnx: z.string().describe('ONNX file'),
});

/** The noise secret of a compute node (created on first use; DP noise is never seeded by the spec). */
const NOISE_SECRET = 'train-noise';

/**
 * `train`: the pledges' compute node trains the spec's model on the pledged datasets
 * (compute-to-data): it checks each pledge on chain, unwraps the dataset key granted to it,
 * fetches the encrypted tables by CID, recomputes the commitment against the DataNFT's root,
 * runs the feature query, trains with ONNX Runtime (DP-SGD when the spec asks for it) and writes
 * only the model, its model card and the job record — never a row.
 */
export const trainStage = defineStage({
  name: 'train',
  version: '1',
  summary: 'Train a model spec on pledged datasets as their compute node (ONNX Runtime, DP-SGD)',
  options: z.strictObject({
    spec: z.string().min(1).describe('The model spec (models/NAME.yaml)'),
    pledge: z
      .array(z.string().regex(/^[0-9]+$/))
      .default([])
      .describe(
        'A pledge the job runs under (repeatable; each checked on chain: accepted, unexpired, train)',
      ),
    pledgeRecord: z
      .array(z.string().min(1))
      .default([])
      .describe('A pledge record (`chain.pledge` output), instead of --pledge (repeatable)'),
    grant: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'The wrapped dataset key of each pledge, a file or folder, in pledge order (default: the workspace’s grants)',
      ),
    car: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'A dataset’s CAR file (the owner’s dataset.car) to import into the workspace blockstore first (repeatable)',
      ),
    out: z
      .string()
      .min(1)
      .optional()
      .describe('The model folder to write (default: beside the spec, named after it)'),
    as: KeyNameOptionSchema.default('compute').describe('The compute node’s workspace key'),
    threads: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('ONNX Runtime threads (1: reproducible bytes)'),
    rpc: RpcOptionSchema,
  }),
  result: TrainSummary,
  inputs: ['spec', 'pledgeRecord', 'grant', 'car'],
  outputs: ['out'],
  requires: { workspace: true, secrets: () => ({ noise: { key: NOISE_SECRET, create: true } }) },
  marker: { file: JOB_FILE, schema: TrainJobSchema },
  output: { deterministic: true },
  cli: {
    positional: { key: 'spec', name: 'SPEC', many: false },
    description:
      'Acts as the compute node of the pledges. Refuses a pledge that does not allow train, is not accepted, has expired or was revoked, or whose data does not hash to its token version’s root. Prints the loss and validation AUC per epoch on stderr. Writes NAME.onnx (a standard ONNX inference graph, preprocessing folded in: it takes the raw feature columns), NAME.card.json and NAME.card.md (datasets, rows used, metrics, DP ε and δ) and job.json (the committed rows used, for receipts).',
    examples: [
      'sinso train models/t2d-risk.yaml --pledge 1 --pledge 2 --pledge 3',
      'sinso train models/t2d-risk.yaml --pledge 4 --grant grants/pledge-4.json --out models/t2d-risk/',
    ],
    defaults: (o) => ({ out: join(dirname(o.spec), basename(o.spec, extname(o.spec))) }),
  },
  async run(ctx, o) {
    const out = o.out;
    if (out === undefined) {
      throw new TrainError('TRAIN_SPEC_INVALID', { problem: 'no output folder was given (--out)' });
    }
    const { spec, sha256: specSha256 } = await readModelSpec(o.spec);
    const pledges = [...o.pledge];
    for (const f of o.pledgeRecord) {
      const r = await readJsonFile(f, PledgeRecordSchema, {
        what: 'pledge record',
        invalid: (issues, cause) =>
          new TrainError(
            'TRAIN_POLICY_REFUSED',
            { pledge: '(record)', reason: 'the pledge record is not valid' },
            { issues, cause },
          ),
      });
      pledges.push(r.pledgeId);
    }
    if (pledges.length === 0) {
      throw new TrainError('TRAIN_POLICY_REFUSED', {
        pledge: '(none)',
        reason: 'no pledge was given (--pledge)',
      });
    }
    await mkdir(ctx.workspace.paths.store, { recursive: true });
    const work = await mkdtemp(join(ctx.workspace.paths.store, 'train-'));
    try {
      const datasets = await openPledgedData({
        workspace: ctx.workspace,
        clock: ctx.clock,
        rpc: o.rpc,
        pledges,
        grants: o.grant.length > 0 ? o.grant : undefined,
        cars: o.car,
        as: o.as,
        work,
        progress: ctx.progress,
        signal: ctx.signal,
      });
      const examples = await loadExamples({ datasets, spec });
      const model = await trainModel({
        spec,
        examples,
        noiseSeed: ctx.secrets.noise,
        noiseLabels: [specSha256, ...pledges],
        progress: ctx.progress,
        signal: ctx.signal,
        threads: o.threads,
        onEpoch: (e) =>
          ctx.log.info(
            `epoch ${e.epoch}/${spec.training.epochs}: loss ${e.loss.toFixed(4)}, validation AUC ${e.validation.auc === null ? '-' : e.validation.auc.toFixed(3)}`,
          ),
      });
      const names = featureNames(model.preprocessing);
      const onnxFile = `${spec.name}.onnx`;
      const onnx = buildInferenceModel({
        shape: model.shape,
        params: model.params,
        preprocessing: model.preprocessing,
        metadata: { 'sinso.model': spec.name, 'sinso.specSha256': specSha256, 'sinso.version': codeVersion },
      });
      // what the job used of each dataset: in the card (counts) and the job record (ranges)
      const used = datasets.map((ds, d) => ({
        pledge: ds.pledge,
        tokenId: ds.tokenId,
        version: ds.version,
        commitmentRoot: ds.root,
        manifestCid: ds.manifestCid,
        examples: examples.dataset.filter((x) => x === d).length,
        tables: examples.rowsUsed[d]?.tables ?? [],
      }));
      const card: ModelCard = ModelCardSchema.parse({
        schema: '1',
        kind: 'sinso-model-card',
        name: spec.name,
        description: spec.description ?? '',
        specSha256,
        code: { name: 'sinso', version: codeVersion },
        task: { kind: 'binary-classification', label: spec.data.label },
        features: {
          numeric: spec.features.numeric,
          categorical: spec.features.categorical,
          encoded: names,
          publicStatistics: [
            ...spec.features.numeric.filter((c) => c in spec.features.standardize),
            ...spec.features.categorical.filter((c) => c in spec.features.categories),
          ],
        },
        datasets: used.map(({ tables, examples: _, ...d }) => ({
          ...d,
          rowsUsed: tables.map((t) => ({ table: t.table, rows: t.rows })),
        })),
        training: {
          architecture: spec.model,
          optimizer: spec.optimizer,
          epochs: spec.training.epochs,
          batchSize: spec.training.batchSize,
          seed: spec.training.seed,
          sampling: model.sampling,
          steps: model.steps,
        },
        split: {
          by: 'patient',
          validationFraction: spec.split.validation,
          trainPatients: model.split.trainPatients,
          validationPatients: model.split.validationPatients,
          trainExamples: model.split.train.length,
          validationExamples: model.split.validation.length,
        },
        metrics: model.metrics,
        privacy:
          model.privacy.kind === 'none'
            ? { kind: 'none' }
            : {
                kind: 'dp-sgd',
                epsilon: model.privacy.epsilon,
                delta: model.privacy.delta,
                noiseMultiplier: model.privacy.noiseMultiplier,
                clipNorm: model.privacy.clipNorm,
                samplingRate: model.privacy.samplingRate,
                steps: model.privacy.steps,
                accountant: 'rdp',
                orders: [...DEFAULT_ORDERS],
                order: model.privacy.order,
              },
        model: describeModelFile({ bytes: onnx, file: onnxFile }),
        ...(spec.model.kind === 'logistic'
          ? {
              coefficients: logisticCoefficients({
                shape: model.shape,
                params: model.params,
                preprocessing: model.preprocessing,
              }),
            }
          : {}),
      });
      const cardJson = `${canonicalJson(card, 2)}\n`;
      const rowsUsed = examples.rowsUsed.reduce((n, ds) => n + ds.tables.reduce((m, t) => m + t.rows, 0), 0);
      const job: TrainJob = TrainJobSchema.parse({
        schema: '1',
        kind: 'sinso-train-job',
        model: spec.name,
        specSha256,
        modelSha256: sha256Hex(onnx),
        cardSha256: sha256Hex(cardJson),
        chainId: datasets[0]?.chainId ?? 0,
        dataNft: datasets[0]?.dataNft ?? '',
        datasets: used,
        rowsUsed,
      });
      await mkdir(out, { recursive: true });
      await writeFileAtomic(join(out, onnxFile), onnx);
      await writeFileAtomic(join(out, `${spec.name}.card.json`), cardJson);
      await writeFileAtomic(join(out, `${spec.name}.card.md`), renderModelCard(card));
      await writeFileAtomic(join(out, JOB_FILE), `${canonicalJson(job, 2)}\n`);
      return {
        summary: {
          model: spec.name,
          examples: examples.raw.rows,
          rowsUsed,
          auc: model.metrics.auc,
          accuracy: model.metrics.accuracy,
          epsilon: model.privacy.kind === 'none' ? null : model.privacy.epsilon,
          delta: model.privacy.kind === 'none' ? null : model.privacy.delta,
          onnx: onnxFile,
        },
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
});
