import { z } from 'zod';

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'a 32-byte hex string');
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address');
const Uint = z.string().regex(/^(0|[1-9][0-9]*)$/, 'an unsigned integer in decimal');
/** The operations a receipt may name (one each; a public-mode HE query is an he-query). */
export const RECEIPT_OPS = ['he-query', 'zk-query', 'train', 'access'] as const;
export type ReceiptOp = (typeof RECEIPT_OPS)[number];

/** A compact (ERC-2098) EIP-712 signature and the address it must recover to. */
export const SignatureSchema = z.strictObject({ signer: Address, r: Hex32, vs: Hex32 });

/** The signed fields, exactly the contract's UsageReceipt (integers as decimal text). */
export const ReceiptFieldsSchema = z.strictObject({
  pledgeId: Uint,
  jobId: Hex32,
  tokenId: Uint,
  version: z.number().int().min(0),
  op: z.enum(RECEIPT_OPS),
  rows: Uint,
  /** Unix seconds. */
  startedAt: z.number().int().min(0),
  specHash: Hex32,
  resultHash: Hex32,
  proofHash: Hex32,
  prev: Hex32,
});
export type ReceiptFields = z.infer<typeof ReceiptFieldsSchema>;

/** A file the receipt's hashes are of, kept in the store's evidence/ folder by its sha256. */
export const EvidenceSchema = z.strictObject({
  /** What the file is: the HE release, the encrypted HE result, a ZK bundle, a training job record, a grant. */
  kind: z.enum(['he-release', 'zk-bundle', 'train-job', 'grant']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Whether a copy is in evidence/<sha256>.json (large or secret files are only named). */
  kept: z.boolean(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/**
 * One usage receipt as the store keeps it: `receipts/<chain>/pledge-<id>/<seq>.json`, written
 * once. `seq` is its place in the pledge's hash chain (1 the first; `prev` is the struct hash of
 * receipt seq − 1, zero for the first); `hash` is its EIP-712 struct hash. A receipt the consumer
 * has not countersigned yet waits in `pending/` with `consumer: null`.
 */
export const ReceiptFileSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-usage-receipt'),
  chain: z.string(),
  chainId: z.number().int(),
  /** The PledgeMarket: the EIP-712 domain's verifying contract. */
  market: Address,
  seq: z.number().int().min(1),
  receipt: ReceiptFieldsSchema,
  hash: Hex32,
  evidence: z.array(EvidenceSchema),
  compute: SignatureSchema,
  consumer: SignatureSchema.nullable(),
});
export type ReceiptFile = z.infer<typeof ReceiptFileSchema>;

/**
 * One closed epoch of an issuer's receipts: `receipts/<chain>/epochs/<issuer>-<epoch>.json`,
 * written once, before its root is anchored on chain. Its receipts are every countersigned
 * receipt of the issuer not in an earlier epoch, ordered by pledge id then sequence.
 */
export const EpochFileSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-receipt-epoch'),
  chain: z.string(),
  chainId: z.number().int(),
  market: Address,
  issuer: Address,
  epoch: z.number().int().min(1),
  receipts: z.array(z.strictObject({ pledgeId: Uint, seq: z.number().int().min(1), hash: Hex32 })).min(1),
  root: Hex32,
});
export type EpochFile = z.infer<typeof EpochFileSchema>;
