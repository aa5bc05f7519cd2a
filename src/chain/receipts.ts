import {
  type Account,
  type Hex,
  hashStruct,
  parseSignature,
  recoverTypedDataAddress,
  serializeSignature,
  signatureToCompactSignature,
} from 'viem';

/**
 * A usage receipt: one job's use of a pledge, which the pledge's compute node and consumer both
 * sign (EIP-712) and `PledgeMarket.submitReceipts` checks. `prev` is the pledge's receipt head
 * before it (the struct hash of the receipt before, zero for the first), so receipts form a hash
 * chain and each counts once.
 */
export type UsageReceipt = {
  pledgeId: bigint;
  jobId: Hex;
  /** The DataNFT token and version the job used (the pledge's: the contract checks). */
  tokenId: bigint;
  version: number;
  /** One operation bit (1 he-query, 2 zk-query, 4 train, 8 access; a public-mode HE query is 1, never 16). */
  op: number;
  /** Row-uses of this pledge's dataset (a pooled job's other owners have receipts of their own). */
  rows: bigint;
  /** Unix seconds: when the job started (after acceptance, before expiry and any revocation). */
  startedAt: bigint;
  /** The hash of the job's spec (query text, model spec). */
  specHash: Hex;
  /** The hash of what the job produced (a result, a model); for a zk-query, the registry's result id. */
  resultHash: Hex;
  /** The hash of the job's proof (a ZK bundle, the record of the rows used), zero when none. */
  proofHash: Hex;
  prev: Hex;
};

/** The EIP-712 types of a receipt, exactly as the contract's USAGE_RECEIPT_TYPEHASH spells them. */
export const USAGE_RECEIPT_TYPES = {
  UsageReceipt: [
    { name: 'pledgeId', type: 'uint256' },
    { name: 'jobId', type: 'bytes32' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'version', type: 'uint32' },
    { name: 'op', type: 'uint8' },
    { name: 'rows', type: 'uint64' },
    { name: 'startedAt', type: 'uint64' },
    { name: 'specHash', type: 'bytes32' },
    { name: 'resultHash', type: 'bytes32' },
    { name: 'proofHash', type: 'bytes32' },
    { name: 'prev', type: 'bytes32' },
  ],
} as const;

/** The EIP-712 domain of one market on one chain: a receipt signed for another does not verify. */
export function receiptDomain(chainId: number, market: `0x${string}`) {
  return { name: 'sinso PledgeMarket', version: '1', chainId, verifyingContract: market } as const;
}

/** The struct hash of a receipt: what the pledge's head becomes once it is accepted. */
export function receiptHash(r: UsageReceipt): Hex {
  return hashStruct({ types: USAGE_RECEIPT_TYPES, primaryType: 'UsageReceipt', data: r });
}

/**
 * Signs a receipt and returns the compact (ERC-2098) signature `submitReceipts` takes.
 *
 * @example
 * const sig = await signReceipt(computeAccount, receipt, chainId, deployment.pledgeMarket);
 */
export async function signReceipt(
  account: Account & { signTypedData: NonNullable<Account['signTypedData']> },
  r: UsageReceipt,
  chainId: number,
  market: `0x${string}`,
): Promise<{ r: Hex; vs: Hex }> {
  const signature = await account.signTypedData({
    domain: receiptDomain(chainId, market),
    types: USAGE_RECEIPT_TYPES,
    primaryType: 'UsageReceipt',
    message: r,
  });
  const { r: rr, yParityAndS } = signatureToCompactSignature(parseSignature(signature));
  return { r: rr, vs: yParityAndS };
}

/** Who signed a receipt (off chain, as the contract recovers it): for audits and compute nodes. */
export async function receiptSigner(
  r: UsageReceipt,
  sig: { r: Hex; vs: Hex },
  chainId: number,
  market: `0x${string}`,
): Promise<`0x${string}`> {
  const vs = BigInt(sig.vs);
  const yParity = Number(vs >> 255n);
  const s = `0x${(vs & ((1n << 255n) - 1n)).toString(16).padStart(64, '0')}` as Hex;
  return recoverTypedDataAddress({
    domain: receiptDomain(chainId, market),
    types: USAGE_RECEIPT_TYPES,
    primaryType: 'UsageReceipt',
    message: r,
    signature: serializeSignature({ r: sig.r, s, yParity }),
  });
}
