import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { NotebookError } from '../errors.js';
import type { CellResult } from '../result.js';

/** Vega-Lite config of every chart: the report's fonts and colours, no background box. */
const CONFIG = {
  font: 'Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif',
  background: '#ffffff',
  view: { stroke: null },
  axis: { labelFontSize: 12, titleFontSize: 12.5, titleFontWeight: 600, gridColor: '#e8ebef' },
  legend: { labelFontSize: 12, titleFontSize: 12.5 },
  title: { fontSize: 14 },
  range: {
    category: ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d'],
  },
} as const;

/** Keys that would make vega fetch or link something: refused anywhere in a spec. */
const FORBIDDEN_KEYS = new Set(['url', 'href', 'loader', 'usermeta', 'datasets']);

/** The result names a spec reads through `data: { name }` (layers, lookups). */
function dataNames(node: unknown, cell: number, out: Set<string>, key = ''): void {
  if (Array.isArray(node)) {
    for (const v of node) dataNames(v, cell, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (FORBIDDEN_KEYS.has(k))
      throw new NotebookError('NOTEBOOK_CELL_FAILED', {
        cell,
        problem: `the chart spec has a ${k} (a report loads nothing and links to nothing)`,
      });
    if (k === 'name' && key === 'data' && typeof v === 'string') out.add(v);
    dataNames(v, cell, out, k);
  }
}

/** A loader that loads nothing: a chart's data are the notebook's results, inline. */
const noLoader: vega.Loader = {
  load: () => Promise.reject(new Error('a report loads no URL')),
  sanitize: () => Promise.reject(new Error('a report links to no URL')),
  http: () => Promise.reject(new Error('a report loads no URL')),
  file: () => Promise.reject(new Error('a report reads no file')),
};

/**
 * Makes a chart's SVG stand alone in a page of several: vega numbers clip paths and gradients
 * from a process-wide counter, so ids are renamed `PREFIX-1`, `PREFIX-2`… in order of
 * appearance (the same chart gives the same bytes, and two charts never share an id).
 */
export function renameSvgIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1] as string;
    if (!ids.has(id)) ids.set(id, `${prefix}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_, a: string, id: string, b: string) => `${a}${ids.get(id) ?? id}${b}`)
    .replace(/url\(#([^)]+)\)/g, (s, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : s))
    .replace(/(href=")#([^"]+)(")/g, (s, a: string, id: string, b: string) =>
      ids.has(id) ? `${a}#${ids.get(id)}${b}` : s,
    );
}

export type RenderChartParameters = {
  /** The Vega-Lite spec, without top-level data. */
  spec: Record<string, unknown>;
  /** The result the chart plots (its top-level data). */
  data: string;
  /** Every result by name (those the spec names in `data: { name }` are given to it). */
  results: ReadonlyMap<string, CellResult>;
  /** The cell's number (errors name it). */
  cell: number;
  /** Prefix of the SVG's ids (unique in the page). */
  idPrefix: string;
  /** Vega-Lite's warnings about the spec (a dropped channel, an unknown field type). */
  onWarning?: ((message: string) => void) | undefined;
};

/**
 * Renders a Vega-Lite chart to SVG in Node (vega's headless renderer; text widths estimated,
 * no canvas): the result's rows are its data (withheld small cells are null, which Vega-Lite
 * leaves out of continuous scales), 560 px wide unless the spec says otherwise. Nothing is
 * loaded: a spec with a URL is refused. Deterministic: the same spec and rows give the same SVG.
 *
 * @example
 * const svg = await renderChart({ spec: { mark: 'bar', encoding: {…} }, data: 'by_sex', results, cell: 3, idPrefix: 'chart3' });
 */
export async function renderChart(p: RenderChartParameters): Promise<string> {
  if ('data' in p.spec)
    throw new NotebookError('NOTEBOOK_CELL_FAILED', {
      cell: p.cell,
      problem: 'the chart spec has its own data (its data are the result it names)',
    });
  const names = new Set<string>([p.data]);
  dataNames(p.spec, p.cell, names);
  const datasets: Record<string, unknown[]> = {};
  for (const name of [...names].sort()) {
    const r = p.results.get(name);
    if (!r)
      throw new NotebookError('NOTEBOOK_CELL_FAILED', {
        cell: p.cell,
        problem: `the chart reads ${name}, which is not the result of an earlier cell`,
      });
    datasets[name] = r.rows.map((row) => ({ ...row }));
  }
  const composite = ['facet', 'repeat', 'concat', 'hconcat', 'vconcat'].some((k) => k in p.spec);
  const spec = {
    ...(composite ? {} : { width: 560, height: 280 }),
    ...p.spec,
    data: { name: p.data },
    datasets,
    config: { ...CONFIG, ...((p.spec['config'] as object | undefined) ?? {}) },
  } as unknown as TopLevelSpec;
  let view: vega.View | undefined;
  try {
    const compiled = compile(spec, { logger: warningLogger(p.onWarning) }).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: noLoader, logLevel: vega.None });
    const svg = await view.toSVG();
    return renameSvgIds(svg, p.idPrefix);
  } catch (cause) {
    if (cause instanceof NotebookError) throw cause;
    throw new NotebookError(
      'NOTEBOOK_CELL_FAILED',
      { cell: p.cell, problem: 'Vega-Lite cannot render the chart spec (check its marks and encodings)' },
      { cause },
    );
  } finally {
    view?.finalize();
  }
}

/** Vega-Lite's warnings go to the caller (the log), never into the page. */
function warningLogger(onWarning: ((message: string) => void) | undefined) {
  const logger = {
    level: (_?: number) => (_ === undefined ? 0 : logger),
    error: () => logger,
    warn: (...args: unknown[]) => {
      onWarning?.(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as unknown as vega.LoggerInterface;
}
