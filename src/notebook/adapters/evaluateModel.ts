import { readFile } from 'node:fs/promises';
import { sha256Hex } from '../../core/hash.js';
import {
  loadExamples,
  type ModelCard,
  type PledgedDataset,
  parseModelCard,
  parseModelSpec,
  predictFeatures,
  splitByPatient,
} from '../../train/index.js';
import { NotebookError } from '../errors.js';
import { type EvaluatePredictionsReturnType, evaluatePredictions } from '../evaluatePredictions.js';
import type { ResolvedInput } from '../resolveParams.js';

export type EvaluateModelParameters = {
  model: ResolvedInput;
  spec: ResolvedInput;
  /** Absent when the notebook names none, or its optional input is missing. */
  card?: ResolvedInput | undefined;
  /** The tables inputs, in the training job's dataset order. */
  tables: readonly ResolvedInput[];
  threshold: number;
  cell: number;
};

async function read(input: ResolvedInput): Promise<Buffer> {
  try {
    return await readFile(input.path);
  } catch (cause) {
    throw new NotebookError(
      'NOTEBOOK_INPUT_INVALID',
      { input: input.name, problem: 'it cannot be read' },
      { cause },
    );
  }
}

const mismatch = (input: string, problem: string) =>
  new NotebookError('NOTEBOOK_INPUT_INVALID', { input, problem });

/**
 * Evaluates a trained model on the validation patients of its training job, as the trainer
 * chose them: the spec's feature query over the tables (in the job's dataset order, so patient
 * keys match), the spec's split by patient (its seed and fraction), then the ONNX model in ONNX
 * Runtime. Checks that the model was trained from this spec (its `sinso.specSha256` metadata)
 * and, given the card, that the card describes this model and these validation patients.
 *
 * @example
 * const r = await evaluateModel({ model, spec, card, tables, threshold: 0.5, cell: 4 });
 */
export async function evaluateModel(p: EvaluateModelParameters): Promise<EvaluatePredictionsReturnType> {
  const bytes = await read(p.model);
  const specText = (await read(p.spec)).toString('utf8');
  const { spec, sha256: specSha256 } = (() => {
    try {
      return parseModelSpec(specText);
    } catch (cause) {
      throw new NotebookError(
        'NOTEBOOK_INPUT_INVALID',
        { input: p.spec.name, problem: 'it is not a valid model spec' },
        { cause },
      );
    }
  })();
  let card: ModelCard | undefined;
  if (p.card) {
    const text = (await read(p.card)).toString('utf8');
    try {
      card = parseModelCard(JSON.parse(text));
    } catch (cause) {
      throw new NotebookError(
        'NOTEBOOK_INPUT_INVALID',
        { input: p.card.name, problem: 'it is not a valid model card' },
        { cause },
      );
    }
    if (card.specSha256 !== specSha256)
      throw mismatch(p.card.name, 'it is the card of a model of another spec');
    if (card.model.sha256 !== sha256Hex(bytes))
      throw mismatch(p.card.name, 'it is the card of another model file');
  }
  // the job's datasets as the trainer saw them: only their tables folders are read here
  const datasets = p.tables.map(
    (t, i): PledgedDataset => ({
      pledge: String(i + 1),
      chainId: 0,
      dataNft: '',
      tokenId: String(i + 1),
      version: 0,
      root: '',
      manifestCid: '',
      tablesDir: t.path,
      commitment: undefined as never,
    }),
  );
  const examples = await loadExamples({ datasets, spec }).catch((cause: unknown) => {
    throw new NotebookError(
      'NOTEBOOK_CELL_FAILED',
      { cell: p.cell, problem: "the spec's feature query cannot run over the tables inputs" },
      { cause },
    );
  });
  const split = splitByPatient(examples.patient, spec.split.validation, spec.training.seed);
  if (split.validation.length === 0)
    throw new NotebookError('NOTEBOOK_CELL_FAILED', {
      cell: p.cell,
      problem: 'there are too few patients to split',
    });
  // in patient order, whatever order the query gave them in: float sums (log loss, ECE) then
  // come out the same every time
  const validation = Uint32Array.from(split.validation).sort((a, b) => {
    const pa = examples.patient[a] as string;
    const pb = examples.patient[b] as string;
    return pa < pb ? -1 : pa > pb ? 1 : a - b;
  });
  const { probability, metadata } = await predictFeatures({
    model: bytes,
    raw: examples.raw,
    rows: validation,
  });
  const trainedFrom = metadata['sinso.specSha256'];
  if (trainedFrom !== undefined && trainedFrom !== specSha256)
    throw mismatch(p.spec.name, 'the model was trained from another spec');
  if (card && card.split.validationExamples !== split.validation.length)
    throw mismatch(
      p.card?.name ?? 'card',
      `the card counts ${card.split.validationExamples} validation examples and these tables give ${split.validation.length}: they are not the tables the model was trained on, or not in the job's order`,
    );
  return evaluatePredictions({
    p: Float64Array.from(probability),
    y: Float64Array.from(validation, (i) => examples.label[i] as number),
    threshold: p.threshold,
    patients: split.validationPatients,
    card,
  });
}
