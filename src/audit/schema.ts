import type { Hex } from 'viem';
import type { PledgeView } from '../chain/index.js';
import type { EpochFile, ReceiptFile } from '../receipts/index.js';

/** The stable codes of audit findings (what a script branches on; the message is for people). */
export const FINDING_CODES = [
  'unreadable',
  'signature',
  'domain',
  'hash-mismatch',
  'chain-gap',
  'chain-fork',
  'chain-order',
  'replay',
  'pledge-mismatch',
  'op-not-allowed',
  'outside-validity',
  'after-revocation',
  'rows-exceed-max',
  'proof-invalid',
  'proof-root',
  'evidence-missing',
  'evidence-mismatch',
  'receipt-missing',
  'payment-mismatch',
  'chain-disagrees',
  'anchor-mismatch',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/**
 * One thing the audit found wrong (`error`: the audit fails) or could not check (`warning`: it
 * does not), named by pledge and, where it is one receipt's, its place in the chain.
 */
export type AuditFinding = {
  code: FindingCode;
  level: 'error' | 'warning';
  pledge: string;
  seq?: number;
  message: string;
};

/** One file of a pledge's folder in the store: its place by name, and the receipt or why not. */
export type StoredEntry = { seq: number; receipt: ReceiptFile } | { seq: number; problem: string };

/** What a receipt's evidence file turned out to be, checked by the adapter (hashes, proofs). */
export type EvidenceFact =
  | {
      kind: 'he-release';
      sha256: string;
      actualSha256?: string | undefined;
      problem?: string | undefined;
      /** sha256 of the SQL, the released.json's resultSha256, and this pledge's rows in it. */
      specSha256?: string;
      proofSha256?: string;
      rows?: number | undefined;
    }
  | {
      kind: 'zk-bundle';
      sha256: string;
      actualSha256?: string | undefined;
      problem?: string | undefined;
      resultId?: Hex;
      specSha256?: string;
      rows?: number;
      pledgeId?: string | undefined;
      token?: { chainId: number; dataNft: string; tokenId: string; version: number } | undefined;
      /** checkBundle's verdict against the DataNFT root of the receipt's token version on chain. */
      check?: { ok: true } | { ok: false; failed: string; reason: string };
    }
  | {
      kind: 'train-job';
      sha256: string;
      actualSha256?: string | undefined;
      problem?: string | undefined;
      specSha256?: string;
      modelSha256?: string;
      rows?: number | undefined;
      commitmentRoot?: string | undefined;
      token?: { tokenId: string; version: number } | undefined;
      /** verifyJob's verdict; `unavailable`: the datasets' commitments are not in this workspace. */
      check?: { ok: true } | { ok: false; failed: string; reason: string } | { unavailable: string };
    }
  | { kind: 'grant'; sha256: string; actualSha256?: string | undefined; problem?: string | undefined };

/** One on-chain ReceiptAccepted event of a pledge. */
export type AcceptedOnChain = {
  jobId: Hex;
  op: number;
  rows: bigint;
  resultHash: Hex;
  head: Hex;
  time: bigint;
};
/** One on-chain Credited event of a pledge. */
export type CreditedOnChain = { amount: bigint; rowsUsed: bigint; time: bigint };

/** Everything the audit of one pledge reads, as plain data. */
export type PledgeFacts = {
  pledgeId: string;
  pledge: PledgeView;
  /** The DataNFT root of the pledge's token version (undefined: the chain has none). */
  root: Hex | undefined;
  entries: StoredEntry[];
  /** Evidence facts by the sha256 of the evidence file. */
  evidence: Record<string, EvidenceFact>;
  accepted: AcceptedOnChain[];
  credited: CreditedOnChain[];
};

/** One closed epoch of the store, with its anchor on chain. */
export type EpochFacts = {
  name: string;
  file?: EpochFile | undefined;
  problem?: string | undefined;
  anchor: { root: Hex; count: number } | undefined;
};

/** The domain receipts are signed under: this chain's id and PledgeMarket. */
export type AuditDomain = { chainId: number; market: `0x${string}` };

/** One row of the audit's table: a pledge's dataset, consumer, use and payment. */
export type AuditRow = {
  pledge: string;
  tokenId: string;
  version: number;
  owner: string;
  consumer: string;
  asset: string;
  jobs: number;
  rows: string;
  /** Receipts and rows accepted on chain (the settled part of the chain). */
  settledJobs: number;
  settledRows: string;
  /** Wei: rows of the receipts × price per row; paid: the Credited events' sum. */
  owed: string;
  paid: string;
  status: 'ok' | 'unsettled' | 'FAILED';
};

/** A point of the usage and payout timeline (unix seconds; cumulative rows and wei). */
export type TimelinePoint = { pledge: string; time: number; rows: string; paid: string };

/** What `auditWorkspace` and `sinso audit` return. */
export type AuditReport = {
  ok: boolean;
  owners: string[];
  rows: AuditRow[];
  findings: AuditFinding[];
  timeline: TimelinePoint[];
};
