import { encodeAbiParameters, type Hex, keccak256 } from 'viem';
import { chunkProof, zkResultId, zkTotals } from '../chain/index.js';
import { sha256Hex } from '../core/hash.js';
import type { Released } from '../he/index.js';
import type { TrainJob } from '../train/index.js';
import type { ProofBundle } from '../zk/index.js';
import type { Evidence, ReceiptOp } from './record.js';

/** The bit of each operation a receipt names (the contract's OP_* constants). */
export const OP_BITS: Record<ReceiptOp, number> = { 'he-query': 1, 'zk-query': 2, train: 4, access: 8 };

/** A job's output, read and parsed, as receipts are made from it (the bytes are what is hashed). */
export type JobOutput =
  | { kind: 'he-query'; released: Released; bytes: Uint8Array }
  | { kind: 'zk-query'; bundle: ProofBundle; bytes: Uint8Array }
  | { kind: 'train'; job: TrainJob; bytes: Uint8Array };

/** What one pledge's receipt of a job says, before the chain's facts (token, head) are added. */
export type ReceiptDraft = {
  pledgeId: string;
  op: ReceiptOp;
  rows: bigint;
  jobId: Hex;
  specHash: Hex;
  resultHash: Hex;
  proofHash: Hex;
  /** For a zk-query: the token version its result is proven over (the pledge's, checked). */
  token?: { tokenId: bigint; version: number };
  evidence: (Evidence & { bytes?: Uint8Array })[];
};

const ZERO32 = `0x${'00'.repeat(32)}` as Hex;
const hex32 = (sha256: string) => `0x${sha256}` as Hex;

/**
 * The id of a job: keccak256(abi.encode(uint8 op, bytes32 specHash, bytes32 resultHash, bytes32
 * proofHash)). A job's outputs name it, so the same outputs receipted again are the same job and
 * are never billed twice; a rerun that produced other bytes (new ciphertexts, new proofs) is a
 * job of its own.
 */
export function jobIdOf(op: ReceiptOp, specHash: Hex, resultHash: Hex, proofHash: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'uint8' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [OP_BITS[op], specHash, resultHash, proofHash],
    ),
  );
}

function draft(
  pledgeId: string,
  op: ReceiptOp,
  rows: bigint,
  specHash: Hex,
  resultHash: Hex,
  proofHash: Hex,
  evidence: ReceiptDraft['evidence'],
  token?: ReceiptDraft['token'],
): ReceiptDraft {
  return {
    pledgeId,
    op,
    rows,
    jobId: jobIdOf(op, specHash, resultHash, proofHash),
    specHash,
    resultHash,
    proofHash,
    evidence,
    ...(token ? { token } : {}),
  };
}

/**
 * The receipts a job's output calls for: one per pledge it used, each with that pledge's rows
 * (so a pooled job pays each owner for its own rows).
 *
 * - HE query (`released.json`): spec = sha256 of the SQL text; result = sha256 of released.json
 *   (what the consumer got); proof = the sha256 of the encrypted result it was decrypted from.
 * - ZK query (the proof bundle): spec = sha256 of the canonical query; result = the registry's
 *   result id (what PledgeMarket checks is proven); proof = sha256 of the bundle; rows = the
 *   table's committed rows (every one is proven over).
 * - Training (`job.json`): spec = the model spec's sha256; result = the ONNX model's sha256;
 *   proof = sha256 of job.json (the committed rows used, checked against the root by
 *   `sinso verify`); rows = the dataset's rows used.
 *
 * @example
 * const drafts = receiptDrafts({ kind: 'train', job, bytes });
 */
export function receiptDrafts(out: JobOutput): ReceiptDraft[] {
  const fileHash = sha256Hex(out.bytes);
  switch (out.kind) {
    case 'he-query': {
      const r = out.released;
      const spec = hex32(sha256Hex(r.query));
      const evidence = [{ kind: 'he-release' as const, sha256: fileHash, kept: true, bytes: out.bytes }];
      const rows = new Map<string, bigint>();
      for (const d of r.datasets) rows.set(d.pledge, (rows.get(d.pledge) ?? 0n) + BigInt(d.rows));
      return [...rows].map(([pledge, n]) =>
        draft(pledge, 'he-query', n, spec, hex32(fileHash), hex32(r.resultSha256), evidence),
      );
    }
    case 'zk-query': {
      const b = out.bundle;
      const token = b.dataset.token;
      if (!token || !b.dataset.pledgeId) throw new TypeError('zk bundle without a pledge');
      const chunks = b.chunks.map((c) => chunkProof(c.circuit, c.proof, c.publicSignals));
      const resultId = zkResultId({
        tokenId: BigInt(token.tokenId),
        version: BigInt(token.version),
        queryHash: b.queryHash as Hex,
        ...zkTotals(chunks),
      });
      const spec = hex32(sha256Hex(JSON.stringify(b.query)));
      const evidence = [{ kind: 'zk-bundle' as const, sha256: fileHash, kept: true, bytes: out.bytes }];
      return [
        draft(
          b.dataset.pledgeId,
          'zk-query',
          BigInt(b.table.rows),
          spec,
          resultId,
          hex32(fileHash),
          evidence,
          {
            tokenId: BigInt(token.tokenId),
            version: token.version,
          },
        ),
      ];
    }
    case 'train': {
      const j = out.job;
      const evidence = [{ kind: 'train-job' as const, sha256: fileHash, kept: true, bytes: out.bytes }];
      return j.datasets.map((d) =>
        draft(
          d.pledge,
          'train',
          BigInt(d.tables.reduce((n, t) => n + t.rows, 0)),
          hex32(j.specSha256),
          hex32(j.modelSha256),
          hex32(fileHash),
          evidence,
          { tokenId: BigInt(d.tokenId), version: d.version },
        ),
      );
    }
  }
}

export { ZERO32 };
