import { LOGICAL_TYPE_CODES, TAGS } from './constants.js';
import { type EncodingColumn, stringField } from './encodeValue.js';
import { hashChain } from './hashChain.js';
import type { Poseidon } from './poseidon.js';

/** A column as the encoding hash commits it: name, logical type, scale, dictionary. */
export type CommittedColumn = EncodingColumn & { dictionary?: readonly string[] | undefined };

/**
 * The hash of a dictionary: hashChain(TAG_dictionary, size, field(v1), …, field(vk)), each entry
 * as its string field element. 0 for a column without a dictionary.
 *
 * @example
 * dictionaryHash(poseidon, ['F', 'M']);
 */
export function dictionaryHash(poseidon: Poseidon, dictionary: readonly string[] | undefined): bigint {
  if (dictionary === undefined) return 0n;
  return hashChain(poseidon, [TAGS.dictionary, BigInt(dictionary.length), ...dictionary.map(stringField)]);
}

/**
 * The encoding hash of a table: hashChain(TAG_encoding, field(table), columnCount, then per column
 * field(name), typeCode, scale, dictionaryHash). It commits everything a verifier needs to
 * re-encode a row, so a dictionary or a scale cannot be swapped after the fact.
 *
 * @example
 * encodingHash(poseidon, 'patients', columns);
 */
export function encodingHash(poseidon: Poseidon, table: string, columns: readonly CommittedColumn[]): bigint {
  const fields = columns.flatMap((c) => [
    stringField(c.name),
    LOGICAL_TYPE_CODES[c.logical],
    BigInt(c.scale ?? 0),
    dictionaryHash(poseidon, c.dictionary),
  ]);
  return hashChain(poseidon, [TAGS.encoding, stringField(table), BigInt(columns.length), ...fields]);
}

/**
 * The root of one table: Poseidon(encodingHash, rowCount, chunkTreeRoot).
 *
 * @example
 * tableRoot(poseidon, { encodingHash: e, rows: 1000, chunkTreeRoot: c });
 */
export function tableRoot(
  poseidon: Poseidon,
  p: { encodingHash: bigint; rows: number; chunkTreeRoot: bigint },
): bigint {
  return poseidon.hash([p.encodingHash, BigInt(p.rows), p.chunkTreeRoot]);
}

/**
 * The dataset root: hashChain(TAG_dataset, tableCount, root1, …, rootN), tables in tables.json order.
 *
 * @example
 * datasetRoot(poseidon, [patientsRoot, observationsRoot]);
 */
export function datasetRoot(poseidon: Poseidon, tableRoots: readonly bigint[]): bigint {
  return hashChain(poseidon, [TAGS.dataset, BigInt(tableRoots.length), ...tableRoots]);
}
