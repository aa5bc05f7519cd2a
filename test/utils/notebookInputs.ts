import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { deidentifyFhirFiles } from '../../src/deid/fhir/deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from '../../src/deid/fhir/schema.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { buildTables } from '../../src/tables/buildTables.js';
import { TablesOptionsSchema } from '../../src/tables/schema.js';
import { loadExamples } from '../../src/train/adapters/loadExamples.js';
import type { PledgedDataset } from '../../src/train/adapters/pledgedData.js';
import { type TrainedModel, trainModel } from '../../src/train/adapters/trainModel.js';
import { buildInferenceModel } from '../../src/train/graph/inference.js';
import { parseModelSpec } from '../../src/train/spec.js';
import { repoRoot } from './cli.js';

export const OWNERS = ['owner-001', 'owner-002', 'owner-003'] as const;

export type NotebookInputs = {
  /** The workspace folder the notebooks' default paths point into. */
  workspace: string;
  tables: string[];
  /** The spec the model was trained from (models/t2d-risk.yaml without DP, fewer epochs). */
  spec: string;
  specSha256: string;
  model: string;
  trained: TrainedModel;
};

/**
 * A small stand-in for the demo's workspace, in `dir`: three owners' tables (synthetic cohort →
 * FHIR de-identification → tables, at owners/owner-00N/tables-k5 like the demo's published
 * tables) and the t2d-risk model trained on them as the train stage does (same examples, split
 * and inference graph; no DP, 3 epochs), at models/t2d-risk/t2d-risk.onnx, without a model card.
 * A few seconds instead of the demo's minute.
 */
export async function buildNotebookInputs(dir: string, patients = 240): Promise<NotebookInputs> {
  const ctx = {
    workspace: undefined,
    secrets: { pseudonym: new Uint8Array(Buffer.from('5c'.repeat(32), 'hex')) },
    clock: fixedClock('2025-06-01T00:00:00Z'),
    log: silentLogger,
    progress: silentProgress,
  };
  const secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, '5c'.repeat(32));
  const cohort = join(dir, 'cohort');
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({ out: cohort, owners: 3, patients, imagingFraction: 0, seed: 7 }),
  );
  const workspace = join(dir, 'ws');
  const tables: string[] = [];
  for (const owner of OWNERS) {
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
    const out = join(workspace, 'owners', owner, 'tables-k5');
    await buildTables(ctx, TablesOptionsSchema.parse({ inputs: [fhir], out }));
    tables.push(out);
  }
  const full = await readFile(join(repoRoot, 'models/t2d-risk.yaml'), 'utf8');
  const specText = full.slice(0, full.indexOf('privacy:')).replace('epochs: 10', 'epochs: 3');
  const spec = join(workspace, 'models', 't2d-risk.yaml');
  await mkdir(join(workspace, 'models', 't2d-risk'), { recursive: true });
  await writeFile(spec, specText);
  const parsed = parseModelSpec(specText);
  const datasets = tables.map(
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
  const examples = await loadExamples({ datasets, spec: parsed.spec });
  const trained = await trainModel({
    spec: parsed.spec,
    examples,
    noiseSeed: new Uint8Array(32).fill(3),
    progress: silentProgress,
  });
  const model = join(workspace, 'models', 't2d-risk', 't2d-risk.onnx');
  await writeFile(
    model,
    buildInferenceModel({
      shape: trained.shape,
      params: trained.params,
      preprocessing: trained.preprocessing,
      metadata: { 'sinso.model': 't2d-risk', 'sinso.specSha256': parsed.sha256 },
    }),
  );
  return { workspace, tables, spec, specSha256: parsed.sha256, model, trained };
}
