import { readFile } from 'node:fs/promises';
import type { Account, Hex } from 'viem';
import { ChainError, type ChainSession, openMarket } from '../../chain/index.js';
import type { Logger } from '../../core/log.js';
import type { Progress } from '../../core/progress.js';
import type { Workspace } from '../../core/workspace.js';
import {
  accountOf,
  type EpochFile,
  epochPath,
  evidencePath,
  lockStore,
  type ReceiptFile,
  readAllReceipts,
  readEpochs,
  receiptStoreDir,
  usageReceiptOf,
  writeOnce,
} from '../../receipts/index.js';
import { parseProofBundle, submitBundle } from '../../zk/index.js';
import { closeEpochs, epochFileText } from '../closeEpochs.js';
import { SettleError } from '../errors.js';
import { headSeqOf, planPledge } from '../planPledge.js';
import type { SettledEpoch, SettledPledge, SettlementReport } from '../schema.js';
import { summarizeSettlement } from '../summarize.js';

const ZERO32 = `0x${'00'.repeat(32)}`;

export type SettleReceiptsParameters = {
  chain: ChainSession;
  workspace: Workspace;
  /** Settle this closed epoch again (resume); undefined: close a new one, settle every open one. */
  epoch?: number | undefined;
  /** Receipts per submitReceipts transaction. */
  batch: number;
  /** The workspace key that sends the transactions (anyone may submit). */
  as: string;
  log: Logger;
  progress?: Progress | undefined;
  /** Called after each receipt batch is mined, with how many have been (tests kill here). */
  afterBatch?: ((batches: number) => void) | undefined;
};

/**
 * Settles the workspace's receipts on chain. Closes a new epoch per issuer when receipts are in
 * none (its file written once, then its Merkle root anchored as the issuer), anchors any epoch
 * whose anchor is missing (a close killed before anchoring), then submits, per pledge, the
 * receipts after the pledge's on-chain head that belong to the epochs being settled, in batches.
 * The on-chain hash chain is the truth: a rerun, or a run after a kill, submits only what the
 * chain does not have, so nothing is paid twice. A pledge the contract would refuse (rows beyond
 * its maximum, an unproven zk result, a head the store does not know) is reported as refused
 * with its reason; the other pledges still settle.
 *
 * @example
 * const report = await settleReceipts({ chain, workspace: ws, batch: 16, as: 'compute', log });
 */
export async function settleReceipts(p: SettleReceiptsParameters): Promise<SettlementReport> {
  const market = openMarket(p.chain);
  const dir = receiptStoreDir(p.workspace, p.chain.key);
  const submitter = await (await p.workspace.keys()).account(p.as);
  const keyNames = new Map(
    (await p.workspace.listKeys())
      .filter((k) => k.kind === 'evm')
      .map((k) => [k.fingerprint.toLowerCase(), k.name] as const),
  );
  return lockStore(dir, async () => {
    const receipts = await readAllReceipts(dir);
    const epochs = await readEpochs(dir);
    const closedNow = new Set<string>();
    const key = (e: Pick<EpochFile, 'issuer' | 'epoch'>) => `${e.issuer.toLowerCase()}:${e.epoch}`;
    if (p.epoch === undefined) {
      for (const e of closeEpochs({
        receipts,
        epochs,
        chain: p.chain.key,
        chainId: p.chain.chainId,
        market: market.deployment.pledgeMarket,
      })) {
        // the file first: an anchor is only ever of an epoch the store keeps
        await writeOnce(epochPath(dir, e.issuer, e.epoch), epochFileText(e));
        p.log.info(`closed epoch ${e.epoch} of ${e.issuer}: ${e.receipts.length} receipts`);
        epochs.push(e);
        closedNow.add(key(e));
      }
    }
    const local = new Map<string, ReceiptFile[]>();
    for (const r of receipts) local.set(r.receipt.pledgeId, [...(local.get(r.receipt.pledgeId) ?? []), r]);

    const pledgeIds = [...new Set(epochs.flatMap((e) => e.receipts.map((r) => r.pledgeId)))].sort((a, b) =>
      BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0,
    );
    const views = new Map<string, Awaited<ReturnType<typeof market.pledgeOf>>>();
    const heads = new Map<string, number>();
    for (const id of pledgeIds) {
      const v = await market.pledgeOf(BigInt(id));
      views.set(id, v);
      heads.set(id, headSeqOf(local.get(id) ?? [], v.receiptHead));
    }
    const onChain = (r: { pledgeId: string; seq: number }) => {
      const h = heads.get(r.pledgeId) ?? 0;
      return h >= 0 && r.seq <= h;
    };
    // the epochs reported (scope) and those whose receipts are submitted (settling)
    let scope: EpochFile[];
    let settling: EpochFile[];
    if (p.epoch !== undefined) {
      scope = epochs.filter((e) => e.epoch === p.epoch);
      if (scope.length === 0) throw new SettleError('SETTLE_EPOCH_NOT_FOUND', { epoch: p.epoch });
      settling = scope;
    } else {
      scope = epochs;
      settling = epochs.filter((e) => e.receipts.some((r) => !onChain(r)));
    }
    scope.sort((a, b) =>
      a.issuer === b.issuer ? a.epoch - b.epoch : a.issuer.toLowerCase() < b.issuer.toLowerCase() ? -1 : 1,
    );

    const settledEpochs: SettledEpoch[] = [];
    for (const e of scope) settledEpochs.push(await anchor(e, closedNow.has(key(e)) ? 'now' : 'before'));

    const settlingSeqs = new Map<string, Set<number>>();
    for (const e of settling) {
      for (const r of e.receipts)
        settlingSeqs.set(r.pledgeId, (settlingSeqs.get(r.pledgeId) ?? new Set()).add(r.seq));
    }
    const scopeSeqs = new Map<string, Set<number>>();
    for (const e of scope) {
      for (const r of e.receipts)
        scopeSeqs.set(r.pledgeId, (scopeSeqs.get(r.pledgeId) ?? new Set()).add(r.seq));
    }

    const toSend = [...settlingSeqs.values()].reduce((n, s) => n + s.size, 0);
    const task = p.progress?.start('settle receipts', toSend);
    let batches = 0;
    const lines: SettledPledge[] = [];
    for (const id of pledgeIds) {
      const inScope = scopeSeqs.get(id);
      if (!inScope) continue;
      const view = views.get(id) as Awaited<ReturnType<typeof market.pledgeOf>>;
      const chainOf = local.get(id) ?? [];
      const plan = planPledge({
        pledgeId: id,
        local: chainOf,
        settling: settlingSeqs.get(id) ?? new Set(),
        onChain: {
          receiptHead: view.receiptHead,
          rowsUsed: view.rowsUsed,
          maxRows: view.maxRows,
          pricePerRow: view.pricePerRow,
          locked: await market.locked(BigInt(id)),
        },
      });
      let { submit } = plan;
      let refused: { code: string; reason: string } | null = plan.refused
        ? { code: plan.refused.code, reason: plan.refused.shortMessage }
        : null;
      // a zk-query receipt is accepted only once its result is proven in ZkQueryRegistry
      for (const [i, r] of submit.entries()) {
        if (r.receipt.op !== 'zk-query') continue;
        const problem = await proveZk(r, submitter);
        if (problem) {
          submit = submit.slice(0, i);
          const err = new SettleError('SETTLE_ZK_UNPROVEN', { pledge: id, seq: r.seq, problem });
          refused = { code: err.code, reason: err.shortMessage };
          break;
        }
      }
      let paidNow = 0n;
      let submitted = 0;
      let transactions = 0;
      for (let i = 0; i < submit.length; i += p.batch) {
        const part = submit.slice(i, i + p.batch);
        try {
          const sent = await market.submitReceipts(
            submitter,
            BigInt(id),
            part.map((f) => usageReceiptOf(f.receipt)),
            part.map((f) => ({ r: f.compute.r as Hex, vs: f.compute.vs as Hex })),
            part.map((f) => ({ r: f.consumer?.r as Hex, vs: f.consumer?.vs as Hex })),
          );
          paidNow += sent.amount;
        } catch (err) {
          if (!(err instanceof ChainError) || err.code !== 'CHAIN_REVERTED') throw err;
          refused = { code: err.code, reason: err.shortMessage };
          submit = submit.slice(0, i);
          break;
        }
        submitted += part.length;
        transactions++;
        batches++;
        task?.tick(part.length);
        p.log.info(`pledge ${id}: receipts ${part[0]?.seq}–${part.at(-1)?.seq} accepted on chain`);
        p.afterBatch?.(batches);
      }
      const rowsOf = (rs: readonly ReceiptFile[]) => rs.reduce((n, r) => n + BigInt(r.receipt.rows), 0n);
      const scoped = chainOf.filter((r) => inScope.has(r.seq));
      const headSeq = Math.max(plan.headSeq, 0);
      const before = scoped.filter((r) => r.seq <= headSeq);
      const now = submit.filter((r) => inScope.has(r.seq));
      const price = view.pricePerRow;
      lines.push({
        pledgeId: id,
        tokenId: view.tokenId.toString(),
        version: Number(view.version),
        owner: view.owner,
        ownerKey: keyNames.get(view.owner.toLowerCase()) ?? null,
        pricePerRow: price.toString(),
        receipts: scoped.length,
        rows: rowsOf(scoped).toString(),
        due: ((rowsOf(before) + rowsOf(now)) * price).toString(),
        paidNow: paidNow.toString(),
        paidBefore: (rowsOf(before) * price).toString(),
        submitted,
        transactions,
        status: refused ? 'refused' : 'settled',
        refused,
      });
      if (refused) p.log.warn(`pledge ${id} refused: ${refused.reason}`);
    }
    task?.done();
    return summarizeSettlement({
      chain: p.chain.key,
      chainId: p.chain.chainId,
      market: market.deployment.pledgeMarket,
      epoch: p.epoch ?? null,
      epochs: settledEpochs,
      pledges: lines,
    });
  });

  async function anchor(e: EpochFile, closed: 'now' | 'before'): Promise<SettledEpoch> {
    const line = { issuer: e.issuer, epoch: e.epoch, receipts: e.receipts.length, root: e.root, closed };
    const a = await market.anchorOf(e.issuer as `0x${string}`, BigInt(e.epoch));
    if (a.root.toLowerCase() !== ZERO32) {
      if (a.root.toLowerCase() !== e.root.toLowerCase() || a.count !== e.receipts.length) {
        throw new SettleError('SETTLE_ANCHOR_MISMATCH', { issuer: e.issuer, epoch: e.epoch });
      }
      return { ...line, anchored: 'before' };
    }
    const issuer = await accountOf(p.workspace, e.issuer);
    if (!issuer) {
      p.log.warn(
        `epoch ${e.epoch} of ${e.issuer} is not anchored: this workspace does not hold the issuer's key (anchor it from the compute node's workspace)`,
      );
      return { ...line, anchored: 'skipped' };
    }
    await market.anchorReceipts(issuer, BigInt(e.epoch), e.root as Hex, e.receipts.length);
    p.log.info(`anchored epoch ${e.epoch} of ${e.issuer}: root ${e.root}`);
    return { ...line, anchored: 'now' };
  }

  /** Proves a zk-query receipt's result on chain from its kept bundle; a problem, or undefined. */
  async function proveZk(r: ReceiptFile, account: Account): Promise<string | undefined> {
    if ((await market.zkProven(r.receipt.resultHash as Hex)).proven) return undefined;
    const ev = r.evidence.find((e) => e.kind === 'zk-bundle' && e.kept);
    if (!ev) return 'the receipt keeps no proof bundle';
    const text = await readFile(
      evidencePath(receiptStoreDir(p.workspace, p.chain.key), ev.sha256),
      'utf8',
    ).catch(() => undefined);
    if (text === undefined) return 'its proof bundle is missing from the evidence folder';
    const out = await submitBundle({
      chain: p.chain,
      account,
      bundle: parseProofBundle(JSON.parse(text)),
      batch: 5,
      progress: p.progress,
    });
    if (!out.ok) return `its proof bundle does not verify (${out.failed})`;
    if (!out.proven || out.resultId.toLowerCase() !== r.receipt.resultHash.toLowerCase()) {
      return 'its proof bundle proves another result';
    }
    p.log.info(`zk result ${out.resultId} proven on chain (${out.sent} chunk proofs sent)`);
    return undefined;
  }
}
