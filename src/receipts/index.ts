export { type JobOutput, jobIdOf, OP_BITS, type ReceiptDraft, receiptDrafts } from './build.js';
export { ReceiptError, receiptErrors } from './errors.js';
export {
  accountOf,
  countersignPending,
  type IssuedReceipt,
  issueReceipts,
  receiptPolicyProblem,
  usageReceiptOf,
} from './issue.js';
export { receiptsProof, receiptsRoot, verifyReceiptsProof } from './merkle.js';
export { readJobOutput } from './readJob.js';
export {
  type EpochFile,
  EpochFileSchema,
  type Evidence,
  EvidenceSchema,
  RECEIPT_OPS,
  type ReceiptFields,
  ReceiptFieldsSchema,
  type ReceiptFile,
  ReceiptFileSchema,
  type ReceiptOp,
  SignatureSchema,
} from './record.js';
export { IssuedRecordSchema, receiptsIssueStage } from './stage.js';
export {
  epochPath,
  evidencePath,
  lockStore,
  pendingPath,
  readAllReceipts,
  readEpochs,
  readPendingReceipts,
  readPledgeReceipts,
  readReceiptFile,
  receiptFileText,
  receiptPath,
  receiptStoreDir,
  storedPledges,
  writeOnce,
} from './store.js';
