import type { ColumnLogicalType } from '../core/schemas/tables.js';

/** The commitment scheme's name, as commitment.json records it. */
export const COMMIT_SCHEME = 'sinso-poseidon-bn254' as const;

/**
 * The version of the commitment: the row encoding, the chunk size, the tree shapes and every
 * domain tag below. Any change to any of them is a new version (docs/commitment.md).
 */
export const COMMIT_VERSION = '1';

/** The versions this program builds and reads: 1 (row leaves), 2 (column chunks). */
export const COMMIT_VERSIONS = ['1', '2'] as const;
export type CommitVersion = (typeof COMMIT_VERSIONS)[number];

/** What `sinso commit` builds when no `--version` is given. */
export const DEFAULT_COMMIT_VERSION: CommitVersion = '2';

/** Rows per chunk: a ZK circuit re-hashes one chunk at a time, so it is part of the version. */
export const CHUNK_SIZE = 256;

/** Arity of the tree inside a chunk: 256 leaves → 16 nodes → 1 chunk root. */
export const CHUNK_ARITY = 16;

/** The BN254 (alt_bn128) scalar field modulus p. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Poseidon (circomlib) takes 1..16 inputs. */
export const POSEIDON_MAX_INPUTS = 16;

/** At most 253 columns, so the per-row null mask (one bit per column) stays below p. */
export const MAX_COLUMNS = 253;

/** A categorical column with more distinct values than this is no vocabulary: declare it `string`. */
export const MAX_DICTIONARY = 65_536;

/** Signed 64-bit range of `int` values (and of scaled decimals, dates and timestamps). */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** The field element of a short ASCII tag: its bytes read as a big-endian integer. */
export function asciiTag(tag: string): bigint {
  return BigInt(`0x${Buffer.from(tag, 'ascii').toString('hex')}`);
}

/** Domain tags: the first input of each kind of hash, so hashes of different kinds never collide. */
export const TAGS = {
  encoding: asciiTag('sinso/commit/v1/encoding'),
  dictionary: asciiTag('sinso/commit/v1/dictionary'),
  dataset: asciiTag('sinso/commit/v1/dataset'),
} as const;

/** The code of each logical type inside the encoding hash. */
export const LOGICAL_TYPE_CODES: Readonly<Record<ColumnLogicalType, bigint>> = {
  id: 1n,
  string: 2n,
  categorical: 3n,
  int: 4n,
  decimal: 5n,
  date: 6n,
  timestamp: 7n,
  bool: 8n,
};

/**
 * Version 2 ("column chunks"): each column of each chunk of 128 rows is hashed on its own
 * (salt, null word, 128 values), 16 column hashes into a node, 16 nodes into the chunk root.
 */
export const V2 = {
  version: '2',
  /** Rows per chunk (a Groth16 query circuit over one chunk must fit a 2^15 powers of tau). */
  chunkSize: 128,
  /** Column hashes per node, and nodes per chunk root: 16 × 16 = 256 column slots. */
  nodeArity: 16,
  /** Always exactly 16 dataset-root inputs: the tag, the table count, 14 table roots. */
  maxTables: 14,
  /** commitment.json's `layout` of version 2. */
  layout: 'column-chunks',
} as const;

/** Domain tags of version 2 (same roles as TAGS). */
export const TAGS_V2 = {
  encoding: asciiTag('sinso/commit/v2/encoding'),
  dictionary: asciiTag('sinso/commit/v2/dictionary'),
  dataset: asciiTag('sinso/commit/v2/dataset'),
} as const;

/** The HMAC message prefix of version 2's per-column-chunk salts: `sinso/commit/v2/<T>/<k>/<j>`. */
export const COLUMN_SALT_PREFIX_V2 = 'sinso/commit/v2/';

/** The HMAC message prefix of per-row salts. */
export const ROW_SALT_PREFIX = 'sinso/commit/v1/';

/** HKDF info of the salt key derived from a dataset key. */
export const SALT_KEY_INFO = 'sinso/commit/row-salt/v1';
