import { createHmac, hkdfSync } from 'node:crypto';
import { FIELD_MODULUS, ROW_SALT_PREFIX, SALT_KEY_INFO } from './constants.js';
import { CommitError } from './errors.js';

/**
 * Derives the row-salt key from a 32-byte dataset key: HKDF-SHA-256 (empty salt, info
 * `sinso/commit/row-salt/v1`, 32 bytes), so the same dataset key can also serve other uses
 * (encryption at rest) without the salts revealing anything about them.
 *
 * @example
 * const saltKey = deriveSaltKey(await datasetKey(workspace, DatasetIdSchema.parse('main')));
 */
export function deriveSaltKey(datasetKey: Uint8Array): Uint8Array {
  if (datasetKey.byteLength < 32) {
    throw new CommitError('COMMIT_INVALID', { problem: 'key-too-short' });
  }
  return new Uint8Array(hkdfSync('sha256', datasetKey, new Uint8Array(0), SALT_KEY_INFO, 32));
}

/**
 * The secret salt of one row: HMAC-SHA-256(saltKey, `sinso/commit/v1/<table>/<rowIndex>`) read
 * as a big-endian integer, mod p. It is the first input of the row's leaf, so a leaf (a sibling
 * in someone else's inclusion proof) cannot be brute-forced back to the row's values.
 *
 * @example
 * rowSalt(saltKey, 'patients', 0);
 */
export function rowSalt(saltKey: Uint8Array, table: string, rowIndex: number): bigint {
  const mac = createHmac('sha256', saltKey).update(`${ROW_SALT_PREFIX}${table}/${rowIndex}`, 'utf8').digest();
  return BigInt(`0x${mac.toString('hex')}`) % FIELD_MODULUS;
}
