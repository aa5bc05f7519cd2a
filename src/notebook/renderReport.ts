import { escapeHtml, renderMarkdown } from './renderMarkdown.js';
import type { ParamValue } from './resolveParams.js';
import type { CellResult, ResultValue } from './result.js';
import type { ReportInput } from './schema.js';

/** A table column as a table cell lists it. */
export type TableColumn =
  | string
  | { field: string; title?: string | undefined; decimals?: number | undefined };

/** A number as a report shows it: integers in full (thin grouping), others to `decimals` places. */
export function formatNumber(v: number, decimals: number | undefined): string {
  if (!Number.isFinite(v)) return String(v);
  if (decimals === undefined && Number.isInteger(v))
    return v.toLocaleString('en-US').replaceAll(',', '\u202f');
  return v.toFixed(decimals ?? 3);
}

function cellText(v: ResultValue | undefined, decimals: number | undefined): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return formatNumber(v, decimals);
  return String(v);
}

/**
 * A result as an HTML table: the chosen columns (default all), numbers right-aligned, withheld
 * small cells as `<5`, at most `maxRows` rows (the rest counted in a note). Pure.
 *
 * @example
 * renderTable(result, { columns: ['gender', { field: 'patients', title: 'Patients' }], maxRows: 100 });
 */
export function renderTable(
  r: CellResult,
  o: { title?: string | undefined; columns?: readonly TableColumn[] | undefined; maxRows: number },
): string {
  const cols = (o.columns ?? r.columns).map((c) => (typeof c === 'string' ? { field: c } : c));
  const numeric = cols.map((c) => r.rows.some((row) => typeof row[c.field] === 'number'));
  const head = cols
    .map((c, j) => `<th${numeric[j] ? ' class="num"' : ''}>${escapeHtml(c.title ?? c.field)}</th>`)
    .join('');
  const body = r.rows
    .slice(0, o.maxRows)
    .map((row, i) => {
      const withheld = r.withheld.get(i);
      const tds = cols.map((c, j) => {
        const text = withheld?.has(c.field)
          ? `&lt;${r.below ?? ''}`
          : escapeHtml(cellText(row[c.field], c.decimals));
        return `<td${numeric[j] ? ' class="num"' : ''}>${text}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('\n');
  const notes: string[] = [];
  if (r.rows.length > o.maxRows) notes.push(`${r.rows.length - o.maxRows} more rows not shown.`);
  if (r.withheld.size > 0)
    notes.push(
      `Cells counting fewer than ${r.below} are withheld (&lt;${r.below}), with the figures of their rows.`,
    );
  if (r.rows.length === 0) notes.push('No rows.');
  const caption = o.title === undefined ? '' : `<caption>${escapeHtml(o.title)}</caption>`;
  return [
    `<figure class="table"><table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`,
    notes.length ? `<figcaption>${notes.join(' ')}</figcaption>` : '',
    '</figure>',
  ].join('');
}

/** A chart's SVG with its title. */
export function renderChartBlock(svg: string, title: string | undefined): string {
  const caption = title === undefined ? '' : `<figcaption>${escapeHtml(title)}</figcaption>`;
  return `<figure class="chart">${caption}${svg}</figure>`;
}

export type RenderReportParameters = {
  title: string;
  description?: string | undefined;
  /** The notebook's name (its folder's name). */
  notebook: string;
  /** SHA-256 of notebook.yaml's bytes. */
  notebookSha256: string;
  version: string;
  params: Readonly<Record<string, ParamValue>>;
  inputs: readonly ReportInput[];
  /** The rendered cells, in order (HTML fragments). */
  blocks: readonly string[];
};

const CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1d232b; font: 15px/1.55 Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 36px 48px; background: #fff; min-height: 100vh; box-sizing: border-box; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 34px 0 8px; border-bottom: 1px solid #e3e6ea; padding-bottom: 4px; }
h3 { font-size: 17px; margin: 24px 0 6px; }
h4, h5 { font-size: 15px; margin: 18px 0 4px; }
p, ul, ol { margin: 8px 0; }
code, .hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: #f0f2f5; padding: 0 3px; border-radius: 3px; }
.lead { color: #4a5562; margin: 2px 0 14px; }
header.provenance { background: #f3f6fa; border: 1px solid #dce3ec; border-radius: 6px; padding: 12px 16px; margin: 14px 0 22px; font-size: 13.5px; }
header.provenance table { border-collapse: collapse; width: 100%; }
header.provenance th { text-align: left; font-weight: 600; padding: 3px 10px 3px 0; vertical-align: top; white-space: nowrap; }
header.provenance td { padding: 3px 10px 3px 0; vertical-align: top; }
header.provenance .hash { word-break: break-all; color: #33404f; font-size: 11.5px; }
header.provenance .path, header.provenance th, header.provenance td:nth-child(2) { white-space: nowrap; }
header.provenance .absent { color: #8a5a00; }
figure { margin: 14px 0 22px; }
figure.table table { border-collapse: collapse; font-size: 14px; min-width: 40%; }
figure.table caption { text-align: left; font-weight: 600; padding: 0 0 6px; }
figure.table th { text-align: left; border-bottom: 2px solid #c9d1db; padding: 5px 14px 5px 0; }
figure.table td { border-bottom: 1px solid #e8ebef; padding: 4px 14px 4px 0; }
figure.table .num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #5a6573; font-size: 13px; margin-top: 6px; }
figure.chart figcaption { font-weight: 600; color: #1d232b; font-size: 14px; margin: 0 0 6px; }
footer { margin-top: 40px; color: #6b7682; font-size: 12.5px; border-top: 1px solid #e3e6ea; padding-top: 10px; }
`.trim();

/**
 * The report page: self-contained HTML (inline CSS and SVG; no script, no external URL, no
 * timestamp, no absolute path), its header stating the notebook's hash, the parameters, and
 * each input with its workspace-relative path and SHA-256; the same inputs give the same bytes.
 * Pure.
 *
 * @example
 * const html = renderReport({ title, notebook: 'cohort-stats', notebookSha256, version, params, inputs, blocks });
 */
export function renderReport(p: RenderReportParameters): string {
  const rows = (cells: string[][]) => cells.map((c) => `<tr>${c.join('')}</tr>`).join('\n');
  const inputs = rows(
    p.inputs.map((i) => [
      `<th>${escapeHtml(i.name)}</th>`,
      `<td>${escapeHtml(i.kind)}</td>`,
      `<td class="path"><code>${escapeHtml(i.path)}</code></td>`,
      i.sha256 === null
        ? '<td class="absent">absent (optional)</td>'
        : `<td class="hash">sha256:${escapeHtml(i.sha256)}</td>`,
    ]),
  );
  const params = Object.entries(p.params)
    .map(([k, v]) => `<code>${escapeHtml(k)}</code> = <code>${escapeHtml(String(v))}</code>`)
    .join(', ');
  const header = [
    '<header class="provenance"><table>',
    `<tr><th>notebook</th><td>${escapeHtml(p.notebook)}</td><td class="path"><code>notebook.yaml</code></td><td class="hash">sha256:${escapeHtml(p.notebookSha256)}</td></tr>`,
    `<tr><th>rendered by</th><td colspan="3">sinso ${escapeHtml(p.version)}</td></tr>`,
    params ? `<tr><th>parameters</th><td colspan="3">${params}</td></tr>` : '',
    inputs,
    '</table></header>',
  ].join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="sinso ${escapeHtml(p.version)}">`,
    `<title>${escapeHtml(p.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(p.title)}</h1>`,
    p.description === undefined ? '' : `<div class="lead">${renderMarkdown(p.description)}</div>`,
    header,
    ...p.blocks,
    `<footer>Rendered by <code>sinso notebook run</code> from the inputs above (aggregates only; the same inputs give the same page, byte for byte).</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
