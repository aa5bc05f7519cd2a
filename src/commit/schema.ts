import { z } from 'zod';
import { DatasetIdOptionSchema } from '../core/datasetId.js';
import { WorkersOptionSchema } from '../core/options.js';

/** A BN254 field element as written in commitment and proof files: 0x + 64 lowercase hex digits. */
export const FieldHexSchema = z.string().regex(/^0x[0-9a-f]{64}$/);

const DatasetNameSchema = DatasetIdOptionSchema.describe(
  'Dataset id: the salt key is derived from the workspace secret `dataset-ID`',
);

const WorkersSchema = WorkersOptionSchema.describe(
  'Worker threads hashing chunks (default: one per core; 0: in-process)',
);

/** Options of `sinso commit` and of the `commit` pipeline stage (one schema for both). */
export const CommitOptionsSchema = z.strictObject({
  tables: z
    .string()
    .min(1)
    .describe('Tables folder written by `sinso tables` (tables.json and Parquet files)'),
  out: z.string().min(1).describe('Output file: commitment.json'),
  dataset: DatasetNameSchema,
  workers: WorkersSchema,
  version: z
    .number()
    .int()
    .min(1)
    .max(2)
    .default(2)
    .describe('Commitment version: 2 (column chunks, for zero-knowledge queries) or 1 (row leaves)'),
});
export type CommitOptions = z.output<typeof CommitOptionsSchema>;

/** Options of `sinso prove-inclusion`. */
export const ProveInclusionOptionsSchema = z.strictObject({
  tables: z.string().min(1).describe('Tables folder the commitment was built from'),
  commitment: z.string().min(1).describe('commitment.json written by `sinso commit`'),
  table: z.string().min(1).describe('Table of the row, e.g. patients'),
  row: z.number().int().min(0).describe('Row index (0-based, in commitment order)'),
  out: z.string().min(1).describe('Output file: the inclusion proof (JSON)'),
  dataset: DatasetNameSchema,
});
export type ProveInclusionOptions = z.output<typeof ProveInclusionOptionsSchema>;

/** Options of `sinso verify-inclusion`. */
export const VerifyInclusionOptionsSchema = z.strictObject({
  proof: z.string().min(1).describe('Inclusion proof written by `sinso prove-inclusion`'),
  commitment: z.string().min(1).describe('commitment.json the proof is checked against'),
});
export type VerifyInclusionOptions = z.output<typeof VerifyInclusionOptionsSchema>;

/**
 * An inclusion proof (`sinso prove-inclusion`): one row of one table, revealed, with everything
 * needed to recompute the dataset root from it. Only that row is revealed: every sibling is a
 * salted hash (docs/commitment.md, "Inclusion proofs").
 */
export const InclusionProofSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-inclusion-proof'),
  scheme: z.literal('sinso-poseidon-bn254'),
  version: z.string(),
  chunkSize: z.number().int().min(1),
  chunkArity: z.number().int().min(2),
  datasetRoot: FieldHexSchema,
  table: z.string(),
  tableIndex: z.number().int().min(0),
  row: z.number().int().min(0),
  /** The row: each column's value (display form) and its field encoding, in column order. */
  values: z.array(
    z.strictObject({
      column: z.string(),
      value: z.union([z.string(), z.boolean(), z.null()]),
      encoded: FieldHexSchema,
    }),
  ),
  nullMask: FieldHexSchema,
  /** The row's secret salt (revealed with the row: it is the row's own). */
  salt: FieldHexSchema,
  leaf: FieldHexSchema,
  chunk: z.strictObject({
    index: z.number().int().min(0),
    /** Position of the row inside its chunk (row mod chunkSize). */
    position: z.number().int().min(0),
    /** The 15 other leaves of the row's group of 16. */
    leafSiblings: z.array(FieldHexSchema),
    /** The 15 other nodes of the chunk. */
    nodeSiblings: z.array(FieldHexSchema),
    root: FieldHexSchema,
  }),
  /** Siblings from the chunk root up to the table's chunk-tree root, bottom first. */
  chunkTree: z.strictObject({ path: z.array(FieldHexSchema), root: FieldHexSchema }),
  tableCommitment: z.strictObject({
    rows: z.number().int().min(0),
    encodingHash: FieldHexSchema,
    root: FieldHexSchema,
  }),
  /** Every table's root in tables.json order (the proven table's included). */
  tableRoots: z.array(FieldHexSchema),
});
export type InclusionProof = z.infer<typeof InclusionProofSchema>;

/**
 * Writes a field element as 0x + 64 hex digits.
 *
 * @example
 * fieldHex(1n); // '0x0000…0001'
 */
export function fieldHex(x: bigint): string {
  return `0x${x.toString(16).padStart(64, '0')}`;
}

/**
 * Reads a field element written by `fieldHex`.
 *
 * @example
 * parseFieldHex(fieldHex(5n)); // 5n
 */
export function parseFieldHex(hex: string): bigint {
  return BigInt(hex);
}
