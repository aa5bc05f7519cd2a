import { z } from 'zod';

export const ScanOptionsSchema = z.strictObject({
  inputs: z
    .array(z.string().min(1))
    .min(1)
    .describe('Files or folders to scan (folders are walked recursively)'),
  out: z.string().min(1).describe('Where to write inventory.json'),
});
export type ScanOptions = z.output<typeof ScanOptionsSchema>;
