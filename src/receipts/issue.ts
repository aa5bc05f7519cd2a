import { readFile, rm } from 'node:fs/promises';
import type { Account, Hex } from 'viem';
import {
  type ChainSession,
  OPERATIONS,
  openMarket,
  PLEDGE_STATES,
  type PledgeView,
  receiptHash,
  receiptSigner,
  signReceipt,
  type UsageReceipt,
} from '../chain/index.js';
import { sha256Hex } from '../core/hash.js';
import type { Workspace } from '../core/workspace.js';
import { OP_BITS, type ReceiptDraft, ZERO32 } from './build.js';
import { ReceiptError } from './errors.js';
import type { ReceiptFields, ReceiptFile } from './record.js';
import {
  evidencePath,
  lockStore,
  pendingPath,
  readPendingReceipts,
  readPledgeReceipts,
  receiptFileText,
  receiptPath,
  receiptStoreDir,
  writeOnce,
} from './store.js';

type Signer = Account & { signTypedData: NonNullable<Account['signTypedData']> };

/** The workspace's account whose address is `address`, if this workspace holds its key. */
export async function accountOf(workspace: Workspace, address: string): Promise<Signer | undefined> {
  const k = (await workspace.listKeys()).find(
    (x) => x.kind === 'evm' && x.fingerprint.toLowerCase() === address.toLowerCase(),
  );
  if (!k) return undefined;
  return (await (await workspace.keys()).account(k.name)) as Signer;
}

/** The contract's struct, from a stored receipt's fields. */
export function usageReceiptOf(f: ReceiptFields): UsageReceipt {
  return {
    pledgeId: BigInt(f.pledgeId),
    jobId: f.jobId as Hex,
    tokenId: BigInt(f.tokenId),
    version: f.version,
    op: OP_BITS[f.op],
    rows: BigInt(f.rows),
    startedAt: BigInt(f.startedAt),
    specHash: f.specHash as Hex,
    resultHash: f.resultHash as Hex,
    proofHash: f.proofHash as Hex,
    prev: f.prev as Hex,
  };
}

/** Why a job started at `startedAt` may not be receipted under the pledge (undefined: it may). */
export function receiptPolicyProblem(
  p: PledgeView,
  op: keyof typeof OP_BITS,
  startedAt: bigint,
): string | undefined {
  const state = PLEDGE_STATES[p.state] ?? 'none';
  if (state === 'none') return 'there is no such pledge';
  if (p.acceptedAt === 0n) return 'the consumer has not accepted it';
  if ((p.ops & OPERATIONS[op]) === 0) return `it does not allow ${op}`;
  if (startedAt < p.acceptedAt) return 'the job started before the consumer accepted it';
  if (startedAt >= p.expiresAt) return 'the job started after it expired';
  if (p.revokedAt !== 0n && startedAt >= p.revokedAt) return 'the owner revoked it before the job started';
  return undefined;
}

/** One receipt issued (or found issued before) for a job. */
export type IssuedReceipt = {
  file: string;
  receipt: ReceiptFile;
  status: 'issued' | 'existed';
  countersigned: boolean;
};

/**
 * As the compute node: makes, signs and stores the usage receipts of one job's drafts (one per
 * pledge), each chained to the pledge's last receipt. The pledge is read on chain first: the
 * operation must be allowed and the job must have started (`startedAt`, unix seconds) after
 * acceptance, before expiry and before any revocation, else RECEIPT_POLICY_REFUSED and nothing
 * is written. When the workspace also holds the pledge's consumer key and `countersign` is set,
 * the consumer checks the receipt against the evidence and countersigns it at once (the receipt
 * goes straight to `pledge-<id>/`); otherwise it waits in `pending/` for `countersignReceipt`.
 * The same job receipted again finds its receipt (same job id) and writes nothing.
 *
 * @example
 * const issued = await issueReceipts({ chain, workspace: ws, drafts, startedAt: 1767225600n, countersign: true });
 */
export async function issueReceipts(p: {
  chain: ChainSession;
  workspace: Workspace;
  drafts: readonly ReceiptDraft[];
  startedAt: bigint;
  countersign: boolean;
}): Promise<IssuedReceipt[]> {
  const market = openMarket(p.chain);
  const dir = receiptStoreDir(p.workspace, p.chain.key);
  const domain = { chainId: p.chain.chainId, market: market.deployment.pledgeMarket as `0x${string}` };
  // every check first: a refused draft writes nothing of the job
  const plans: { d: ReceiptDraft; pledge: PledgeView; compute: Signer }[] = [];
  for (const d of p.drafts) {
    const pledge = await market.pledgeOf(BigInt(d.pledgeId));
    const problem = receiptPolicyProblem(pledge, d.op, p.startedAt);
    if (problem) throw new ReceiptError('RECEIPT_POLICY_REFUSED', { pledge: d.pledgeId, reason: problem });
    if (d.token && (d.token.tokenId !== pledge.tokenId || d.token.version !== Number(pledge.version))) {
      throw new ReceiptError('RECEIPT_POLICY_REFUSED', {
        pledge: d.pledgeId,
        reason: 'the job used another token version than the pledged one',
      });
    }
    const compute = await accountOf(p.workspace, pledge.compute);
    if (!compute) throw new ReceiptError('RECEIPT_NOT_SIGNER', { role: 'compute node', pledge: d.pledgeId });
    plans.push({ d, pledge, compute });
  }
  return lockStore(dir, async () => {
    const out: IssuedReceipt[] = [];
    for (const { d, pledge, compute } of plans) {
      for (const e of d.evidence)
        if (e.kept && e.bytes) await writeOnce(evidencePath(dir, e.sha256), e.bytes);
      const chain = [...(await readPledgeReceipts(dir, d.pledgeId))];
      const pending = (await readPendingReceipts(dir)).filter((r) => r.receipt.pledgeId === d.pledgeId);
      const known = [...chain, ...pending].find((r) => r.receipt.jobId === d.jobId);
      if (known) {
        const file = known.consumer
          ? receiptPath(dir, d.pledgeId, known.seq)
          : pendingPath(dir, d.pledgeId, known.seq);
        out.push({ file, receipt: known, status: 'existed', countersigned: known.consumer !== null });
        continue;
      }
      const last = [...chain, ...pending].sort((a, b) => a.seq - b.seq).at(-1);
      const fields: ReceiptFields = {
        pledgeId: d.pledgeId,
        jobId: d.jobId,
        tokenId: pledge.tokenId.toString(),
        version: Number(pledge.version),
        op: d.op,
        rows: d.rows.toString(),
        startedAt: Number(p.startedAt),
        specHash: d.specHash,
        resultHash: d.resultHash,
        proofHash: d.proofHash,
        prev: last?.hash ?? ZERO32,
      };
      const r = usageReceiptOf(fields);
      const sig = await signReceipt(compute, r, domain.chainId, domain.market);
      let file: ReceiptFile = {
        schema: '1',
        kind: 'sinso-usage-receipt',
        chain: p.chain.key,
        chainId: domain.chainId,
        market: domain.market,
        seq: (last?.seq ?? 0) + 1,
        receipt: fields,
        hash: receiptHash(r),
        evidence: d.evidence.map(({ bytes: _b, ...e }) => e),
        compute: { signer: compute.address, ...sig },
        consumer: null,
      };
      const consumer = p.countersign ? await accountOf(p.workspace, pledge.consumer) : undefined;
      if (consumer) {
        file = await countersign(file, consumer, dir);
        await writeOnce(receiptPath(dir, d.pledgeId, file.seq), receiptFileText(file));
        out.push({
          file: receiptPath(dir, d.pledgeId, file.seq),
          receipt: file,
          status: 'issued',
          countersigned: true,
        });
      } else {
        await writeOnce(pendingPath(dir, d.pledgeId, file.seq), receiptFileText(file));
        out.push({
          file: pendingPath(dir, d.pledgeId, file.seq),
          receipt: file,
          status: 'issued',
          countersigned: false,
        });
      }
    }
    return out;
  });
}

/**
 * The consumer's checks before it countersigns: the compute node's signature recovers to the
 * pledge's compute node, and every kept evidence file is in the store and hashes to what the
 * receipt names (the consumer countersigns what it received, nothing else).
 */
async function countersign(file: ReceiptFile, consumer: Signer, dir: string): Promise<ReceiptFile> {
  const r = usageReceiptOf(file.receipt);
  const compute = await receiptSigner(
    r,
    { r: file.compute.r as Hex, vs: file.compute.vs as Hex },
    file.chainId,
    file.market as `0x${string}`,
  );
  if (compute.toLowerCase() !== file.compute.signer.toLowerCase()) {
    throw new ReceiptError('RECEIPT_COUNTERSIGN_REFUSED', {
      problem: 'the compute node’s signature does not verify',
    });
  }

  for (const e of file.evidence) {
    if (!e.kept) continue;
    const bytes = await readFile(evidencePath(dir, e.sha256)).catch(() => undefined);
    if (!bytes || sha256Hex(bytes) !== e.sha256) {
      throw new ReceiptError('RECEIPT_COUNTERSIGN_REFUSED', {
        problem: `its ${e.kind} evidence is missing or was changed`,
      });
    }
  }
  const sig = await signReceipt(consumer, r, file.chainId, file.market as `0x${string}`);
  return { ...file, consumer: { signer: consumer.address, ...sig } };
}

/**
 * As the consumer: countersigns every pending receipt of its pledges (checked as `issueReceipts`
 * checks them), moving each into its pledge's chain; returns those countersigned.
 *
 * @example
 * const done = await countersignPending({ chain, workspace: consumerWs });
 */
export async function countersignPending(p: {
  chain: ChainSession;
  workspace: Workspace;
}): Promise<IssuedReceipt[]> {
  const dir = receiptStoreDir(p.workspace, p.chain.key);
  const market = openMarket(p.chain);
  return lockStore(dir, async () => {
    const out: IssuedReceipt[] = [];
    for (const pending of await readPendingReceipts(dir)) {
      const pledge = await market.pledgeOf(BigInt(pending.receipt.pledgeId));
      const consumer = await accountOf(p.workspace, pledge.consumer);
      if (!consumer) continue;
      const signed = await countersign(pending, consumer, dir);
      const file = receiptPath(dir, signed.receipt.pledgeId, signed.seq);
      await writeOnce(file, receiptFileText(signed));

      await rm(pendingPath(dir, signed.receipt.pledgeId, signed.seq), { force: true });
      out.push({ file, receipt: signed, status: 'issued', countersigned: true });
    }
    return out;
  });
}
