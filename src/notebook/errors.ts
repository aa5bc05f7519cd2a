import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes of notebooks: their definition, parameters, inputs and cells. */
export const notebookErrors = defineErrorCodes({
  NOTEBOOK_INVALID: {
    message: (f: { problem: string }) => `The notebook is not valid: ${f.problem}.`,
    fix: 'See notebooks/README.md for the fields of notebook.yaml, and notebooks/cohort-stats for an example.',
  },
  NOTEBOOK_PARAM_INVALID: {
    message: (f: { param: string; problem: string }) => `Parameter ${f.param} cannot be used: ${f.problem}.`,
    fix: (f: { param: string }) =>
      `Pass --param ${f.param}=VALUE with a value of the parameter's type, or leave it out to use its default (\`sinso notebook run NOTEBOOK --help\`).`,
  },
  NOTEBOOK_INPUT_INVALID: {
    message: (f: { input: string; problem: string }) => `Input ${f.input} cannot be used: ${f.problem}.`,
    fix: (f: { input: string }) =>
      `Check --workspace (the inputs' default paths are in it: run \`sinso demo\` to make one), or pass --param ${f.input}=PATH.`,
  },
  NOTEBOOK_CELL_FAILED: {
    message: (f: { cell: number; problem: string }) => `Cell ${f.cell} of the notebook failed: ${f.problem}.`,
    fix: 'Fix the cell in notebook.yaml (cells are numbered from 1, in file order).',
  },
});

export class NotebookError extends errorClass(notebookErrors) {
  override name = 'NotebookError';
}
