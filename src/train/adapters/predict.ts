import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeFileAtomic } from '../../core/fs.js';
import { type DuckDBSession, sqlIdent, sqlString, withSession } from '../../tables/index.js';
import { TrainError } from '../errors.js';
import { LOGIT_OUTPUT, PROBABILITY_OUTPUT } from '../graph/inference.js';
import { decodeModel, FLOAT, STRING } from '../graph/onnx.js';
import type { RawFeatures } from '../preprocess.js';

export type PredictInputFormat = 'csv' | 'parquet' | 'ndjson';
export type PredictOutputFormat = 'csv' | 'ndjson';

export type PredictParameters = {
  /** The ONNX model (`models/<name>.onnx`, as sinso train writes it). */
  model: string;
  /** The rows to predict: CSV with a header, Parquet, or NDJSON. */
  input: string;
  /** Where to write the predictions (atomically); undefined: only returned. */
  out?: string | undefined;
  /** The predictions' format; default from `out`'s extension (.ndjson, .jsonl, .json: NDJSON), else CSV. */
  format?: PredictOutputFormat | undefined;
  /** The input's format; default from its extension (.parquet, .ndjson/.jsonl/.json, else CSV). */
  inputFormat?: PredictInputFormat | undefined;
  /** Rows per ONNX Runtime run (default 65,536). */
  batchSize?: number | undefined;
  /** ONNX Runtime intra-op threads (default: its own). */
  threads?: number | undefined;
};

export type PredictReturnType = {
  rows: number;
  /** Per input row, in file order. */
  probability: Float32Array;
  logit: Float32Array;
  format: PredictOutputFormat;
  /** The file written, when `out` was given. */
  out?: string;
};

/** A model input: a raw feature column. */
export type ModelInput = { name: string; type: 'float32' | 'string' };

/**
 * The inputs of an inference model as sinso builds it (one float32 or string [N] tensor per raw
 * column, outputs `probability` and `logit`); TRAIN_MODEL_INVALID for anything else.
 *
 * @example
 * modelInputs(await readFile('models/t2d-risk.onnx')); // [{ name: 'age', type: 'float32' }, …]
 */
export function modelInputs(bytes: Uint8Array): ModelInput[] {
  let model: ReturnType<typeof decodeModel>;
  try {
    model = decodeModel(bytes);
  } catch (cause) {
    throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'it is not an ONNX model' }, { cause });
  }
  const graph = model.graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
  const outputs = new Set((graph?.output ?? []).map((o) => o.name));
  if (!graph || !outputs.has(PROBABILITY_OUTPUT) || !outputs.has(LOGIT_OUTPUT))
    throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'it has no probability and logit outputs' });
  return (graph.input ?? [])
    .filter((i) => !initializers.has(i.name))
    .map((i) => {
      const t = i.type?.tensorType;
      const dims = t?.shape?.dim ?? [];
      const type = t?.elemType === FLOAT ? 'float32' : t?.elemType === STRING ? 'string' : undefined;
      if (!type || dims.length !== 1)
        throw new TrainError('TRAIN_MODEL_INVALID', {
          problem: `its input ${i.name} is not a float32 or string column`,
        });
      return { name: String(i.name ?? ''), type };
    });
}

function inputFormatOf(path: string): PredictInputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  return 'csv';
}

function outputFormatOf(path: string | undefined): PredictOutputFormat {
  const ext = path === undefined ? '' : extname(path).toLowerCase();
  return ext === '.ndjson' || ext === '.jsonl' || ext === '.json' ? 'ndjson' : 'csv';
}

/** The DuckDB relation reading the input file (CSV read as text, so categories keep their spelling). */
function relationOf(path: string, format: PredictInputFormat): string {
  if (format === 'parquet') return `read_parquet(${sqlString(path)})`;
  if (format === 'ndjson') return `read_json(${sqlString(path)}, format = 'newline_delimited')`;
  return `read_csv(${sqlString(path)}, header = true, all_varchar = true)`;
}

/** The shortest decimal that reads back as the same float32. */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  // A normal float32 is within 2^-24 (relative) of any decimal that reads back as it, far less
  // than half the spacing of 6-digit decimals: if a shorter one reads back, rounding to 6 digits
  // gives that one too (trailing zeros dropped). So start at 6 digits (subnormals: at 1).
  for (let digits = Math.abs(v) < 1.2e-38 ? 1 : 6; digits < 9; digits++) {
    const s = Number(v.toPrecision(digits)).toString();
    if (Math.fround(Number(s)) === v) return s;
  }
  return Number(v.toPrecision(9)).toString();
}

/**
 * Renders predictions: CSV `row,probability` or NDJSON `{"row":…,"probability":…}`, one line per
 * input row; `row` is the row's 0-based position among the input's data rows (the header not
 * counted).
 *
 * @example
 * renderPredictions(Float32Array.from([0.25]), 'csv'); // 'row,probability\n0,0.25\n'
 */
export function renderPredictions(probability: Float32Array, format: PredictOutputFormat): string {
  const lines: string[] = format === 'csv' ? ['row,probability'] : [];
  for (let i = 0; i < probability.length; i++) {
    const v = probability[i] as number;
    lines.push(
      format === 'csv'
        ? `${i},${formatFloat32(v)}`
        : `{"row":${i},"probability":${Number.isFinite(v) ? formatFloat32(v) : 'null'}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Finds each model input among the file's columns: by exact name, else by a unique case-insensitive match. */
function matchColumns(inputs: readonly ModelInput[], columns: readonly string[]): string[] {
  return inputs.map((i) => {
    if (columns.includes(i.name)) return i.name;
    const folded = columns.filter((c) => c.toLowerCase() === i.name.toLowerCase());
    if (folded.length === 1) return folded[0] as string;
    throw new TrainError('TRAIN_INPUT_INVALID', {
      problem: `it has no column ${i.name} (the model takes ${inputs.map((x) => x.name).join(', ')})`,
    });
  });
}

async function describeInput(session: DuckDBSession, relation: string, format: PredictInputFormat) {
  try {
    const rows = await session.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
    return rows.getRowObjectsJson().map((r) => String(r['column_name']));
  } catch (cause) {
    throw new TrainError(
      'TRAIN_INPUT_INVALID',
      {
        problem: `it cannot be read as ${format === 'csv' ? 'CSV' : format === 'parquet' ? 'Parquet' : 'NDJSON'}`,
      },
      { cause },
    );
  }
}

/**
 * Predicts with a sinso model over a file of rows: reads it with DuckDB (CSV with a header,
 * Parquet or NDJSON), checks that it has every model input as a column (TRAIN_INPUT_INVALID
 * naming the missing column, or a numeric column's count of values that are not finite float32
 * numbers; never a value), runs the model in ONNX Runtime in batches, and writes `row,probability` (CSV or
 * NDJSON) atomically to `out`. Numeric inputs: empty, null or NaN is missing (the model imputes
 * the training mean); categorical inputs: null → '' (missing).
 *
 * @example
 * const { rows } = await predict({ model: 'models/t2d-risk.onnx', input: 'patients.csv', out: 'predictions.csv' });
 */
export async function predict(p: PredictParameters): Promise<PredictReturnType> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(p.model);
  } catch (cause) {
    throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'the model file cannot be read' }, { cause });
  }
  const inputs = modelInputs(bytes);
  const inputFormat = p.inputFormat ?? inputFormatOf(p.input);
  const format = p.format ?? outputFormatOf(p.out);
  const batchSize = p.batchSize ?? 65_536;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new TrainError('TRAIN_INPUT_INVALID', { problem: 'the batch size is not a positive integer' });

  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      logSeverityLevel: 3,
      ...(p.threads === undefined ? {} : { intraOpNumThreads: p.threads }),
    });
  } catch (cause) {
    throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'ONNX Runtime cannot load it' }, { cause });
  }
  const probabilities: Float32Array[] = [];
  const logits: Float32Array[] = [];
  try {
    await withSession({}, async (db) => {
      const relation = relationOf(p.input, inputFormat);
      const columns = matchColumns(inputs, await describeInput(db, relation, inputFormat));
      const exprs = inputs.map((input, k) => {
        const c = sqlIdent(columns[k] as string);
        return input.type === 'string'
          ? `COALESCE(CAST(${c} AS VARCHAR), '')`
          : `CASE WHEN trim(CAST(${c} AS VARCHAR)) = '' THEN NULL ELSE TRY_CAST(trim(CAST(${c} AS VARCHAR)) AS DOUBLE) END`;
      });
      // a numeric column with values that are not numbers, infinite or beyond float32: named with
      // their count, never a value
      const checks = inputs.flatMap((input, k) =>
        input.type === 'float32'
          ? [
              `count(*) FILTER (WHERE (${sqlIdent(columns[k] as string)} IS NOT NULL AND (${exprs[k]}) IS NULL AND trim(CAST(${sqlIdent(columns[k] as string)} AS VARCHAR)) <> '') OR (NOT isnan(${exprs[k]}) AND abs(${exprs[k]}) > 3.4028234663852886e38)) AS ${sqlIdent(`bad${k}`)}`,
            ]
          : [],
      );
      try {
        if (checks.length > 0) {
          const bad =
            (
              await db.connection.runAndReadAll(`SELECT ${checks.join(', ')} FROM ${relation}`)
            ).getRowObjectsJson()[0] ?? {};
          for (const [k, input] of inputs.entries()) {
            const n = Number(bad[`bad${k}`] ?? 0);
            if (n > 0)
              throw new TrainError('TRAIN_INPUT_INVALID', {
                problem: `column ${input.name} has ${n} value${n === 1 ? '' : 's'} that ${n === 1 ? 'is' : 'are'} not a finite float32 number`,
              });
          }
        }
        const result = await db.connection.stream(
          `SELECT ${exprs.map((e, k) => `${e} AS c${k}`).join(', ')} FROM ${relation}`,
        );
        let pending: { numeric: number[][]; strings: string[][]; rows: number } = fresh(inputs.length);
        const flush = async () => {
          if (pending.rows === 0) return;
          const feeds: Record<string, ort.Tensor> = {};
          for (const [k, input] of inputs.entries()) {
            feeds[input.name] =
              input.type === 'string'
                ? new ort.Tensor('string', pending.strings[k] as string[], [pending.rows])
                : new ort.Tensor('float32', Float32Array.from(pending.numeric[k] as number[]), [
                    pending.rows,
                  ]);
          }
          const out = await session.run(feeds);
          probabilities.push(Float32Array.from(out[PROBABILITY_OUTPUT]?.data as Float32Array));
          logits.push(Float32Array.from(out[LOGIT_OUTPUT]?.data as Float32Array));
          pending = fresh(inputs.length);
        };
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          const values = inputs.map((_, k) => chunk.getColumnValues(k));
          for (let r = 0; r < chunk.rowCount; r++) {
            for (const [k, input] of inputs.entries()) {
              const v = values[k]?.[r] ?? null;
              if (input.type === 'string') (pending.strings[k] as string[]).push(String(v ?? ''));
              else (pending.numeric[k] as number[]).push(v === null ? Number.NaN : Number(v));
            }
            pending.rows++;
            if (pending.rows === batchSize) await flush();
          }
        }
        await flush();
      } catch (err) {
        if (err instanceof TrainError) throw err;
        throw new TrainError(
          'TRAIN_INPUT_INVALID',
          { problem: `its rows cannot be read or predicted (${inputFormat})` },
          { cause: err },
        );
      }
    });
  } finally {
    await session.release();
  }
  const probability = concat(probabilities);
  const logit = concat(logits);
  const ret: PredictReturnType = { rows: probability.length, probability, logit, format };
  if (p.out !== undefined) {
    await writeFileAtomic(p.out, renderPredictions(probability, format));
    ret.out = p.out;
  }
  return ret;
}

export type PredictFeaturesParameters = {
  /** The ONNX model's bytes (as sinso train writes it). */
  model: Uint8Array;
  /** Raw feature columns, as loadExamples gives them (NaN: missing number; null: missing category). */
  raw: RawFeatures;
  /** The rows to predict, by index into `raw` (default: all, in order). */
  rows?: Uint32Array | undefined;
  /** ONNX Runtime intra-op threads (default 1: reproducible). */
  threads?: number | undefined;
};

export type PredictFeaturesReturnType = {
  /** Per row of `rows`, in that order. */
  probability: Float32Array;
  /** The model's metadata_props (e.g. `sinso.specSha256`). */
  metadata: Record<string, string>;
};

/**
 * Predicts with a sinso model over feature columns already in memory (a job's examples, as
 * loadExamples gives them): one ONNX Runtime run over the chosen rows. TRAIN_MODEL_INVALID when
 * the model is not one sinso builds; TRAIN_INPUT_INVALID when a model input has no column.
 *
 * @example
 * const { probability } = await predictFeatures({ model: bytes, raw: examples.raw, rows: split.validation });
 */
export async function predictFeatures(p: PredictFeaturesParameters): Promise<PredictFeaturesReturnType> {
  const inputs = modelInputs(p.model);
  const metadata = Object.fromEntries(
    (decodeModel(p.model).metadataProps ?? []).map((m) => [String(m.key ?? ''), String(m.value ?? '')]),
  );
  const rows = p.rows ?? Uint32Array.from({ length: p.raw.rows }, (_, i) => i);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    if (input.type === 'string') {
      const col = p.raw.categorical[input.name];
      if (!col) throw new TrainError('TRAIN_INPUT_INVALID', { problem: `it has no column ${input.name}` });
      feeds[input.name] = new ort.Tensor(
        'string',
        Array.from(rows, (r) => col[r] ?? ''),
        [rows.length],
      );
    } else {
      const col = p.raw.numeric[input.name];
      if (!col) throw new TrainError('TRAIN_INPUT_INVALID', { problem: `it has no column ${input.name}` });
      feeds[input.name] = new ort.Tensor(
        'float32',
        Float32Array.from(rows, (r) => col[r] as number),
        [rows.length],
      );
    }
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(p.model, {
      logSeverityLevel: 3,
      intraOpNumThreads: p.threads ?? 1,
    });
  } catch (cause) {
    throw new TrainError('TRAIN_MODEL_INVALID', { problem: 'ONNX Runtime cannot load it' }, { cause });
  }
  try {
    if (rows.length === 0) return { probability: new Float32Array(0), metadata };
    const out = await session.run(feeds);
    return { probability: Float32Array.from(out[PROBABILITY_OUTPUT]?.data as Float32Array), metadata };
  } finally {
    await session.release();
  }
}

function fresh(n: number) {
  return {
    numeric: Array.from({ length: n }, () => [] as number[]),
    strings: Array.from({ length: n }, () => [] as string[]),
    rows: 0,
  };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of parts) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}
