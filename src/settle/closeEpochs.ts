import type { Hex } from 'viem';
import { type EpochFile, EpochFileSchema, type ReceiptFile, receiptsRoot } from '../receipts/index.js';

const byPledgeThenSeq = (a: { pledgeId: string; seq: number }, b: { pledgeId: string; seq: number }) =>
  a.pledgeId === b.pledgeId ? a.seq - b.seq : BigInt(a.pledgeId) < BigInt(b.pledgeId) ? -1 : 1;

/**
 * The epochs a close makes: for each issuer (the compute node that signed the receipts), its
 * countersigned receipts in no earlier epoch, ordered by pledge id then sequence, as its next
 * epoch (its last epoch + 1; the first is 1), with their Merkle root. Issuers with nothing new
 * get none. Pure: the caller writes them (once) before anchoring their roots.
 *
 * @example
 * const fresh = closeEpochs({ receipts: await readAllReceipts(dir), epochs: await readEpochs(dir), chain: chain.key, chainId, market });
 */
export function closeEpochs(p: {
  receipts: readonly ReceiptFile[];
  epochs: readonly EpochFile[];
  chain: string;
  chainId: number;
  market: string;
}): EpochFile[] {
  const assigned = new Set(p.epochs.flatMap((e) => e.receipts.map((r) => `${r.pledgeId}:${r.seq}`)));
  const byIssuer = new Map<string, { issuer: string; receipts: EpochFile['receipts'] }>();
  for (const r of p.receipts) {
    if (r.consumer === null || assigned.has(`${r.receipt.pledgeId}:${r.seq}`)) continue;
    const key = r.compute.signer.toLowerCase();
    const entry = byIssuer.get(key) ?? { issuer: r.compute.signer, receipts: [] };
    entry.receipts.push({ pledgeId: r.receipt.pledgeId, seq: r.seq, hash: r.hash });
    byIssuer.set(key, entry);
  }
  const out: EpochFile[] = [];
  for (const key of [...byIssuer.keys()].sort()) {
    const { issuer, receipts } = byIssuer.get(key) as { issuer: string; receipts: EpochFile['receipts'] };
    receipts.sort(byPledgeThenSeq);
    const last = Math.max(0, ...p.epochs.filter((e) => e.issuer.toLowerCase() === key).map((e) => e.epoch));
    out.push(
      EpochFileSchema.parse({
        schema: '1',
        kind: 'sinso-receipt-epoch',
        chain: p.chain,
        chainId: p.chainId,
        market: p.market,
        issuer,
        epoch: last + 1,
        receipts,
        root: receiptsRoot(receipts.map((r) => r.hash as Hex)),
      }),
    );
  }
  return out;
}

/** An epoch file's bytes as the store keeps them (schema field order, two-space JSON). */
export function epochFileText(e: EpochFile): string {
  return `${JSON.stringify(EpochFileSchema.parse(e), null, 2)}\n`;
}
