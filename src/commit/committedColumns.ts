import type { Commitment } from '../core/schemas/commitment.js';
import { ColumnLogicalTypeSchema } from '../core/schemas/tables.js';
import { CommitError } from './errors.js';
import type { CommittedColumn } from './roots.js';

/**
 * The columns of a committed table with their logical types checked (commitment.json stores
 * them as strings).
 *
 * @example
 * const columns = committedColumns(commitment.tables[0]);
 */
export function committedColumns(table: Commitment['tables'][number]): CommittedColumn[] {
  return table.columns.map((c) => {
    const logical = ColumnLogicalTypeSchema.safeParse(c.logical);
    if (!logical.success) {
      throw new CommitError('COMMIT_INVALID', {
        problem: 'unknown-column-type',
        table: table.name,
        column: c.name,
      });
    }
    return {
      name: c.name,
      logical: logical.data,
      ...(c.scale === undefined ? {} : { scale: c.scale }),
      ...(c.dictionary === undefined ? {} : { dictionary: c.dictionary }),
    };
  });
}
