import { MAX_COLUMNS } from './constants.js';
import { type Cell, type DictionaryIndex, type EncodingColumn, encodeCell } from './encodeValue.js';
import { CommitError } from './errors.js';
import { hashChain } from './hashChain.js';
import type { Poseidon } from './poseidon.js';

/** A row as field elements: bit i of `nullMask` is set when column i is null (its value is then 0). */
export type EncodedRow = { nullMask: bigint; values: bigint[] };

/**
 * Encodes one row's cells, in column order, into field elements and its null mask.
 *
 * @example
 * encodeRow([{ name: 'n', logical: 'int' }, { name: 'b', logical: 'bool' }], [5n, null]);
 * // { nullMask: 2n, values: [5n, 0n] }
 */
export function encodeRow(
  columns: readonly EncodingColumn[],
  cells: readonly Cell[],
  dictionaries: readonly (DictionaryIndex | undefined)[] = [],
): EncodedRow {
  if (cells.length !== columns.length || columns.length > MAX_COLUMNS) {
    throw new CommitError('COMMIT_TABLES_INVALID', {
      problem: 'row-width',
      columns: columns.length,
      values: cells.length,
    });
  }
  let nullMask = 0n;
  const values = columns.map((column, i) => {
    const cell = cells[i] as Cell;
    if (cell === null) nullMask |= 1n << BigInt(i);
    return encodeCell(column, cell, dictionaries[i]);
  });
  return { nullMask, values };
}

/**
 * The leaf (row hash) of a row: `hashChain(salt, nullMask, v1, …, vn)`, i.e.
 * Poseidon(salt, nullMask, v1 … v14) for up to 14 columns, chained for wider rows.
 *
 * @example
 * rowLeaf(poseidon, rowSalt(saltKey, 'patients', 0), encodeRow(columns, cells, dictionaries));
 */
export function rowLeaf(poseidon: Poseidon, salt: bigint, row: EncodedRow): bigint {
  return hashChain(poseidon, [salt, row.nullMask, ...row.values]);
}
