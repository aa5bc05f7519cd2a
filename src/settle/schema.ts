import { z } from 'zod';

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address');
const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'a 32-byte hex string');
const Wei = z.string().regex(/^(0|[1-9][0-9]*)$/, 'an amount in wei (decimal)');

/** The amounts of a line of the report, in wei: due, paid by this settlement, paid before. */
const Amounts = {
  receipts: z.number().int().min(0),
  rows: z.string().regex(/^(0|[1-9][0-9]*)$/),
  /** Σ rows × price of the receipts the pledge pays for (its maximum rows caps it). */
  due: Wei,
  paidNow: Wei,
  paidBefore: Wei,
};

/** One issuer's epoch: closed now or before, and its anchor on chain. */
export const SettledEpochSchema = z.strictObject({
  issuer: Address,
  epoch: z.number().int().min(1),
  receipts: z.number().int().min(1),
  root: Hex32,
  closed: z.enum(['now', 'before']),
  /** `skipped`: this workspace does not hold the issuer's key (nobody else may anchor for it). */
  anchored: z.enum(['now', 'before', 'skipped']),
});
export type SettledEpoch = z.infer<typeof SettledEpochSchema>;

/** One pledge (a dataset: token version) in the report. */
export const SettledPledgeSchema = z.strictObject({
  pledgeId: z.string(),
  tokenId: z.string(),
  version: z.number().int().min(0),
  owner: Address,
  /** The workspace key name of the owner, when this workspace holds it. */
  ownerKey: z.string().nullable(),
  pricePerRow: Wei,
  ...Amounts,
  /** Receipts submitted now, and in how many transactions. */
  submitted: z.number().int().min(0),
  transactions: z.number().int().min(0),
  status: z.enum(['settled', 'refused']),
  /** Why the contract would refuse what is left (a SETTLE_* code and its message). */
  refused: z.strictObject({ code: z.string(), reason: z.string() }).nullable(),
});
export type SettledPledge = z.infer<typeof SettledPledgeSchema>;

/** One owner: its pledges summed. */
export const SettledOwnerSchema = z.strictObject({
  owner: Address,
  ownerKey: z.string().nullable(),
  pledges: z.array(z.string()),
  ...Amounts,
});
export type SettledOwner = z.infer<typeof SettledOwnerSchema>;

/**
 * What `sinso settle --out` writes: the epochs settled, every pledge with receipts in them and
 * every owner, each with its receipts, rows, amount due, paid now and paid before (wei). The
 * order is fixed (epochs by issuer then number, pledges by id, owners by address).
 */
export const SettlementReportSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-settlement'),
  chain: z.string(),
  chainId: z.number().int(),
  market: Address,
  /** The epoch settled again (--epoch), or null: every open epoch. */
  epoch: z.number().int().min(1).nullable(),
  epochs: z.array(SettledEpochSchema),
  pledges: z.array(SettledPledgeSchema),
  owners: z.array(SettledOwnerSchema),
  totals: z.strictObject({
    ...Amounts,
    submitted: z.number().int().min(0),
    transactions: z.number().int().min(0),
  }),
});
export type SettlementReport = z.infer<typeof SettlementReportSchema>;
