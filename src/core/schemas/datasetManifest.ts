import { z } from 'zod';
import { ColumnLogicalTypeSchema, DeidSourceSchema } from './tables.js';

const Cid = z.string().regex(/^b[a-z2-7]{20,}$/, 'a CIDv1 in base32');
const FieldHex = z.string().regex(/^0x[0-9a-f]{64}$/);

/** One published file: encrypted at rest, then content-addressed. */
export const DatasetFileSchema = z.strictObject({
  /** File name inside the published folder, e.g. `files/observations.parquet.enc`. */
  path: z.string(),
  /** The table it holds (a Parquet file), or the role of the file (`commitment`). */
  table: z.string().optional(),
  role: z.enum(['table', 'commitment']),
  cid: Cid,
  /** Size of the stored (encrypted, where encrypted) bytes. */
  bytes: z.number().int().min(0),
  encrypted: z.boolean(),
});
export type DatasetFile = z.infer<typeof DatasetFileSchema>;

/**
 * `manifest.json` of a published dataset: ERC-721 metadata (name, description, attributes,
 * properties), itself content-addressed; its CID is the NFT's token URI (`ipfs://CID`). It holds
 * no data value and nothing identifying: schemas, counts, CIDs, the commitment root, how the data
 * was de-identified and how re-identifiable it is.
 */
export const DatasetManifestSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  /** OpenSea-style traits, for marketplaces and wallets. */
  attributes: z.array(
    z.strictObject({
      trait_type: z.string(),
      value: z.union([z.string(), z.number()]),
      display_type: z.literal('number').optional(),
    }),
  ),
  properties: z.strictObject({
    schema: z.literal('1'),
    kind: z.literal('sinso-dataset'),
    sinso: z.string(),
    tablesVersion: z.string(),
    tables: z.array(
      z.strictObject({
        name: z.string(),
        rows: z.number().int().min(0),
        /** CID of the table's (encrypted) Parquet file. */
        cid: Cid,
        columns: z.array(
          z.strictObject({
            name: z.string(),
            type: z.string(),
            logical: ColumnLogicalTypeSchema,
            scale: z.number().int().optional(),
            nullable: z.boolean(),
          }),
        ),
      }),
    ),
    files: z.array(DatasetFileSchema),
    /** How every CID was computed (UnixFS settings), so anyone can recompute them. */
    contentAddressing: z.strictObject({
      cidVersion: z.literal(1),
      chunker: z.string(),
      chunkSize: z.number().int(),
      rawLeaves: z.boolean(),
      layout: z.string(),
      maxChildrenPerNode: z.number().int(),
      hash: z.string(),
    }),
    encryption: z.strictObject({
      /** The at-rest format, e.g. `sinso-aes-256-gcm-stream/1`. */
      scheme: z.string(),
      /** Fingerprint of the per-dataset key (never the key). */
      keyFingerprint: z.string(),
    }),
    commitment: z.strictObject({
      scheme: z.string(),
      version: z.string(),
      chunkSize: z.number().int(),
      chunkArity: z.number().int(),
      root: FieldHex,
      rows: z.number().int().min(0),
      tables: z.array(z.strictObject({ name: z.string(), rows: z.number().int(), root: FieldHex })),
      /** CID of commitment.json (published in the clear: it reveals no row). */
      cid: Cid,
    }),
    deidentification: z.array(DeidSourceSchema),
    privacy: z.strictObject({
      kAnonymity: z.strictObject({
        k: z.number().int().min(0),
        minK: z.number().int().min(1),
        quasiIdentifiers: z.array(z.string()),
        classes: z.number().int().min(0),
        rows: z.number().int().min(0),
      }),
      suppression: z
        .strictObject({
          method: z.enum(['drop', 'generalize']),
          patientsDropped: z.number().int().min(0),
          patientsGeneralized: z.number().int().min(0),
          rowsDropped: z.number().int().min(0),
        })
        .optional(),
    }),
  }),
});
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;
