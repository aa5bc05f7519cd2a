/**
 * `sinso/notebook`: reproducible analyses (notebooks/NAME/notebook.yaml) rendered to
 * self-contained HTML reports: SQL over published tables, model evaluations, tables and
 * Vega-Lite charts as SVG, every input stated by its SHA-256.
 */
export { type NotebookSql, withNotebookSql } from './adapters/openNotebookSql.js';
export { renameSvgIds, renderChart } from './adapters/renderChart.js';
export {
  PACKAGE_ROOT,
  type RunNotebookParameters,
  type RunNotebookReturnType,
  runNotebook,
} from './adapters/runNotebook.js';
export { NotebookError, notebookErrors } from './errors.js';
export { confusionAt, evaluatePredictions, rocPoints } from './evaluatePredictions.js';
export { parseNotebook } from './parseNotebook.js';
export { escapeHtml, renderMarkdown } from './renderMarkdown.js';
export { renderReport, renderTable } from './renderReport.js';
export { displayPath, expandTemplate, type ParamValue, resolveParams } from './resolveParams.js';
export type { CellResult, ResultValue } from './result.js';
export {
  NOTEBOOK_FILE,
  type Notebook,
  type NotebookRunOptions,
  NotebookRunOptionsSchema,
  type NotebookRunResult,
  NotebookRunResultSchema,
  NotebookSchema,
  type ReportInput,
} from './schema.js';
export { notebookRunStage } from './stage.js';
export { suppressSmallCells } from './suppressSmallCells.js';
