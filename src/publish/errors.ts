import { SinsoError } from '../core/errors/index.js';

/**
 * Raised by `publish`: a dataset below the minimum k-anonymity, or inputs that do not belong
 * together (tables, commitment, risk report). Never carries a data value.
 *
 * @example
 * throw new PublishError('The dataset is below the minimum k-anonymity; nothing was published.', {
 *   code: 'PUBLISH_BELOW_MIN_K',
 * });
 */
export class PublishError extends SinsoError {
  override name = 'PublishError';
}
export type PublishErrorType = PublishError & { name: 'PublishError' };
