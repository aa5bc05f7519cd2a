import type { ReceiptFile } from '../receipts/index.js';
import { SettleError } from './errors.js';

const ZERO32 = `0x${'00'.repeat(32)}`;

/**
 * Where a pledge's on-chain receipt head is in its local chain: its sequence, 0 when nothing was
 * submitted (a zero head), −1 when the head is no receipt of the local chain.
 *
 * @example
 * headSeqOf(await readPledgeReceipts(dir, '1'), (await market.pledgeOf(1n)).receiptHead);
 */
export function headSeqOf(local: readonly ReceiptFile[], head: string): number {
  if (head.toLowerCase() === ZERO32) return 0;
  return local.find((r) => r.hash.toLowerCase() === head.toLowerCase())?.seq ?? -1;
}

/** A pledge's state on chain, as a settlement needs it. */
export type PledgeOnChain = {
  receiptHead: string;
  rowsUsed: bigint;
  maxRows: bigint;
  pricePerRow: bigint;
  /** What is left of the consumer's lock for this pledge. */
  locked: bigint;
};

export type PlanPledgeReturnType = {
  /** The sequence of the on-chain head in the local chain (0: nothing submitted yet). */
  headSeq: number;
  /** The receipts to submit now, in chain order (all fit the pledge's remaining rows). */
  submit: ReceiptFile[];
  /** Why what is left cannot be submitted, if anything is. */
  refused: SettleError | undefined;
};

/**
 * What to submit of one pledge: the hash chain on chain is the truth, so the receipts after the
 * on-chain head (found in the local chain; zero: none submitted), as long as each is in the
 * epochs being settled (`settling`, by sequence) and their rows fit what the pledge still pays
 * for (its maximum rows less those used, and no more than its lock). Pure.
 *
 * @example
 * const plan = planPledge({ pledgeId: '1', local, settling: new Set([1, 2]), onChain });
 */
export function planPledge(p: {
  pledgeId: string;
  local: readonly ReceiptFile[];
  settling: ReadonlySet<number>;
  onChain: PledgeOnChain;
}): PlanPledgeReturnType {
  const { onChain } = p;
  const headSeq = headSeqOf(p.local, onChain.receiptHead);
  if (headSeq < 0) {
    return { headSeq, submit: [], refused: new SettleError('SETTLE_CHAIN_DIVERGED', { pledge: p.pledgeId }) };
  }
  const after = p.local.filter((r) => r.seq > headSeq).sort((a, b) => a.seq - b.seq);
  const next: ReceiptFile[] = [];
  for (const r of after) {
    if (!p.settling.has(r.seq)) break;
    next.push(r);
  }
  let refused: SettleError | undefined;
  const stranded = after.find((r) => p.settling.has(r.seq) && !next.includes(r));
  if (stranded) refused = new SettleError('SETTLE_OUT_OF_ORDER', { pledge: p.pledgeId, seq: stranded.seq });
  let remaining = onChain.maxRows - onChain.rowsUsed;
  if (onChain.pricePerRow !== 0n && onChain.locked / onChain.pricePerRow < remaining) {
    remaining = onChain.locked / onChain.pricePerRow;
  }
  const submit: ReceiptFile[] = [];
  let rows = 0n;
  for (const r of next) {
    if (rows + BigInt(r.receipt.rows) > remaining) break;
    rows += BigInt(r.receipt.rows);
    submit.push(r);
  }
  if (submit.length < next.length) {
    const left = next.slice(submit.length).reduce((n, r) => n + BigInt(r.receipt.rows), 0n);
    refused = new SettleError('SETTLE_ROWS_EXCEEDED', {
      pledge: p.pledgeId,
      rows: left.toString(),
      remaining: (remaining - rows).toString(),
    });
  }
  return { headSeq, submit, refused };
}
