import { z } from 'zod';
import { PatientIdNamespaceSchema } from './patientIdNamespace.js';

/**
 * The logical type of a column: what a value means, and so how the commitment encodes it into a
 * BN254 field element (docs/commitment.md). The physical (DuckDB / Parquet) type is beside it.
 *
 * - `id`: a keyed pseudonym or reference (VARCHAR); encoded as a hash, so equal ids stay equal.
 * - `string`: any other text (VARCHAR); hashed.
 * - `categorical`: a value from a small vocabulary (codes, units, statuses; VARCHAR); encoded
 *   as its 1-based index in the column's sorted dictionary, which the commitment records.
 * - `int`: a signed 64-bit integer (BIGINT or INTEGER).
 * - `decimal`: a fixed-point number (DECIMAL(18, scale)); encoded as the integer value × 10^scale.
 * - `date`: days since 1970-01-01 (DATE).
 * - `timestamp`: microseconds since 1970-01-01T00:00:00Z (TIMESTAMP, UTC).
 * - `bool`: 0 or 1 (BOOLEAN).
 */
export const ColumnLogicalTypeSchema = z.enum([
  'id',
  'string',
  'categorical',
  'int',
  'decimal',
  'date',
  'timestamp',
  'bool',
]);
export type ColumnLogicalType = z.infer<typeof ColumnLogicalTypeSchema>;

export const TableColumnSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** The DuckDB / Parquet type, e.g. `VARCHAR`, `BIGINT`, `DECIMAL(18,4)`, `DATE`. */
  type: z.string().min(1),
  logical: ColumnLogicalTypeSchema,
  /** Digits after the point, for `decimal` columns. */
  scale: z.number().int().min(0).max(18).optional(),
  nullable: z.boolean(),
  description: z.string(),
});
export type TableColumn = z.infer<typeof TableColumnSchema>;

export const TableEntrySchema = z.strictObject({
  /** `patients`, `observations`, … */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** File name inside the tables folder, e.g. `patients.parquet`. */
  file: z.string().regex(/^[a-z][a-z0-9_]*\.parquet$/),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The columns by which rows are sorted: the row order the commitment follows. */
  orderBy: z.array(z.string()).min(1),
  columns: z.array(TableColumnSchema).min(1),
});
export type TableEntry = z.infer<typeof TableEntrySchema>;

/**
 * The de-identification a source went through, as its report states it (profile name and
 * options; no PHI). Carried into the dataset manifest.
 */
export const DeidSourceSchema = z.strictObject({
  modality: z.enum(['dicom', 'fhir']),
  profile: z.string(),
  options: z.array(z.string()),
  /** Fingerprint of the pseudonymisation secret the source was de-identified with. */
  secretFingerprint: z.string().optional(),
  /**
   * Where its patient identifiers were pseudonymized (the deid report's policy: mode and
   * systems, no identifier): DICOM and FHIR sources link up when these agree.
   */
  patientIdNamespace: PatientIdNamespaceSchema.optional(),
});
export type DeidSource = z.infer<typeof DeidSourceSchema>;

/** `DIR/tables.json`, written by `sinso tables`: the tables of one dataset, in Parquet. */
export const TablesManifestSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-tables'),
  /** Version of the table schemas (docs/tables.md); bump on any change of columns or meaning. */
  tablesVersion: z.string(),
  tables: z.array(TableEntrySchema),
  sources: z.array(DeidSourceSchema),
  /** Rows dropped by suppression (k-anonymity), if any was applied. */
  suppression: z
    .strictObject({
      method: z.enum(['drop', 'generalize']),
      minK: z.number().int().min(1),
      quasiIdentifiers: z.array(z.string()),
      patientsDropped: z.number().int().min(0),
      patientsGeneralized: z.number().int().min(0),
      rowsDropped: z.number().int().min(0),
    })
    .optional(),
});
export type TablesManifest = z.infer<typeof TablesManifestSchema>;
