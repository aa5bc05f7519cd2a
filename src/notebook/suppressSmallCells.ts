import { NotebookError } from './errors.js';
import type { CellResult } from './result.js';

export type SuppressSmallCellsParameters = {
  /** The column of counts (patients, observations). */
  count: string;
  /** Counts from 1 to below − 1 are withheld (0 is shown: an empty cell reveals no one). */
  below: number;
  /** Further columns withheld in the same rows (a mean over those few patients). */
  also: readonly string[];
};

/**
 * Withholds small cells: in every row whose count is at least 1 and below `below`, the count
 * and the `also` columns become null and are marked withheld (tables show `<below`, charts
 * leave them out). Returns a new result; NOTEBOOK_CELL_FAILED (via the caller's cell number)
 * when a column is missing or a count is not a number.
 *
 * @example
 * suppressSmallCells(result, { count: 'patients', below: 5, also: ['mean_hba1c'] }, 3);
 */
export function suppressSmallCells(r: CellResult, s: SuppressSmallCellsParameters, cell: number): CellResult {
  for (const c of [s.count, ...s.also]) {
    if (!r.columns.includes(c))
      throw new NotebookError('NOTEBOOK_CELL_FAILED', {
        cell,
        problem: `the result has no column ${c} to suppress small cells by`,
      });
  }
  const withheld = new Map(r.withheld);
  const rows = r.rows.map((row, i) => {
    const n = row[s.count];
    if (n === null || n === undefined) return row;
    if (typeof n !== 'number')
      throw new NotebookError('NOTEBOOK_CELL_FAILED', {
        cell,
        problem: `the column ${s.count} is not a count`,
      });
    if (n <= 0 || n >= s.below) return row;
    const out = { ...row };
    const cols = new Set(withheld.get(i));
    for (const c of [s.count, ...s.also]) {
      out[c] = null;
      cols.add(c);
    }
    withheld.set(i, cols);
    return out;
  });
  return { columns: r.columns, rows, withheld, below: s.below };
}
