import { z } from 'zod';
import { predict, renderPredictions } from '../../train/index.js';
import { defineCommand } from '../command.js';

export const predictCommand = defineCommand({
  path: ['predict'],
  summary: 'Run a trained model (NAME.onnx from `sinso train`) on a CSV, Parquet or NDJSON file',
  description:
    'Reads the input with DuckDB, checks that it has every feature column the model takes (named in its model card), runs the ONNX model in ONNX Runtime and writes one prediction per input row: row (0-based, in file order) and probability, as CSV or NDJSON (by --out’s extension or --format). Without --out, prints them. Missing values: an empty numeric cell is imputed as the model was trained; an unseen category counts as none.',
  options: z.strictObject({
    model: z.string().min(1).describe('The ONNX model (NAME.onnx)'),
    input: z.string().min(1).describe('The rows: CSV with a header, Parquet, or NDJSON'),
    out: z.string().min(1).optional().describe('Where to write the predictions (default: stdout)'),
    format: z
      .enum(['csv', 'ndjson'])
      .optional()
      .describe('Predictions as csv or ndjson (default: from --out)'),
  }),
  positional: { key: 'model', name: 'MODEL', many: false },
  examples: [
    'sinso predict models/t2d-risk/t2d-risk.onnx --input patients.csv --out predictions.csv',
    'sinso predict models/t2d-risk/t2d-risk.onnx --input rows.parquet --format ndjson',
  ],
  async run(ctx, o) {
    const r = await predict({ model: o.model, input: o.input, out: o.out, format: o.format });
    if (o.out !== undefined) {
      ctx.print(`${r.rows} predictions written to ${o.out}`, { rows: r.rows, out: o.out, format: r.format });
      return 0;
    }
    // --json: the predictions as numbers; else the same CSV or NDJSON text --out would hold
    ctx.print(renderPredictions(r.probability, r.format).trimEnd(), {
      rows: r.rows,
      probability: Array.from(r.probability),
    });
    return 0;
  },
});
