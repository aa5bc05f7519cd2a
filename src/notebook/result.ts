/** A value of a cell's result: numbers (counts, means), text (categories), booleans, null. */
export type ResultValue = number | string | boolean | null;

/** The rows of a cell's result (aggregates only), as tables and charts read them. */
export type CellResult = {
  columns: string[];
  rows: Record<string, ResultValue>[];
  /** Values withheld as small cells: `row index` → the columns withheld in it. */
  withheld: Map<number, Set<string>>;
  /** The threshold of the withheld counts (shown as `<below`). */
  below?: number | undefined;
};

/** A result from plain rows (nothing withheld). */
export function resultOf(columns: readonly string[], rows: Record<string, ResultValue>[]): CellResult {
  return { columns: [...columns], rows, withheld: new Map() };
}
