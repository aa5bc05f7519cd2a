import { z } from 'zod';
import { DatasetIdSchema } from '../core/datasetId.js';
import { AsOfYearOptionSchema } from '../core/options.js';
import { MinKOptionSchema, QuasiIdentifiersOptionSchema } from '../tables/index.js';

/** Options of `sinso publish` and of the `publish` pipeline stage (one schema for both). */
export const PublishOptionsSchema = z.strictObject({
  tables: z.string().min(1).describe('A tables folder (output of `sinso tables` or `sinso tables suppress`)'),
  commitment: z
    .string()
    .min(1)
    .optional()
    .describe('commitment.json of exactly these tables (`sinso commit`); default: commit them here'),
  out: z
    .string()
    .min(1)
    .describe('Output folder: manifest.json, commitment.json, files/*.enc, dataset.car, publish.json'),
  name: z.string().min(1).max(200).describe('Dataset name (the NFT name); never put an identifier in it'),
  description: z
    .string()
    .max(4000)
    .optional()
    .describe('Dataset description (default: made from the counts)'),
  dataset: DatasetIdSchema.optional().describe(
    'Dataset id: its key is `dataset-ID` in the keystore (default: the name as an id)',
  ),
  minK: MinKOptionSchema.describe('Refuse below this k-anonymity'),
  qi: QuasiIdentifiersOptionSchema.describe('A quasi-identifier for the k-anonymity check (repeatable)'),
  asOfYear: AsOfYearOptionSchema.describe('Year for age bands (default: latest in the data)'),
  suppress: z
    .enum(['drop', 'generalize'])
    .optional()
    .describe(
      'Below --min-k: run `sinso tables suppress` first (drop those patients, or generalize then drop); a pipeline runs tables.suppress as its own stage instead',
    ),
  ipfs: z.url().optional().describe('Also import the dataset into this Kubo node (RPC API URL) and pin it'),
});
export type PublishOptions = z.output<typeof PublishOptionsSchema>;

/** What `publish` reports (`--json`, the runner, the demo). */
export const PublishResultSchema = z.strictObject({
  name: z.string().describe('name'),
  dataset: z.string().describe('dataset id'),
  tokenUri: z.string().describe('token URI'),
  commitmentRoot: z.string().describe('commitment root'),
  rows: z.number().int().describe('rows'),
  tables: z.number().int().describe('tables'),
  k: z.number().int().describe('k'),
  minK: z.number().int().describe('min k'),
  quasiIdentifiers: z.array(z.string()).describe('quasi-identifiers'),
  suppression: z.string().optional().describe('suppression'),
  patientsDropped: z.number().int().describe('patients dropped'),
  patientsGeneralized: z.number().int().describe('patients generalized'),
  carBytes: z.number().int().describe('CAR bytes'),
  pinnedOn: z.string().optional().describe('pinned on'),
});
export type PublishResult = z.output<typeof PublishResultSchema>;
