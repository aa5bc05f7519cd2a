import { z } from 'zod';

/** The job record's file name in a model folder (also how a rerun recognises its folder). */
export const JOB_FILE = 'job.json';

const Range = z.tuple([z.number().int().min(0), z.number().int().min(1)]);

/**
 * `job.json` beside a trained model: what the job was and which committed rows it used (per
 * pledged dataset and table, as [start, end) ranges of row indices in commitment order), so a
 * usage receipt can name them and an audit can check them against the DataNFT's root. It holds
 * no value of any row.
 */
export const TrainJobSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-train-job'),
  model: z.string(),
  specSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** sha256 of the ONNX model file and of the model card (JSON). */
  modelSha256: z.string().regex(/^[0-9a-f]{64}$/),
  cardSha256: z.string().regex(/^[0-9a-f]{64}$/),
  chainId: z.number().int(),
  dataNft: z.string(),
  datasets: z.array(
    z.strictObject({
      pledge: z.string(),
      tokenId: z.string(),
      version: z.number().int(),
      commitmentRoot: z.string(),
      manifestCid: z.string(),
      /** Examples the job drew from this dataset (training and validation). */
      examples: z.number().int().min(0),
      tables: z.array(
        z.strictObject({ table: z.string(), rows: z.number().int().min(0), ranges: z.array(Range) }),
      ),
    }),
  ),
  /** Row-uses: the sum of every dataset's rows used (what a receipt bills). */
  rowsUsed: z.number().int().min(0),
});
export type TrainJob = z.infer<typeof TrainJobSchema>;
