import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes of settlement: epochs and their anchors, and the pledges a settlement refuses. */
export const settleErrors = defineErrorCodes({
  SETTLE_EPOCH_NOT_FOUND: {
    message: (f: { epoch: number }) => `No issuer of this receipt store has closed epoch ${f.epoch}.`,
    fix: 'Run `sinso settle` without --epoch to close a new epoch; --epoch names an epoch already closed (receipts/<chain>/epochs/).',
  },
  SETTLE_ANCHOR_MISMATCH: {
    message: (f: { issuer: string; epoch: number }) =>
      `The chain's anchor of epoch ${f.epoch} of issuer ${f.issuer} is not the root of the epoch file.`,
    fix: 'The epoch file or the chain is not the one that anchored it: restore receipts/<chain>/epochs/ from a backup, or settle against the chain the epoch was anchored on (`sinso audit` names what differs).',
  },
  SETTLE_CHAIN_DIVERGED: {
    message: (f: { pledge: string }) =>
      `The receipt head of pledge ${f.pledge} on chain is no receipt of the local store.`,
    fix: 'Receipts of this pledge were submitted from another store: settle from the workspace holding its full receipt chain.',
  },
  SETTLE_OUT_OF_ORDER: {
    message: (f: { pledge: string; seq: number }) =>
      `Receipt ${f.seq} of pledge ${f.pledge} follows receipts of an epoch not settled yet.`,
    fix: 'Settle the earlier epoch first (`sinso settle` without --epoch settles every open epoch, oldest first).',
  },
  SETTLE_ROWS_EXCEEDED: {
    message: (f: { pledge: string; rows: string; remaining: string }) =>
      `Pledge ${f.pledge} pays for ${f.remaining} more row-uses, and its receipts left name ${f.rows}.`,
    fix: 'The contract refuses row-uses beyond the pledge’s maximum (or its remaining lock): the owner pledges again with a higher --max-rows for further jobs.',
  },
  SETTLE_ZK_UNPROVEN: {
    message: (f: { pledge: string; seq: number; problem: string }) =>
      `Receipt ${f.seq} of pledge ${f.pledge} names a zk-query result not proven on chain: ${f.problem}.`,
    fix: 'Keep the proof bundle as the receipt’s zk-bundle evidence (receipts/<chain>/evidence/), or submit it with `sinso zk submit BUNDLE`, then settle again.',
  },
});

/**
 * Settlement could not close, anchor or submit an epoch, or refuses a pledge's receipts.
 * Carries ids, hashes and counts, never a value of a row.
 *
 * @example
 * throw new SettleError('SETTLE_EPOCH_NOT_FOUND', { epoch: 3 });
 */
export class SettleError extends errorClass(settleErrors) {
  override name = 'SettleError';
}
