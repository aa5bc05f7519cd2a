import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { deidentifyFhirFiles } from '../../src/deid/fhir/deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from '../../src/deid/fhir/schema.js';
import { DIABETES_MODEL } from '../../src/synth/index.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { buildTables } from '../../src/tables/buildTables.js';
import { TablesOptionsSchema } from '../../src/tables/schema.js';
import { type Examples, loadExamples } from '../../src/train/adapters/loadExamples.js';
import type { PledgedDataset } from '../../src/train/adapters/pledgedData.js';
import { trainModel } from '../../src/train/adapters/trainModel.js';
import { logisticCoefficients } from '../../src/train/card.js';
import { dpSgdEpsilon } from '../../src/train/dp/rdp.js';
import { TrainError } from '../../src/train/errors.js';
import { buildInferenceModel } from '../../src/train/graph/inference.js';
import { type ModelSpec, parseModelSpec } from '../../src/train/spec.js';
import { tempDir } from '../utils/tmp.js';

// The planted type 2 diabetes signal (src/synth/signal.ts), learnt from a synthetic cohort that
// went through de-identification and the tables stage, as a compute node sees it.

const ctx = {
  workspace: undefined,
  secrets: { pseudonym: new Uint8Array(Buffer.from('7b'.repeat(32), 'hex')) },
  clock: fixedClock('2025-06-01T00:00:00Z'),
  log: silentLogger,
  progress: silentProgress,
};

let examples: Examples;
let spec: ModelSpec;
let datasets: PledgedDataset[];

/** The demo model, with or without DP, logistic or an MLP. */
async function specOf(edit: (text: string) => string = (t) => t): Promise<ModelSpec> {
  return parseModelSpec(edit(await readFile('models/t2d-risk.yaml', 'utf8'))).spec;
}
const noDp = (t: string) => t.slice(0, t.indexOf('privacy:'));
const noiseSeed = new Uint8Array(32).fill(9);

beforeAll(async () => {
  const dir = await tempDir('sinso-train-signal-');
  const secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, '7b'.repeat(32));
  const cohort = join(dir, 'cohort');
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({ out: cohort, owners: 2, patients: 1200, imagingFraction: 0, seed: 13 }),
  );
  const tablesDirs: string[] = [];
  for (const owner of ['owner-001', 'owner-002']) {
    const fhir = join(dir, owner, 'fhir');
    await deidentifyFhirFiles(
      ctx,
      DeidFhirOptionsSchema.parse({
        inputs: [join(cohort, owner, 'fhir')],
        out: fhir,
        secretFile,
        dateShift: true,
        asOfYear: 2025,
        patientIdSystem: `http://${owner}.example.org/mrn`,
        workers: 0,
        leakScan: false,
      }),
    );
    const tables = join(dir, owner, 'tables');
    await buildTables(ctx, TablesOptionsSchema.parse({ inputs: [fhir], out: tables }));
    tablesDirs.push(tables);
  }
  // two owners' datasets, as openPledgedData hands them to the job once it has checked them
  datasets = tablesDirs.map(
    (tablesDir, i): PledgedDataset => ({
      pledge: String(i + 1),
      chainId: 31337,
      dataNft: '0x',
      tokenId: String(i + 1),
      version: 0,
      root: `0x${'0'.repeat(64)}`,
      manifestCid: 'b',
      tablesDir,
      commitment: undefined as never,
    }),
  );
  spec = await specOf(noDp);
  examples = await loadExamples({ datasets, spec });
}, 300_000);

describe('training on the synthetic cohort', () => {
  it('pools both owners’ patients and records the committed rows it used', () => {
    expect(examples.raw.rows).toBeGreaterThan(1000);
    expect(new Set(examples.dataset)).toEqual(new Set([0, 1]));
    expect(new Set(examples.patient).size).toBe(examples.raw.rows);
    const [first] = examples.rowsUsed;
    expect(first?.tables.map((t) => t.table)).toEqual(['patients', 'observations', 'conditions']);
    const patients = first?.tables[0];
    // every patient of owner 1 is an example: all its patients rows, as one range
    expect(patients?.rows).toBe(examples.dataset.filter((d) => d === 0).length);
    expect(patients?.ranges).toEqual([[0, patients?.rows]]);
  });

  it('runs the consumer’s query with the file system closed: it reads the job’s tables and nothing else', async () => {
    const outside = join(await tempDir('sinso-train-outside-'), 'secret.csv');
    // a file with every column the spec asks for: only the closed file system stops it
    await writeFile(outside, 'patient_id,age,gender,bmi,hba1c,t2d\nx,50,female,30,6.1,true\n');
    for (const query of [
      `SELECT * FROM read_csv('${outside}')`,
      `SELECT * FROM read_parquet('${datasets[0]?.tablesDir}/patients.parquet')`,
      `COPY (SELECT * FROM patients) TO '${outside}.out'`,
      'SET enable_external_access = true',
    ]) {
      const s = { ...spec, data: { ...spec.data, query } };
      const err = await loadExamples({ datasets, spec: s }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrainError);
      expect((err as TrainError).code).toBe('TRAIN_DATA_INVALID');
      expect((err as TrainError).message).toContain('the feature query failed');
      // the error names what failed, never the query or a path
      expect((err as TrainError).message).not.toContain(outside);
    }
  });

  it('learns the planted signal: validation AUC ≥ 0.8, coefficients of the planted signs', async () => {
    const m = await trainModel({ spec, examples, noiseSeed, progress: silentProgress });
    expect(m.metrics.auc).toBeGreaterThanOrEqual(0.8);
    expect(m.privacy).toEqual({ kind: 'none' });
    const c = logisticCoefficients({ shape: m.shape, params: m.params, preprocessing: m.preprocessing });
    const weight = (f: string) => c?.weights.find((w) => w.feature === f)?.weight ?? Number.NaN;
    for (const [f, planted] of Object.entries(DIABETES_MODEL.coefficients)) {
      expect(Math.sign(weight(f))).toBe(Math.sign(planted));
    }
    // hba1c carries the strongest planted effect per standard deviation
    expect(weight('hba1c')).toBeGreaterThan(weight('age'));
  }, 120_000);

  it('gives the same weights, byte for byte, for the same seed; another seed gives others', async () => {
    const a = await trainModel({ spec, examples, noiseSeed, progress: silentProgress });
    const b = await trainModel({ spec, examples, noiseSeed, progress: silentProgress });
    const bytes = (m: typeof a) => Buffer.concat(m.params.map((p) => Buffer.from(p.data.buffer)));
    expect(bytes(b).equals(bytes(a))).toBe(true);
    const other = await specOf((t) => noDp(t).replace('seed: "2026"', 'seed: "7"'));
    const c = await trainModel({ spec: other, examples, noiseSeed, progress: silentProgress });
    expect(bytes(c).equals(bytes(a))).toBe(false);
  }, 120_000);

  it('with DP-SGD: reports the accountant’s ε, still learns, and the noise depends on the secret seed', async () => {
    const dp = await specOf();
    const a = await trainModel({ spec: dp, examples, noiseSeed, progress: silentProgress });
    expect(a.sampling).toBe('poisson');
    if (a.privacy.kind !== 'dp-sgd') throw new Error('expected DP-SGD');
    expect(a.privacy.epsilon).toBeLessThanOrEqual(3);
    expect(a.privacy.epsilon).toBeGreaterThan(2.9);
    expect(
      dpSgdEpsilon({
        q: a.privacy.samplingRate,
        noiseMultiplier: a.privacy.noiseMultiplier,
        steps: a.steps,
        delta: 1e-5,
      }).epsilon,
    ).toBeCloseTo(a.privacy.epsilon, 10);
    expect(a.metrics.auc).toBeGreaterThanOrEqual(0.75);
    const b = await trainModel({
      spec: dp,
      examples,
      noiseSeed: new Uint8Array(32).fill(8),
      progress: silentProgress,
    });
    const first = (m: typeof a) => Buffer.from((m.params[0]?.data ?? new Float32Array(0)).buffer);
    expect(first(b).equals(first(a))).toBe(false);
  }, 120_000);

  it('an MLP learns it too, and its exported ONNX model gives the trainer’s predictions to 1e-6 in ONNX Runtime', async () => {
    const mlp = await specOf((t) =>
      noDp(t)
        .replace('kind: logistic', 'kind: mlp\n  hidden: [16, 8]')
        .replace('learningRate: 0.3', 'learningRate: 0.01'),
    );
    const m = await trainModel({ spec: mlp, examples, noiseSeed, progress: silentProgress });
    expect(m.metrics.auc).toBeGreaterThanOrEqual(0.8);
    const bytes = buildInferenceModel({
      shape: m.shape,
      params: m.params,
      preprocessing: m.preprocessing,
      metadata: {},
    });
    const session = await ort.InferenceSession.create(bytes);
    const idx = [...m.split.validation];
    const feeds: Record<string, ort.Tensor> = {};
    for (const c of mlp.features.numeric) {
      const col = examples.raw.numeric[c] as Float64Array;
      feeds[c] = new ort.Tensor(
        'float32',
        Float32Array.from(idx, (i) => col[i] as number),
        [idx.length],
      );
    }
    for (const c of mlp.features.categorical) {
      const col = examples.raw.categorical[c] as (string | null)[];
      feeds[c] = new ort.Tensor(
        'string',
        idx.map((i) => col[i] ?? ''),
        [idx.length],
      );
    }
    const out = await session.run(feeds);
    const p = out['probability']?.data as Float32Array;
    let worst = 0;
    p.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - (m.validationProbabilities[i] as number)));
    });
    expect(worst).toBeLessThan(1e-6);
    await session.release();
  }, 120_000);
});
