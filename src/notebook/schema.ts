import { z } from 'zod';

/** A parameter or input name: what `${name}` and `--param name=VALUE` refer to. */
const Name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, starting with a letter');

/** The name of a cell's result (what tables and charts take their rows from). */
const ResultName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and underscores, starting with a letter');

/** A result a table or chart reads: a cell's `id`, or `ID.PART` for a model evaluation's parts. */
const ResultRef = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62})?$/, 'a cell id, or ID.PART of a model evaluation');

/** A column of a result, as SQL names it. */
const Column = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a column name');

/** A parameter's default: a number, a string or a boolean. */
const Scalar = z.union([z.number(), z.string().max(1000), z.boolean()]);

/**
 * An input: a file or folder the notebook reads, by a path template (`${workspace}`: the
 * workspace folder; `${sinso}`: the sinso package; `${name}`: another parameter). Its path is a
 * parameter of the same name (`--param NAME=PATH`). The report's header names it relative to
 * the workspace or the package, with its SHA-256, never by an absolute path.
 */
const Input = z.strictObject({
  /** `tables`: a folder `sinso tables` wrote (its tables are SQL tables); `file`, `folder`: read by a cell. */
  kind: z.enum(['tables', 'file', 'folder']),
  path: z.string().min(1).max(1000),
  /** What the report calls it (default: its name); for tables, the `dataset` column's value. */
  label: z.string().min(1).max(100).optional(),
  /** A missing optional input is listed as absent and the cells that can do without it do. */
  optional: z.boolean().default(false),
  description: z.string().max(1000).optional(),
});

/**
 * Small cells: in rows where the `count` column is below `below` (and above 0), the count and
 * the `also` columns are withheld (shown as `<below`, left out of charts).
 */
const Suppress = z.strictObject({
  count: Column,
  below: z.number().int().min(2).max(1000).default(5),
  also: z.array(Column).default([]),
});

const Markdown = z.strictObject({ markdown: z.string().min(1).max(100_000) });

/**
 * A SQL query in DuckDB over the tables inputs: each input's tables in a schema named after it
 * (`"owner-001".patients`), and in the main schema the union over every tables input of each
 * table they all have, with a first column `dataset` (the input's label). Parameters are
 * DuckDB variables (`getvariable('min-cell')`). The session reads nothing else: no file, no
 * network, no setting change.
 */
const Sql = z.strictObject({
  id: ResultName,
  sql: z.string().min(1).max(100_000),
  suppress: Suppress.optional(),
  description: z.string().max(1000).optional(),
});

/**
 * A model evaluation on the validation patients of its training job: the spec's feature query
 * over the tables inputs (in the job's dataset order), the same split by patient (the spec's
 * seed and fraction), the ONNX model run in ONNX Runtime. Results: `ID.summary` (metric,
 * value), `ID.roc` (threshold, fpr, tpr), `ID.calibration` (bins), `ID.confusion` (at the
 * threshold).
 */
const Evaluate = z.strictObject({
  id: ResultName,
  evaluate: z.strictObject({
    /** The input holding the ONNX model (a `file` input). */
    model: Name,
    /** The input holding the model spec it was trained from (`file`). */
    spec: Name,
    /** The input holding its model card (`file`, may be optional): its figures are shown beside ours. */
    card: Name.optional(),
    /** The tables inputs, in the training job's dataset order (the split depends on it). */
    tables: z.array(Name).min(1).max(100),
    /** A parameter name or a number in (0, 1): the probability above which the model says 1. */
    threshold: z.union([z.number().gt(0).lt(1), Name]).default(0.5),
    bins: z.number().int().min(2).max(100).default(10),
  }),
  description: z.string().max(1000).optional(),
});

/** A table of a result: its columns (default all), each with a title and a number format. */
const Table = z.strictObject({
  table: ResultRef,
  title: z.string().max(300).optional(),
  columns: z
    .array(
      z.union([
        Column,
        z.strictObject({
          field: Column,
          title: z.string().max(100).optional(),
          /** Digits after the decimal point for numbers (default: integers as they are, others 3). */
          decimals: z.number().int().min(0).max(10).optional(),
        }),
      ]),
    )
    .optional(),
  /** The most rows shown (a notebook shows aggregates, not row dumps). */
  maxRows: z.number().int().min(1).max(1000).default(100),
});

/**
 * A chart: a Vega-Lite spec (without `data`, or with `data: { name: RESULT }` in layers), its
 * data the rows of a result. Rendered to SVG in Node (vega); no URL may appear in it.
 */
const Chart = z.strictObject({
  chart: ResultRef,
  title: z.string().max(300).optional(),
  spec: z.record(z.string(), z.unknown()),
});

/** Each kind of cell by the key that tells it apart (to name the right schema's issues). */
export const CELL_KINDS = {
  markdown: Markdown,
  sql: Sql,
  evaluate: Evaluate,
  table: Table,
  chart: Chart,
} as const;

export const CellSchema = z.union([Markdown, Sql, Evaluate, Table, Chart]);
export type Cell = z.output<typeof CellSchema>;

/**
 * `notebooks/NAME/notebook.yaml`: a reproducible analysis that `sinso notebook run` renders to
 * one self-contained HTML page. Strict: an unknown field is refused.
 */
export const NotebookSchema = z
  .strictObject({
    schema: z.literal('1'),
    kind: z.literal('sinso-notebook'),
    title: z.string().min(1).max(300),
    description: z.string().max(2000).optional(),
    /** Parameters other than inputs, with their defaults (`--param NAME=VALUE`). */
    params: z.record(Name, Scalar).default({}),
    inputs: z.record(Name, Input).default({}),
    cells: z.array(CellSchema).min(1).max(500),
  })
  .superRefine((n, ctx) => {
    const names = new Set<string>(['workspace', 'sinso']);
    for (const k of [...Object.keys(n.params), ...Object.keys(n.inputs)]) {
      if (names.has(k)) ctx.addIssue({ code: 'custom', path: ['params'], message: `${k} is defined twice` });
      names.add(k);
    }
    const results = new Set<string>();
    n.cells.forEach((c, i) => {
      const issue = (message: string) =>
        ctx.addIssue({ code: 'custom', path: ['cells'], message: `cell ${i + 1}: ${message}` });
      if ('id' in c) {
        if (results.has(c.id)) issue(`the id ${c.id} is used twice`);
        results.add(c.id);
      }
      if ('evaluate' in c) {
        const e = c.evaluate;
        const need = (name: string, kinds: readonly string[]) => {
          const input = n.inputs[name];
          if (!input || !kinds.includes(input.kind)) issue(`${name} is not a ${kinds.join(' or ')} input`);
        };
        need(e.model, ['file']);
        need(e.spec, ['file']);
        if (e.card !== undefined) need(e.card, ['file']);
        for (const t of e.tables) need(t, ['tables']);
        if (typeof e.threshold === 'string' && !(e.threshold in n.params))
          issue(`the threshold ${e.threshold} is not a parameter`);
      }
      const ref = 'table' in c ? c.table : 'chart' in c ? c.chart : undefined;
      if (ref !== undefined && !results.has(ref.split('.')[0] as string))
        issue(`${ref} is not the result of an earlier cell`);
    });
  });
export type Notebook = z.output<typeof NotebookSchema>;

/** The file a notebook folder holds. */
export const NOTEBOOK_FILE = 'notebook.yaml';

/** The parts of a model evaluation's result. */
export const EVALUATION_PARTS = ['summary', 'roc', 'calibration', 'confusion'] as const;

/** One input of a rendered report, as its header lists it. */
export const ReportInputSchema = z.strictObject({
  name: z.string().describe('input'),
  kind: z.enum(['tables', 'file', 'folder']),
  /** Relative to the workspace (`owners/…`) or the package (`sinso:models/…`); never absolute. */
  path: z.string(),
  /** SHA-256 of the file, or of a folder's sorted listing of `sha256  relative/path` lines; null: absent. */
  sha256: z.string().nullable(),
});
export type ReportInput = z.output<typeof ReportInputSchema>;

export const NotebookRunOptionsSchema = z.strictObject({
  notebook: z.string().min(1).describe('The notebook folder (notebooks/NAME) or its notebook.yaml'),
  out: z.string().min(1).optional().describe('The HTML report to write (default: NAME.html here)'),
  param: z
    .array(z.string().min(1))
    .default([])
    .describe('NAME=VALUE: a parameter or an input’s path instead of its default (repeatable)'),
  after: z
    .array(z.string().min(1))
    .default([])
    .describe('Files or folders the report depends on (in a pipeline: it reruns when they change)'),
});
export type NotebookRunOptions = z.output<typeof NotebookRunOptionsSchema>;

export const NotebookRunResultSchema = z.strictObject({
  notebook: z.string().describe('notebook'),
  cells: z.number().int().describe('cells'),
  charts: z.number().int().describe('charts'),
  inputs: z.array(ReportInputSchema),
  notebookSha256: z.string().describe('notebook sha256'),
  htmlSha256: z.string().describe('report sha256'),
  bytes: z.number().int().describe('report bytes'),
});
export type NotebookRunResult = z.output<typeof NotebookRunResultSchema>;
