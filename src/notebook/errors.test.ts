import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { NotebookError } from './errors.js';

it('renders every notebook error code', () => {
  const text = renderErrorSamples(NotebookError, {
    NOTEBOOK_INVALID: { problem: 'cell 3: the id x is used twice' },
    NOTEBOOK_PARAM_INVALID: { param: 'min-cell', problem: 'it is not a number' },
    NOTEBOOK_INPUT_INVALID: { input: 'owner-001', problem: 'it does not exist' },
    NOTEBOOK_CELL_FAILED: { cell: 4, problem: 'the query failed' },
  });
  expect(text).toContain('[NOTEBOOK_INPUT_INVALID]');
  expect(text).toContain('--param owner-001=PATH');
  expect(text).toContain('Cell 4 of the notebook failed');
});
