import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../core/fs.js';
import { digestPath, sha256Hex } from '../../core/hash.js';
import { version as codeVersion } from '../../core/version.js';
import { NotebookError } from '../errors.js';
import { parseNotebook } from '../parseNotebook.js';
import { renderMarkdown } from '../renderMarkdown.js';
import { renderChartBlock, renderReport, renderTable } from '../renderReport.js';
import { type ParamValue, type ResolvedInput, resolveParams } from '../resolveParams.js';
import type { CellResult } from '../result.js';
import { EVALUATION_PARTS, NOTEBOOK_FILE, type Notebook, type ReportInput } from '../schema.js';
import { suppressSmallCells } from '../suppressSmallCells.js';
import { evaluateModel } from './evaluateModel.js';
import { type NotebookSql, withNotebookSql } from './openNotebookSql.js';
import { renderChart } from './renderChart.js';

/** The sinso package's folder (`${sinso}`): src/notebook/adapters → the package root. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type RunNotebookParameters = {
  /** The notebook folder (notebooks/NAME) or its notebook.yaml. */
  notebook: string;
  /** `NAME=VALUE` overrides of parameters and input paths. */
  params?: readonly string[] | undefined;
  /** The workspace folder (`${workspace}`), if any. */
  workspace?: string | undefined;
  /** Where to write the HTML (atomically); undefined: only returned. */
  out?: string | undefined;
  /** Where relative `--param` paths start (default: the process's working folder). */
  cwd?: string | undefined;
  /** Warnings for the log (Vega-Lite's remarks on a chart spec); never data values. */
  onWarning?: ((message: string) => void) | undefined;
};

export type RunNotebookReturnType = {
  /** The notebook's name (its folder's). */
  name: string;
  html: string;
  htmlSha256: string;
  notebookSha256: string;
  inputs: ReportInput[];
  params: Record<string, ParamValue>;
  cells: number;
  charts: number;
};

/** Reads notebook.yaml from a folder or the file itself. */
async function readNotebookFile(path: string): Promise<{ file: string; text: string }> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, NOTEBOOK_FILE);
    return { file, text: await readFile(file, 'utf8') };
  } catch (cause) {
    throw new NotebookError(
      'NOTEBOOK_INVALID',
      { problem: `there is no ${NOTEBOOK_FILE} to read at the path given` },
      { cause },
    );
  }
}

/** Each input's hash (null: an optional input that is absent); the kind must match. */
async function hashInputs(inputs: readonly ResolvedInput[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const input of inputs) {
    let isDir: boolean;
    try {
      isDir = (await stat(input.path)).isDirectory();
    } catch (cause) {
      if (input.optional) {
        out.push(null);
        continue;
      }
      throw new NotebookError(
        'NOTEBOOK_INPUT_INVALID',
        { input: input.name, problem: 'it does not exist' },
        { cause },
      );
    }
    if (isDir !== (input.kind !== 'file'))
      throw new NotebookError('NOTEBOOK_INPUT_INVALID', {
        input: input.name,
        problem: input.kind === 'file' ? 'it is a folder, not a file' : 'it is a file, not a folder',
      });
    out.push((await digestPath(input.path)).sha256);
  }
  return out;
}

/** Whether any cell reads SQL (so the session is opened only when it is needed). */
const needsSql = (n: Notebook) => n.cells.some((c) => 'sql' in c);

/**
 * Runs a notebook: resolves its parameters and inputs (defaults, then `NAME=VALUE` overrides),
 * hashes every input, runs its cells in order (SQL in a locked-down DuckDB over the tables
 * inputs, model evaluations in ONNX Runtime, small cells withheld where a cell says so), renders
 * its tables and Vega-Lite charts (SVG, in Node) and returns one self-contained HTML page,
 * written atomically to `out` when given. Same inputs, same parameters: the same bytes.
 *
 * @example
 * const r = await runNotebook({ notebook: 'notebooks/cohort-stats', workspace: '.sinso', out: 'cohort-stats.html' });
 */
export async function runNotebook(p: RunNotebookParameters): Promise<RunNotebookReturnType> {
  const { file, text } = await readNotebookFile(p.notebook);
  const { notebook, sha256: notebookSha256 } = parseNotebook(text);
  const name = basename(dirname(file));
  const { params, inputs } = resolveParams({
    notebook,
    overrides: p.params ?? [],
    workspace: p.workspace,
    packageRoot: PACKAGE_ROOT,
    cwd: p.cwd ?? process.cwd(),
  });
  const hashes = await hashInputs(inputs);
  const present = inputs.filter((_, i) => hashes[i] !== null);
  const byName = new Map(present.map((i) => [i.name, i]));
  const results = new Map<string, CellResult>();
  const blocks: string[] = [];
  let charts = 0;

  const runCells = async (sql?: NotebookSql) => {
    for (const [i, cell] of notebook.cells.entries()) {
      const n = i + 1;
      if ('markdown' in cell) blocks.push(renderMarkdown(cell.markdown));
      else if ('sql' in cell) {
        let r = await (sql as NotebookSql).query(cell.sql, n);
        if (cell.suppress) r = suppressSmallCells(r, cell.suppress, n);
        results.set(cell.id, r);
      } else if ('evaluate' in cell) {
        const e = cell.evaluate;
        const input = (k: string) => {
          const x = byName.get(k);
          if (!x)
            throw new NotebookError('NOTEBOOK_INPUT_INVALID', { input: k, problem: 'it does not exist' });
          return x;
        };
        const threshold = typeof e.threshold === 'number' ? e.threshold : params[e.threshold];
        if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1))
          throw new NotebookError('NOTEBOOK_PARAM_INVALID', {
            param: String(e.threshold),
            problem: 'the threshold is not a number between 0 and 1',
          });
        const r = await evaluateModel({
          model: input(e.model),
          spec: input(e.spec),
          card: e.card === undefined ? undefined : byName.get(e.card),
          tables: e.tables.map(input),
          threshold,
          cell: n,
        });
        for (const part of EVALUATION_PARTS) results.set(`${cell.id}.${part}`, r[part]);
      } else if ('table' in cell) {
        const r = results.get(cell.table);
        if (!r) throw missingResult(n, cell.table);
        blocks.push(renderTable(r, { title: cell.title, columns: cell.columns, maxRows: cell.maxRows }));
      } else {
        charts++;
        const svg = await renderChart({
          spec: cell.spec,
          data: cell.chart,
          results,
          cell: n,
          idPrefix: `chart${charts}`,
          onWarning: p.onWarning && ((m) => p.onWarning?.(`cell ${n}: ${m}`)),
        });
        blocks.push(renderChartBlock(svg, cell.title));
      }
    }
  };
  if (needsSql(notebook)) await withNotebookSql({ inputs: present, params }, runCells);
  else await runCells();

  const reportInputs: ReportInput[] = inputs.map((x, i) => ({
    name: x.label === x.name ? x.name : `${x.name} (${x.label})`,
    kind: x.kind,
    path: x.display,
    sha256: hashes[i] ?? null,
  }));
  const html = renderReport({
    title: notebook.title,
    description: notebook.description,
    notebook: name,
    notebookSha256,
    version: codeVersion,
    params,
    inputs: reportInputs,
    blocks,
  });
  if (p.out !== undefined) await writeFileAtomic(p.out, html);
  return {
    name,
    html,
    htmlSha256: sha256Hex(html),
    notebookSha256,
    inputs: reportInputs,
    params,
    cells: notebook.cells.length,
    charts,
  };
}

function missingResult(cell: number, ref: string): NotebookError {
  return new NotebookError('NOTEBOOK_CELL_FAILED', {
    cell,
    problem: `${ref} is not a result (a model evaluation's parts are ${EVALUATION_PARTS.join(', ')})`,
  });
}
