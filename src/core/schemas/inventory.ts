import { z } from 'zod';

const Counts = z.record(z.string(), z.number().int().min(0));

/**
 * `inventory.json` written by `sinso ingest scan`: what a set of inputs holds, by counts only.
 * No paths (they can hold identifiers): rejected inputs are named by ordinal.
 */
export const InventorySchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-inventory'),
  inputs: z.number().int().min(0),
  files: z.strictObject({
    dicom: z.number().int().min(0),
    fhirNdjson: z.number().int().min(0),
    fhirJson: z.number().int().min(0),
    other: z.number().int().min(0),
    rejected: z.number().int().min(0),
  }),
  bytes: z.number().int().min(0),
  fhirResources: Counts,
  dicomTransferSyntaxes: Counts,
  dicomSopClasses: Counts,
  rejected: z.array(z.strictObject({ ordinal: z.number().int().min(1), reason: z.string() })),
});
export type Inventory = z.infer<typeof InventorySchema>;
