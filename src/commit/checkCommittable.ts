import type { TableEntry, TablesManifest } from '../core/schemas/tables.js';
import { type CommitVersion, MAX_COLUMNS, V2 } from './constants.js';
import { CommitError } from './errors.js';

export type CheckCommittableParameters = TablesManifest;
export type CheckCommittableReturnType = undefined;
export type CheckCommittableErrorType = CommitError;

function checkTableShape(t: TableEntry): void {
  const names = new Set(t.columns.map((c) => c.name));
  const problems: string[] = [];
  if (names.size !== t.columns.length) problems.push('two columns have the same name');
  if (t.columns.length > MAX_COLUMNS) problems.push(`more than ${MAX_COLUMNS} columns`);
  for (const c of t.columns) {
    if (c.logical === 'decimal' && c.scale === undefined)
      problems.push(`decimal column ${c.name} has no scale`);
  }
  if (problems.length > 0) {
    throw new CommitError('COMMIT_TABLES_INVALID', { problem: 'shape', table: t.name, problems });
  }
}

/**
 * Checks that every table of a tables.json can be committed: distinct column names, at most
 * `MAX_COLUMNS` columns, a scale for every decimal column; for version 2 also at most 14 tables.
 *
 * @example
 * checkCommittable(tables.manifest);
 * checkCommittable(tables.manifest, { version: '2' });
 */
export function checkCommittable(
  manifest: CheckCommittableParameters,
  options: { version?: CommitVersion | undefined } = {},
): CheckCommittableReturnType {
  if (options.version === '2' && manifest.tables.length > V2.maxTables) {
    throw new CommitError('COMMIT_TABLES_INVALID', {
      problem: 'too-many-tables',
      tables: manifest.tables.length,
    });
  }
  for (const t of manifest.tables) checkTableShape(t);
}
