import { parseDocument } from 'yaml';
import type { SchemaIssue } from '../core/errors/index.js';
import { sha256Hex } from '../core/hash.js';
import { parseWith } from '../core/parse.js';
import { NotebookError } from './errors.js';
import { CELL_KINDS, type Notebook, NotebookSchema } from './schema.js';

const invalid = (issues: readonly SchemaIssue[], cause?: unknown) =>
  new NotebookError(
    'NOTEBOOK_INVALID',
    {
      problem: issues[0]
        ? `${issues[0].path ? `${issues[0].path}: ` : ''}${issues[0].message}${issues[0].line === undefined ? '' : ` (line ${issues[0].line})`}`
        : 'invalid',
    },
    { issues, cause },
  );

/**
 * Parses a notebook's text (notebook.yaml) and returns it with the SHA-256 of its bytes (the
 * hash the report's header states). Each cell is checked against the schema of its kind (the
 * key that tells it apart: markdown, sql, evaluate, table or chart), so an issue names the
 * cell's own field. NOTEBOOK_INVALID naming the first issue.
 *
 * @example
 * const { notebook, sha256 } = parseNotebook(await readFile('notebooks/cohort-stats/notebook.yaml', 'utf8'));
 */
export function parseNotebook(text: string): { notebook: Notebook; sha256: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const line = text.slice(0, doc.errors[0]?.pos[0] ?? 0).split('\n').length;
    throw invalid([{ path: '', message: `not valid YAML (${doc.errors[0]?.code ?? 'error'})`, line }]);
  }
  const value = doc.toJS() as unknown;
  const cells = (value as { cells?: unknown } | null)?.cells;
  if (Array.isArray(cells)) {
    cells.forEach((cell, i) => {
      const kind = Object.keys(CELL_KINDS).find(
        (k) => cell !== null && typeof cell === 'object' && k in (cell as object),
      ) as keyof typeof CELL_KINDS | undefined;
      if (kind === undefined) {
        throw invalid([
          {
            path: `cell ${i + 1}`,
            message: `a cell has one of the keys ${Object.keys(CELL_KINDS).join(', ')}`,
          },
        ]);
      }
      parseWith(CELL_KINDS[kind], cell, { what: 'notebook cell', prefix: `cell ${i + 1}`, error: invalid });
    });
  }
  const notebook = parseWith(NotebookSchema, value, { what: 'notebook', error: invalid });
  return { notebook, sha256: sha256Hex(text) };
}
