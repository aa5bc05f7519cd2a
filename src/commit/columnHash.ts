import { InternalError } from '../core/errors/index.js';
import { V2 } from './constants.js';
import { hashChain } from './hashChain.js';
import type { Poseidon } from './poseidon.js';

/**
 * One column of one chunk (version 2), as field elements: the rows that exist (at most 128, in
 * file order), each with its encoded value (0 for NULL) and whether it is NULL. Rows past
 * `values.length` are padding: null bit 1, value 0.
 */
export type ColumnChunk = {
  /** The column's salt in this chunk (`columnSalt`). */
  salt: bigint;
  /** The v1 encodings of the cells (`encodeCell`), 0 for NULL. */
  values: readonly bigint[];
  /** NULL flags of the same rows. */
  nulls: readonly boolean[];
};

export type ColumnHashParameters = ColumnChunk;
export type ColumnHashReturnType = bigint;
export type ColumnHashErrorType = InternalError;

/**
 * The null word of a column chunk: n = Σ b_i·2^i over i = 0 … 127, with b_i = 1 when row i is
 * NULL or does not exist (padding of the last chunk).
 *
 * @example
 * nullWord([false, true], 2); // 2n + (2^128 - 4n): rows 2 … 127 are padding
 */
export function nullWord(nulls: readonly boolean[], rows: number = nulls.length): bigint {
  let n = 0n;
  for (let i = 0; i < V2.chunkSize; i++) {
    if (i >= rows || nulls[i] === true) n |= 1n << BigInt(i);
  }
  return n;
}

/**
 * The 130 inputs of a column hash: salt, null word, then the 128 values (0 for NULL and padding).
 *
 * @example
 * columnHashInputs({ salt, values: [5n], nulls: [false] }).length; // 130
 */
export function columnHashInputs(chunk: ColumnChunk): bigint[] {
  checkChunk(chunk);
  const values = new Array<bigint>(V2.chunkSize).fill(0n);
  for (const [i, v] of chunk.values.entries()) values[i] = v;
  return [chunk.salt, nullWord(chunk.nulls, chunk.values.length), ...values];
}

/**
 * The hash of one column chunk (version 2): H = hashChain(s, n, v_0, …, v_127), i.e. 9 Poseidon
 * calls: Poseidon(s, n, v_0 … v_13), then seven Poseidon(h, next 15 values), then
 * Poseidon(h, v_119 … v_127) with 10 inputs. Pure and straightforward; the bulk path of
 * `buildCommitment` computes the same over words.
 *
 * @example
 * columnHash(poseidon, { salt: columnSalt({ saltKey, table: 'patients', chunk: 0, column: 1 }), values, nulls });
 */
export function columnHash(poseidon: Poseidon, chunk: ColumnHashParameters): ColumnHashReturnType {
  return hashChain(poseidon, columnHashInputs(chunk));
}

function checkChunk(chunk: ColumnChunk): void {
  const what =
    chunk.values.length > V2.chunkSize
      ? 'a column chunk holds at most 128 rows'
      : chunk.values.length !== chunk.nulls.length
        ? 'a column chunk needs one null flag per value'
        : chunk.values.some((v, i) => chunk.nulls[i] === true && v !== 0n)
          ? 'a NULL value encodes as 0'
          : undefined;
  if (what !== undefined) throw new InternalError('INTERNAL', { what });
}
