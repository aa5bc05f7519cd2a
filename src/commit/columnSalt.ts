import { createHmac } from 'node:crypto';
import { COLUMN_SALT_PREFIX_V2, FIELD_MODULUS } from './constants.js';

export type ColumnSaltParameters = {
  /** The salt key (`deriveSaltKey(datasetKey)`, as version 1). */
  saltKey: Uint8Array;
  table: string;
  /** Chunk index k (rows 128k … 128k+127). */
  chunk: number;
  /** Column index j, 0-based, in tables.json order. */
  column: number;
};
export type ColumnSaltReturnType = bigint;

/**
 * The secret salt of one column of one chunk (version 2): HMAC-SHA-256(saltKey,
 * `sinso/commit/v2/<table>/<chunk>/<column>`) read as a 256-bit big-endian integer, mod p. It is
 * the first input of the column hash, so a column hash cannot be brute-forced back to its values.
 *
 * @example
 * columnSalt({ saltKey, table: 'patients', chunk: 0, column: 2 });
 */
export function columnSalt(p: ColumnSaltParameters): ColumnSaltReturnType {
  const mac = createHmac('sha256', p.saltKey)
    .update(`${COLUMN_SALT_PREFIX_V2}${p.table}/${p.chunk}/${p.column}`, 'utf8')
    .digest();
  return BigInt(`0x${mac.toString('hex')}`) % FIELD_MODULUS;
}
