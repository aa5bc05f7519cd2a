import { z } from 'zod';

const FieldHex = z.string().regex(/^0x[0-9a-f]{64}$/);

/**
 * `commitment.json`, written by `sinso commit`: the Poseidon commitment of a dataset's tables
 * (docs/commitment.md). The dataset root is what the NFT records and what ZK proofs verify
 * against; nothing in it reveals a row.
 */
export const CommitmentSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-commitment'),
  /** `sinso-poseidon-bn254`; the version fixes the row encoding, chunk size and tree shape. */
  scheme: z.literal('sinso-poseidon-bn254'),
  version: z.string(),
  chunkSize: z.number().int().min(1),
  /** Arity of the tree inside a chunk. */
  chunkArity: z.number().int().min(2),
  root: FieldHex,
  rows: z.number().int().min(0),
  /** sha256 of tables.json the commitment was built from. */
  tablesSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Fingerprint of the key the per-row salts are derived from (never the key). */
  saltKeyFingerprint: z.string(),
  tables: z.array(
    z.strictObject({
      name: z.string(),
      rows: z.number().int().min(0),
      chunks: z.number().int().min(0),
      root: FieldHex,
      /** Poseidon hash of the table's column encoding (names, logical types, scales, dictionaries). */
      encodingHash: FieldHex,
      /**
       * The root of each chunk of 256 rows, in row order (salted hashes: they reveal no row). Lets
       * an inclusion proof or a per-chunk ZK proof be made without re-hashing the whole table.
       */
      chunkRoots: z.array(FieldHex).optional(),
      columns: z.array(
        z.strictObject({
          name: z.string(),
          logical: z.string(),
          scale: z.number().int().min(0).optional(),
          /** Sorted dictionary of a categorical column: code = index + 1. */
          dictionary: z.array(z.string()).optional(),
        }),
      ),
    }),
  ),
});
export type Commitment = z.infer<typeof CommitmentSchema>;
