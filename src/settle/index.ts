/**
 * Settlement: closes epochs of usage receipts (anchored on chain by their Merkle root), submits
 * them to PledgeMarket in batches, resuming from the on-chain receipt head, and reports what
 * each owner and dataset is due and was paid (docs/receipts.md).
 */
export {
  type SettleReceiptsParameters,
  settleReceipts,
} from './adapters/settleReceipts.js';
export { closeEpochs, epochFileText } from './closeEpochs.js';
export { SettleError, settleErrors } from './errors.js';
export { headSeqOf, type PlanPledgeReturnType, type PledgeOnChain, planPledge } from './planPledge.js';
export {
  type SettledEpoch,
  SettledEpochSchema,
  type SettledOwner,
  SettledOwnerSchema,
  type SettledPledge,
  SettledPledgeSchema,
  type SettlementReport,
  SettlementReportSchema,
} from './schema.js';
export { settleStage } from './stage.js';
export { summarizeSettlement } from './summarize.js';
