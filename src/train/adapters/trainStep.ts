import * as ort from 'onnxruntime-node';
import { TrainError } from '../errors.js';
import { buildTrainStepModel, type DpStep, trainStepSignature } from '../graph/trainStep.js';
import {
  flattenParams,
  type ModelShape,
  type Optimizer,
  type Param,
  paramLayout,
  unflattenParams,
} from '../model.js';
import { adamScalars, checkBatch } from '../referenceStep.js';

export type { DpStep } from '../graph/trainStep.js';

/** Parameters of TrainStep.create. */
export type TrainStepCreateParameters = {
  shape: ModelShape;
  optimizer: Optimizer;
  dp?: DpStep | undefined;
  /** The starting parameters (initParams, or a checkpoint). */
  params: readonly Param[];
  /** ONNX Runtime's intra-op threads (default 1: the graphs are small, and one thread is steadiest). */
  threads?: number | undefined;
};

/** One batch: x rows × features (row-major), y 0/1; DP: the noise (drawn N(0, (σC)²)), one flat array over all parameters in paramLayout order or one array per parameter, and the denominator. */
export type TrainStepRunParameters = {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  noise?: Float32Array | readonly Float32Array[] | undefined;
  denominator?: number | undefined;
};

type Tensors = { state: ort.Tensor[] };

/**
 * A training-step graph (buildTrainStepModel) in an ONNX Runtime session, its state (parameters,
 * optimizer state) fed back from each step's outputs to the next step's inputs. The state lives
 * in two preallocated sets of tensors that ONNX Runtime writes into by turns, so a step allocates
 * nothing but the batch's small tensor wrappers. Sequential execution, a fixed thread count:
 * the same parameters and batches give the same bytes.
 *
 * @example
 * const step = await TrainStep.create({ shape, optimizer, params: initParams(shape, 'seed') });
 * try {
 *   const { loss } = await step.run({ x, y, rows });
 * } finally {
 *   await step.close();
 * }
 */
export class TrainStep {
  readonly #session: ort.InferenceSession;
  readonly #shape: ModelShape;
  readonly #optimizer: Optimizer;
  readonly #dp: DpStep | undefined;
  readonly #stateNames: string[];
  readonly #P: number;
  readonly #slots: ReturnType<typeof paramLayout>;
  /** The two state sets: the step reads #sets[#cur] and writes #sets[1 - #cur]. */
  readonly #sets: [Tensors, Tensors];
  #cur = 0;
  #step = 0;
  readonly #loss = new ort.Tensor('float32', new Float32Array(1), []);
  readonly #stepSize = new ort.Tensor('float32', new Float32Array(1), []);
  readonly #bc2Sqrt = new ort.Tensor('float32', new Float32Array(1), []);
  readonly #invDenominator = new ort.Tensor('float32', new Float32Array(1), []);
  readonly #noise: ort.Tensor;
  #gradNorm: ort.Tensor | undefined;
  readonly #feeds: Record<string, ort.Tensor> = {};
  readonly #fetches: Record<string, ort.Tensor> = {};
  #closed = false;
  /** Tensor wrappers of batch arrays seen before (a caller reusing its buffers wraps each once). */
  readonly #wrappers = new WeakMap<Float32Array, ort.Tensor>();

  private constructor(session: ort.InferenceSession, p: TrainStepCreateParameters, theta: Float32Array) {
    this.#session = session;
    this.#shape = p.shape;
    this.#optimizer = p.optimizer;
    this.#dp = p.dp;
    this.#P = theta.length;
    this.#slots = paramLayout(p.shape);
    this.#stateNames = trainStepSignature(p).state;
    const set = (init: boolean): Tensors => ({
      state: this.#stateNames.map(
        (_, i) => new ort.Tensor('float32', init && i === 0 ? theta : new Float32Array(this.#P), [this.#P]),
      ),
    });
    this.#sets = [set(true), set(false)];
    this.#noise = new ort.Tensor('float32', new Float32Array(this.#P), [this.#P]);
  }

  /** Builds the graph and opens its session (about a tenth of a second). */
  static async create(p: TrainStepCreateParameters): Promise<TrainStep> {
    const theta = flattenParams(p.shape, p.params);
    const bytes = buildTrainStepModel(p);
    const threads = p.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new TrainError('TRAIN_SPEC_INVALID', {
        problem: `threads must be a positive whole number (got ${threads})`,
      });
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionMode: 'sequential',
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        enableCpuMemArena: true,
        enableMemPattern: true,
      });
    } catch (cause) {
      throw new TrainError(
        'TRAIN_MODEL_INVALID',
        { problem: 'ONNX Runtime refused the training-step graph' },
        { cause },
      );
    }
    return new TrainStep(session, p, theta);
  }

  /**
   * One step on a batch; returns the batch's mean loss (before the update). Non-DP: the gradient
   * is the batch mean. DP: (Σ clip_C(g_i) + noise) / denominator.
   */
  async run(p: TrainStepRunParameters): Promise<{ loss: number }> {
    const r = await this.#run(p);
    return { loss: r.loss };
  }

  /** As run, and (DP) each example's gradient norm before clipping. */
  async runWithNorms(p: TrainStepRunParameters): Promise<{ loss: number; gradNorm?: Float32Array }> {
    const r = await this.#run(p);
    return r.gradNorm ? { loss: r.loss, gradNorm: r.gradNorm.slice() } : { loss: r.loss };
  }

  async #run(p: TrainStepRunParameters): Promise<{ loss: number; gradNorm?: Float32Array }> {
    if (this.#closed)
      throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'the training step was closed' });
    checkBatch(this.#shape, p, this.#dp !== undefined, this.#P);
    const feeds = this.#feeds;
    const fetches = this.#fetches;
    feeds['x'] = this.#wrap(p.x, p.rows, this.#shape.features);
    feeds['y'] = this.#wrap(p.y, p.rows, 0);
    (this.#invDenominator.data as Float32Array)[0] = 1 / (this.#dp ? (p.denominator as number) : p.rows);
    feeds['inv_denominator'] = this.#invDenominator;
    const src = this.#sets[this.#cur] as Tensors;
    const dst = this.#sets[1 - this.#cur] as Tensors;
    this.#stateNames.forEach((name, i) => {
      feeds[name] = src.state[i] as ort.Tensor;
      fetches[`${name}_out`] = dst.state[i] as ort.Tensor;
    });
    fetches['loss'] = this.#loss;
    if (this.#optimizer.kind === 'adam') {
      const s = adamScalars(this.#optimizer, this.#step + 1);
      (this.#stepSize.data as Float32Array)[0] = s.stepSize;
      (this.#bc2Sqrt.data as Float32Array)[0] = s.bc2Sqrt;
      feeds['adam_step_size'] = this.#stepSize;
      feeds['adam_bc2_sqrt'] = this.#bc2Sqrt;
    }
    if (this.#dp) {
      const flat = this.#noise.data as Float32Array;
      // the graph takes the noise already over the denominator: noise · (1/D) rounded to float32, as a float32 Mul would
      const scale = Math.fround(1 / (p.denominator as number));
      if (p.noise instanceof Float32Array) {
        const n = p.noise;
        for (let k = 0; k < n.length; k++) flat[k] = (n[k] as number) * scale;
      } else {
        for (const [i, n] of (p.noise ?? []).entries()) {
          const off = (this.#slots[i] as { offset: number }).offset;
          for (let k = 0; k < n.length; k++) flat[off + k] = (n[k] as number) * scale;
        }
      }
      feeds['noise_scaled'] = this.#noise;
      if (this.#gradNorm?.dims[0] !== p.rows) {
        this.#gradNorm = new ort.Tensor('float32', new Float32Array(p.rows), [p.rows]);
      }
      fetches['grad_norm'] = this.#gradNorm;
    }
    try {
      await this.#session.run(feeds, fetches);
    } catch (cause) {
      throw new TrainError(
        'TRAIN_MODEL_INVALID',
        { problem: 'ONNX Runtime failed to run the training step' },
        { cause },
      );
    }
    this.#cur = 1 - this.#cur;
    this.#step++;
    const loss = (this.#loss.data as Float32Array)[0] as number;
    return this.#dp ? { loss, gradNorm: this.#gradNorm?.data as Float32Array } : { loss };
  }

  /** An ORT tensor over `data` (no copy): [rows, width], or [rows] for width 0; reused per array. */
  #wrap(data: Float32Array, rows: number, width: number): ort.Tensor {
    const known = this.#wrappers.get(data);
    if (known && known.dims[0] === rows) return known;
    const t = new ort.Tensor('float32', data, width ? [rows, width] : [rows]);
    this.#wrappers.set(data, t);
    return t;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#step;
  }

  /** Copies of the current parameters. */
  params(): Param[] {
    return unflattenParams(this.#shape, this.#theta());
  }

  #theta(): Float32Array {
    return (this.#sets[this.#cur] as Tensors).state[0]?.data as Float32Array;
  }

  /** Releases the ONNX Runtime session; the step cannot run afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session.release();
  }
}
