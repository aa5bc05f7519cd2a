import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes of usage receipts: jobs they are made from, the store, signatures, epochs. */
export const receiptErrors = defineErrorCodes({
  RECEIPT_JOB_INVALID: {
    message: (f: { problem: string }) => `No usage receipt can be made from this job: ${f.problem}.`,
    fix: 'Pass what a job wrote, unchanged: an HE query folder (released.json), a ZK proof bundle, a model folder (job.json) or a grant record.',
  },
  RECEIPT_POLICY_REFUSED: {
    message: (f: { pledge: string; reason: string }) =>
      `No receipt is issued under pledge ${f.pledge}: ${f.reason}.`,
    fix: 'See the pledge with `sinso datasets`: a receipt names an operation the pledge allows, for a job started after acceptance, before expiry and before any revocation.',
  },
  RECEIPT_NOT_SIGNER: {
    message: (f: { role: 'compute node' | 'consumer'; pledge: string }) =>
      `This workspace holds no key of the ${f.role} of pledge ${f.pledge}.`,
    fix: 'Run it in the workspace of that account (or import its key with `sinso keys import`).',
  },
  RECEIPT_STORE_CORRUPT: {
    message: (f: { file: string; problem: string }) =>
      `The receipt store is damaged: ${f.file} ${f.problem}.`,
    fix: 'Restore the workspace receipts/ folder from a backup: receipts are written once and never edited; `sinso audit` names what is wrong.',
  },
  RECEIPT_COUNTERSIGN_REFUSED: {
    message: (f: { problem: string }) => `The consumer does not countersign this receipt: ${f.problem}.`,
    fix: 'Countersign only a receipt of a job whose result you received unchanged (its evidence file in receipts/evidence).',
  },
});

/**
 * A usage receipt could not be made, stored, signed or read. Carries hashes, ids and counts,
 * never a value of a row.
 *
 * @example
 * throw new ReceiptError('RECEIPT_POLICY_REFUSED', { pledge: '1', reason: 'it was revoked before the job started' });
 */
export class ReceiptError extends errorClass(receiptErrors) {
  override name = 'ReceiptError';
}
