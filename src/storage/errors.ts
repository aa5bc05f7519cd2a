import { SinsoError } from '../core/errors/index.js';

/**
 * Errors of the storage stage: blockstore, CAR files, the IPFS adapter, encryption at rest and
 * key wrapping. Messages name the step and what to do, never a data value, key or credential.
 *
 * @example
 * throw new StorageError('The block is not in the blockstore.', {
 *   code: 'STORAGE_BLOCK_NOT_FOUND',
 *   fix: 'Import the file again with `sinso car` or from its CAR file.',
 * });
 */
export class StorageError extends SinsoError {
  override name = 'StorageError';
}
export type StorageErrorType = StorageError & { name: 'StorageError' };
