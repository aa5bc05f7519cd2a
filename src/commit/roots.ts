import { type CommitVersion, LOGICAL_TYPE_CODES, TAGS, TAGS_V2, V2 } from './constants.js';
import { type EncodingColumn, stringField } from './encodeValue.js';
import { CommitError } from './errors.js';
import { hashChain } from './hashChain.js';
import type { Poseidon } from './poseidon.js';

/** A column as the encoding hash commits it: name, logical type, scale, dictionary. */
export type CommittedColumn = EncodingColumn & { dictionary?: readonly string[] | undefined };

const tagsOf = (version: CommitVersion) => (version === '2' ? TAGS_V2 : TAGS);

/**
 * The hash of a dictionary: hashChain(TAG_dictionary, size, field(v1), …, field(vk)), each entry
 * as its string field element. 0 for a column without a dictionary. The tag carries the version
 * (`sinso/commit/v1/dictionary`, `sinso/commit/v2/dictionary`).
 *
 * @example
 * dictionaryHash(poseidon, ['F', 'M']);
 */
export function dictionaryHash(
  poseidon: Poseidon,
  dictionary: readonly string[] | undefined,
  version: CommitVersion = '1',
): bigint {
  if (dictionary === undefined) return 0n;
  return hashChain(poseidon, [
    tagsOf(version).dictionary,
    BigInt(dictionary.length),
    ...dictionary.map(stringField),
  ]);
}

/**
 * The encoding hash of a table: hashChain(TAG_encoding, field(table), columnCount, then per column
 * field(name), typeCode, scale, dictionaryHash). It commits everything a verifier needs to
 * re-encode a row, so a dictionary or a scale cannot be swapped after the fact.
 *
 * @example
 * encodingHash(poseidon, 'patients', columns);
 */
export function encodingHash(
  poseidon: Poseidon,
  table: string,
  columns: readonly CommittedColumn[],
  version: CommitVersion = '1',
): bigint {
  const fields = columns.flatMap((c) => [
    stringField(c.name),
    LOGICAL_TYPE_CODES[c.logical],
    BigInt(c.scale ?? 0),
    dictionaryHash(poseidon, c.dictionary, version),
  ]);
  return hashChain(poseidon, [
    tagsOf(version).encoding,
    stringField(table),
    BigInt(columns.length),
    ...fields,
  ]);
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
 * The dataset root, tables in tables.json order. Version 1: hashChain(TAG_dataset, tableCount,
 * root1, …, rootN). Version 2: Poseidon(TAG_dataset, tableCount, R_0, …, R_13), always exactly 16
 * inputs, unused table slots 0; more than 14 tables is a CommitError (`too-many-tables`).
 *
 * @example
 * datasetRoot(poseidon, [patientsRoot, observationsRoot]);
 * datasetRoot(poseidon, [patientsRoot, observationsRoot], '2');
 */
export function datasetRoot(
  poseidon: Poseidon,
  tableRoots: readonly bigint[],
  version: CommitVersion = '1',
): bigint {
  if (version === '1') {
    return hashChain(poseidon, [TAGS.dataset, BigInt(tableRoots.length), ...tableRoots]);
  }
  if (tableRoots.length > V2.maxTables) {
    throw new CommitError('COMMIT_TABLES_INVALID', { problem: 'too-many-tables', tables: tableRoots.length });
  }
  const slots = new Array<bigint>(V2.maxTables).fill(0n);
  for (const [i, r] of tableRoots.entries()) slots[i] = r;
  return poseidon.hash([TAGS_V2.dataset, BigInt(tableRoots.length), ...slots]);
}
