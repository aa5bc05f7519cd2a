import { SinsoError } from '../core/errors/index.js';

/**
 * Raised by the commitment stage: tables it cannot commit, values out of range, rows not found,
 * proofs that fail verification. Never carries a data value.
 *
 * @example
 * throw new CommitError('An inclusion proof does not verify.', {
 *   code: 'COMMIT_PROOF_INVALID',
 *   metaMessages: ['Step: leaf'],
 * });
 */
export class CommitError extends SinsoError {
  override name = 'CommitError';
}
export type CommitErrorType = CommitError & { name: 'CommitError' };
