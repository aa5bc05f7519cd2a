import { z } from 'zod';

const FieldHex = z.string().regex(/^0x[0-9a-f]{64}$/);

/** A committed column's public encoding: what the encoding hash commits (no data). */
export const CommittedColumnEncodingSchema = z.strictObject({
  name: z.string(),
  logical: z.string(),
  scale: z.number().int().min(0).optional(),
  /** Sorted dictionary of a categorical column: code = index + 1. */
  dictionary: z.array(z.string()).optional(),
});

const CommittedTableSchema = z.strictObject({
  name: z.string(),
  rows: z.number().int().min(0),
  chunks: z.number().int().min(0),
  root: FieldHex,
  /** Poseidon hash of the table's column encoding (names, logical types, scales, dictionaries). */
  encodingHash: FieldHex,
  /**
   * The root of each chunk (256 rows in version 1, 128 in version 2), in row order (salted
   * hashes: they reveal no row). Lets an inclusion proof or a per-chunk ZK proof be made without
   * re-hashing the whole table.
   */
  chunkRoots: z.array(FieldHex).optional(),
  columns: z.array(CommittedColumnEncodingSchema),
});

const common = {
  schema: z.literal('1'),
  kind: z.literal('sinso-commitment'),
  /** `sinso-poseidon-bn254`; the version fixes the row encoding, chunk size and tree shape. */
  scheme: z.literal('sinso-poseidon-bn254'),
  root: FieldHex,
  rows: z.number().int().min(0),
  /** sha256 of tables.json the commitment was built from. */
  tablesSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Fingerprint of the key the salts are derived from (never the key). */
  saltKeyFingerprint: z.string(),
  tables: z.array(CommittedTableSchema),
};

/** Version 1: one salted leaf per row, 256 rows per chunk, a 16-ary tree of leaves per chunk. */
export const CommitmentV1Schema = z.strictObject({
  ...common,
  version: z.literal('1'),
  chunkSize: z.number().int().min(1),
  /** Arity of the tree inside a chunk. */
  chunkArity: z.number().int().min(2),
});

/**
 * Version 2 ("column chunks"): one salted hash per column per chunk of 128 rows; 16 column hashes
 * per node, 16 nodes per chunk root (`chunkArity` is that node arity).
 */
export const CommitmentV2Schema = z.strictObject({
  ...common,
  version: z.literal('2'),
  chunkSize: z.literal(128),
  chunkArity: z.literal(16),
  layout: z.literal('column-chunks'),
});

/**
 * `commitment.json`, written by `sinso commit`: the Poseidon commitment of a dataset's tables
 * (docs/commitment.md), version 1 or 2. The dataset root is what the NFT records and what ZK
 * proofs verify against; nothing in it reveals a row.
 */
export const CommitmentSchema = z.discriminatedUnion('version', [CommitmentV1Schema, CommitmentV2Schema]);
export type Commitment = z.infer<typeof CommitmentSchema>;
export type CommitmentV1 = z.infer<typeof CommitmentV1Schema>;
export type CommitmentV2 = z.infer<typeof CommitmentV2Schema>;
