import { basename, dirname, extname, join } from 'node:path';
import { defineStage } from '../core/stage.js';
import { runNotebook } from './adapters/runNotebook.js';
import { NOTEBOOK_FILE, NotebookRunOptionsSchema, NotebookRunResultSchema } from './schema.js';

/** The notebook's name from its folder or its notebook.yaml. */
function nameOf(path: string): string {
  return basename(path) === NOTEBOOK_FILE ? basename(dirname(path)) : basename(path, extname(path));
}

/**
 * `notebook.run`: renders a notebook (notebooks/NAME/notebook.yaml) to one self-contained HTML
 * report: SQL over the workspace's published tables, model evaluations, tables and Vega-Lite
 * charts as inline SVG, a header stating every input's SHA-256. Aggregates only; the same
 * inputs give the same bytes.
 */
export const notebookRunStage = defineStage({
  name: 'notebook.run',
  version: '1',
  summary: 'Render a notebook (notebooks/NAME) to a self-contained HTML report with charts',
  options: NotebookRunOptionsSchema,
  result: NotebookRunResultSchema,
  inputs: ['notebook', 'after'],
  outputs: ['out'],
  output: { deterministic: true },
  cli: {
    positional: { key: 'notebook', name: 'NOTEBOOK', many: false },
    description:
      "Reads notebooks/NAME/notebook.yaml: its inputs (published tables folders, a model, its spec and card; default paths in the workspace, each replaceable with --param NAME=PATH), its parameters (--param NAME=VALUE) and its cells: Markdown, SQL in DuckDB over the tables inputs (locked down: no file or network access; small cells withheld where a cell says so), model evaluations on the training job's validation patients (ROC, calibration, confusion) and tables and Vega-Lite charts of their results. Writes one HTML page (inline CSS and SVG; no script, no URL, no timestamp, no absolute path) whose header lists each input with its workspace-relative path and SHA-256 and the notebook's own hash; the same inputs give the same bytes.",
    examples: [
      'sinso notebook run notebooks/cohort-stats --workspace .sinso-demo --out cohort-stats.html',
      'sinso notebook run notebooks/model-eval --param threshold=0.3 --out model-eval.html',
      'sinso notebook run notebooks/cohort-stats --param owner-001=tables-k5/ --param min-cell=10',
    ],
    defaults: (o) => ({ out: join('.', `${nameOf(o.notebook)}.html`) }),
    render: (r, o) =>
      [
        `${r.summary.notebook}: ${r.summary.cells} cells, ${r.summary.charts} charts → ${o.out} (${r.summary.bytes} bytes, sha256 ${r.summary.htmlSha256})`,
        ...r.summary.inputs.map(
          (i) => `  ${i.name}: ${i.path} ${i.sha256 === null ? '(absent)' : `sha256 ${i.sha256}`}`,
        ),
      ].join('\n'),
  },
  async run(ctx, o) {
    const r = await runNotebook({
      notebook: o.notebook,
      params: o.param,
      workspace: ctx.workspace?.paths.root,
      out: o.out,
      onWarning: (m) => ctx.log.warn(`notebook: ${m}`),
    });
    return {
      summary: {
        notebook: r.name,
        cells: r.cells,
        charts: r.charts,
        inputs: r.inputs,
        notebookSha256: r.notebookSha256,
        htmlSha256: r.htmlSha256,
        bytes: Buffer.byteLength(r.html),
      },
    };
  },
});
