import { z } from 'zod';

const Cid = z.string().regex(/^b[a-z2-7]{20,}$/, 'a CIDv1 in base32');
const FieldHex = z.string().regex(/^0x[0-9a-f]{64}$/);

/**
 * `publish.json` beside a published dataset, written by the publish stage: what was published,
 * and where to find it. Read by the demo summary and by the publish stage itself (to own its
 * output).
 */
export const PublishRecordSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-publish'),
  name: z.string(),
  manifestCid: Cid,
  /** `ipfs://<manifestCid>`: the token URI the data NFT points at. */
  tokenUri: z.string(),
  commitmentRoot: FieldHex,
  rows: z.number().int().min(0),
  car: z.strictObject({ path: z.string(), bytes: z.number().int().min(0), roots: z.array(Cid) }),
  /** The keystore name of the per-dataset key (never the key). */
  datasetKey: z.string(),
  ipfs: z.strictObject({ pinned: z.boolean(), node: z.string().optional() }).optional(),
});
export type PublishRecord = z.infer<typeof PublishRecordSchema>;
