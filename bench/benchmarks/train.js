// @ts-check
/**
 * `npm run bench -- train`: training steps per second (as samples/s) for logistic regression and
 * an MLP (hidden 64-32, ReLU) at batch --batch with --features features, for the ONNX Runtime
 * trainer (TrainStep over buildTrainStepModel's graph) and, in the same run, the plain
 * TypeScript Float32Array implementation of the same step (referenceStep); each with and
 * without DP-SGD (per-example clipping to --clip, Gaussian noise drawn every step from the CSPRNG as
 * the trainer draws it (gaussianNoise, inside the timing), denominator = batch).
 *
 * Workloads (each in a fresh child process): `ort:<model>[:dp]` and `ts:<model>[:dp]` (the
 * baseline). Setup builds the session (not timed), draws --batches distinct seeded batches (and
 * noise) cycled through, and runs a few unmeasured warm-up steps; the run times --steps steps
 * (--ts-steps for the plain TS MLP, which is far slower, after 5 warm-up steps). Optimizer: --optimizer sgd (momentum
 * 0.9) or adam. Load: the machine may be shared: each workload records the 1-minute load
 * average before and after.
 *
 * Targets (issue #13): ORT ≥ 2.5 × plain TS for both models; ahead of PyTorch 2.13 on CPU (2
 * threads): 5.5M samples/s for logistic regression, 1.3M/s for the MLP; DP-SGD ≥ half the
 * non-private speed.
 */
import { loadavg } from 'node:os';
import { createCsprng } from '../../dist/core/csprng.js';
import { createRng } from '../../dist/core/rng.js';
import { TrainStep } from '../../dist/train/adapters/trainStep.js';
import { gaussianNoise } from '../../dist/train/dp/sampling.js';
import { initParams, paramLayout } from '../../dist/train/model.js';
import { createReferenceState, referenceStep } from '../../dist/train/referenceStep.js';

/** The targets (samples/s). */
const TARGETS = { overPlainTs: 2.5, logistic: 5_500_000, mlp: 1_300_000, dpOverPlain: 0.5 };
const MODELS = /** @type {const} */ (['logistic', 'mlp']);

/** @typedef {import('../types.js').Params} Params */
/** @typedef {{ step: (i: number) => Promise<unknown> | unknown; close: () => Promise<void> | void; threads: number; load: number }} State */

/** @param {Params} p @param {'logistic' | 'mlp'} model */
function shapeOf(p, model) {
  const features = Number(p.features);
  /** @type {import('../../dist/train/model.js').Architecture} */
  const architecture =
    model === 'logistic'
      ? { kind: 'logistic' }
      : { kind: 'mlp', hidden: String(p.hidden).split('-').map(Number) };
  return { features, architecture };
}

/** @param {Params} p @returns {import('../../dist/train/model.js').Optimizer} */
function optimizerOf(p) {
  return p.optimizer === 'adam'
    ? { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
    : { kind: 'sgd', learningRate: 0.05, momentum: 0.9 };
}

/**
 * Seeded batches: x ~ N(0, 1), y from a planted linear rule.
 * @param {Params} p @param {ReturnType<typeof shapeOf>} shape
 */
function batchesOf(p, shape) {
  const rows = Number(p.batch);
  const F = shape.features;
  const rng = createRng(String(p.seed), 'bench-train');
  const beta = Float64Array.from({ length: F }, () => rng.normal());
  return Array.from({ length: Number(p.batches) }, () => {
    const x = new Float32Array(rows * F);
    const y = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let k = 0; k < F; k++) {
        const v = rng.normal();
        x[i * F + k] = v;
        s += v * (beta[k] ?? 0);
      }
      y[i] = s + rng.normal() > 0 ? 1 : 0;
    }
    return { x, y, rows, denominator: rows };
  });
}

/**
 * @param {'ort' | 'ts'} engine @param {'logistic' | 'mlp'} model @param {boolean} dp
 * @returns {import('../types.js').Workload<State>}
 */
function workload(engine, model, dp) {
  const name = `${engine}:${model}${dp ? ':dp' : ''}`;
  return {
    name,
    description: `${engine === 'ort' ? 'ONNX Runtime TrainStep' : 'plain TypeScript referenceStep'}, ${model}${dp ? ', DP-SGD' : ''}`,
    baseline: engine === 'ts',
    async setup(p) {
      const load = loadavg()[0] ?? 0;
      const shape = shapeOf(p, model);
      const optimizer = optimizerOf(p);
      const params = initParams(shape, String(p.seed));
      const dpStep = dp ? { clipNorm: Number(p.clip) } : undefined;
      const batches = batchesOf(p, shape);
      // DP: each step draws its noise (one flat array over the parameters), as trainModel does
      const noiseRng = createCsprng(String(p.seed), 'bench-train-noise');
      const size = paramLayout(shape).reduce((n, s) => n + s.size, 0);
      const clip = Number(p.clip);
      const at = (/** @type {number} */ i) => {
        const b = /** @type {(typeof batches)[number]} */ (batches[i % batches.length]);
        return dp ? { ...b, noise: gaussianNoise(noiseRng, size, clip) } : b;
      };
      /** @type {State} */
      let state;
      const threads = Number(p.threads);
      if (engine === 'ort') {
        const trainer = await TrainStep.create({ shape, optimizer, dp: dpStep, params, threads });
        state = { step: (i) => trainer.run(at(i)), close: () => trainer.close(), threads, load };
      } else {
        const s = createReferenceState({ shape, optimizer, dp: dpStep, params });
        state = { step: (i) => referenceStep(s, at(i)), close: () => {}, threads: 1, load };
      }
      const warm = engine === 'ts' && model === 'mlp' ? 5 : Number(p['warmup-steps']);
      for (let i = 0; i < warm; i++) await state.step(i);
      return state;
    },
    async run(p, state) {
      const steps = engine === 'ts' && model === 'mlp' ? Number(p['ts-steps']) : Number(p.steps);
      for (let i = 0; i < steps; i++) await state.step(i);
      return {
        units: steps * Number(p.batch),
        unit: 'samples',
        extra: {
          steps,
          threads: state.threads,
          loadBefore: Math.round(state.load * 100) / 100,
          loadAfter: Math.round((loadavg()[0] ?? 0) * 100) / 100,
        },
      };
    },
    teardown(_p, state) {
      return state.close();
    },
  };
}

/** @type {import('../types.js').Workload<State>[]} */
const workloads = [];
for (const model of MODELS) {
  for (const dp of [false, true]) {
    workloads.push(workload('ort', model, dp), workload('ts', model, dp));
  }
}

/** @param {readonly import('../types.js').WorkloadSummary[]} results */
function summarize(results) {
  const rate = (/** @type {string} */ n) => results.find((r) => r.workload === n)?.rate.median;
  const mark = (/** @type {boolean} */ met) => (met ? 'met' : 'NOT MET');
  const lines = ['train summary (samples/s, medians):'];
  /** @type {Record<string, unknown>} */
  const json = { targets: TARGETS };
  for (const model of MODELS) {
    const ort = rate(`ort:${model}`);
    const ts = rate(`ts:${model}`);
    const ortDp = rate(`ort:${model}:dp`);
    const tsDp = rate(`ts:${model}:dp`);
    if (ort === undefined || ts === undefined) continue;
    const pytorch = TARGETS[model];
    const entry = {
      ort,
      ts,
      ortOverTs: round(ort / ts),
      ortDp,
      tsDp,
      ortDpOverTsDp: ortDp && tsDp ? round(ortDp / tsDp) : undefined,
      dpOverPlain: ortDp ? round(ortDp / ort) : undefined,
    };
    json[model] = entry;
    lines.push(
      `  ${model}: ORT ${fmt(ort)} (PyTorch CPU 2 threads ${fmt(pytorch)}: ${mark(ort >= pytorch)}), plain TS ${fmt(ts)}, ORT/TS ×${entry.ortOverTs} (≥ ${TARGETS.overPlainTs}: ${mark(entry.ortOverTs >= TARGETS.overPlainTs)})`,
    );
    if (ortDp !== undefined && tsDp !== undefined) {
      lines.push(
        `  ${model} DP-SGD: ORT ${fmt(ortDp)}, plain TS ${fmt(tsDp)}, ORT/TS ×${entry.ortDpOverTsDp}; DP/non-DP ×${entry.dpOverPlain} (≥ ${TARGETS.dpOverPlain}: ${mark((entry.dpOverPlain ?? 0) >= TARGETS.dpOverPlain)})`,
      );
    }
  }
  return { json, lines };
}

/** @param {number} x */
const fmt = (x) => `${(x / 1e6).toFixed(2)}M`;
/** @param {number} x */
const round = (x) => Math.round(x * 1000) / 1000;

export const train = {
  name: 'train',
  description:
    'training steps (samples/s): ONNX Runtime TrainStep vs plain TypeScript, logistic regression and MLP, with and without DP-SGD',
  runs: 5,
  warmup: 0,
  params: {
    batch: { default: 1024, description: 'rows per step' },
    features: { default: 64, description: 'input features' },
    hidden: { default: '64-32', description: 'the MLP’s hidden sizes, dash-separated' },
    optimizer: { default: 'sgd', description: 'sgd (momentum 0.9) or adam' },
    steps: { default: 2000, description: 'timed steps per run' },
    'ts-steps': { default: 30, description: 'timed steps per run of the plain TS MLP' },
    'warmup-steps': { default: 200, description: 'unmeasured steps after setup (JIT, ORT arena)' },
    batches: { default: 8, description: 'distinct batches cycled through' },
    clip: { default: 1, description: 'DP clip norm C (noise σ·C with σ = 1)' },
    threads: { default: 1, description: 'ONNX Runtime intra-op threads' },
    seed: { default: 'bench', description: 'seed of the data and the initial parameters' },
  },
  ratios: /** @type {[string, string][]} */ ([
    ['ort:logistic', 'ts:logistic'],
    ['ort:mlp', 'ts:mlp'],
    ['ort:logistic:dp', 'ts:logistic:dp'],
    ['ort:mlp:dp', 'ts:mlp:dp'],
    ['ort:logistic:dp', 'ort:logistic'],
    ['ort:mlp:dp', 'ort:mlp'],
  ]),
  workloads: /** @type {import('../types.js').Workload[]} */ (/** @type {unknown} */ (workloads)),
  summarize,
};
