import { z } from 'zod';
import { HeParamsSchema } from './params.js';

/** A categorical value as encrypted tables hold it: text, or null for SQL NULL. */
export const CellValue = z.string().nullable();

const CidString = z.string().regex(/^baf[a-z2-7]{20,}$/);

/**
 * `he.json`: an owner's encrypted table — which published dataset and table it was made from,
 * under which key holder's public key, how its rows are packed into ciphertexts, and the CID of
 * every ciphertext file (`ct/<cid>.seal`). Holds no data value but the vocabularies of the
 * indicator and public columns (categorical codes of already de-identified, k-anonymous data)
 * and the row counts of the public cells.
 */
export const HeTableManifestSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-he-table'),
  /** The name queries use in FROM; tables of one name from several owners are pooled. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
  dataset: z.strictObject({
    id: z.string(),
    name: z.string(),
    manifestCid: CidString,
    commitmentRoot: z.string().regex(/^0x[0-9a-f]{64}$/),
    /** The published table the rows come from (joined with the patient's quasi-identifiers). */
    table: z.string(),
  }),
  /** The owner's SQL predicate that chose the rows (null: every row of the table). */
  rowFilter: z.string().nullable(),
  /** The year age bands are computed as of (null when no age band is encrypted). */
  asOfYear: z.number().int().nullable(),
  keys: z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{32}$/), params: HeParamsSchema }),
  rows: z.number().int().min(0),
  slots: z.number().int().min(1),
  /**
   * Columns visible to the compute node (public-keys mode): rows are laid out by their values,
   * one contiguous run of rows per cell, so a group's sum is mostly additions.
   */
  publicColumns: z.array(z.string()),
  cells: z.array(
    z.strictObject({ key: z.array(CellValue), start: z.number().int(), rows: z.number().int() }),
  ),
  /** Numeric columns: `x` (scaled), `x^2`, and `n` (1 where not NULL). */
  values: z.array(
    z.strictObject({
      column: z.string(),
      /** BFV: values are integers × 10^scale; CKKS: 0 (reals as they are). */
      scale: z.number().int().min(0).max(8),
      /** |value| ≤ bound (values outside were clipped): sizes the exactness check and DP noise. */
      bound: z.number().positive(),
      boundSource: z.enum(['declared', 'data, rounded up to a power of ten']),
      hasNulls: z.boolean(),
    }),
  ),
  /** Indicator (one-hot) columns for private-keys mode: one vector per value. */
  indicators: z.array(z.strictObject({ column: z.string(), values: z.array(CellValue) })),
  /** The vectors of each block, in file order: `x:COL`, `x2:COL`, `n:COL`, `i:COL:INDEX`. */
  vectors: z.array(z.string()),
  /** Per block, the CID of each vector's ciphertext file. */
  blocks: z.array(z.array(CidString)),
});
export type HeTableManifest = z.output<typeof HeTableManifestSchema>;

export const HE_TABLE_FILE = 'he.json';
export const ctPath = (cid: string) => `ct/${cid}.seal`;

export const vectorName = {
  value: (c: string) => `x:${c}`,
  square: (c: string) => `x2:${c}`,
  present: (c: string) => `n:${c}`,
  indicator: (c: string, i: number) => `i:${c}:${i}`,
};

/** The index of a vector in a table's blocks, or undefined. */
export function vectorIndex(m: HeTableManifest, name: string): number | undefined {
  const i = m.vectors.indexOf(name);
  return i < 0 ? undefined : i;
}
