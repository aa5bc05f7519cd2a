import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes the synthetic-cohort generator raises (besides USAGE, IO_FAILED, INTERNAL, INTERRUPTED). */
export const synthErrors = defineErrorCodes({
  SYNTH_INVALID_PARAMS: {
    message: () => 'The synth options are not valid.',
    fix: 'See `sinso synth --help` for the allowed values.',
  },
});

/**
 * Raised by `synthesize` for options outside their allowed ranges (`issues` names each one).
 *
 * @example
 * throw new SynthError('SYNTH_INVALID_PARAMS', {}, { issues });
 */
export class SynthError extends errorClass(synthErrors) {
  override name = 'SynthError';
}
export type SynthErrorType = SynthError & { name: 'SynthError' };
