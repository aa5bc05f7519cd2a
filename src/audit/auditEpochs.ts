import type { Hex } from 'viem';
import { receiptsRoot } from '../receipts/index.js';
import type { AuditFinding, EpochFacts } from './schema.js';

/**
 * Audits the store's closed epochs: each file's root is the Merkle root of the receipts it lists,
 * and the root anchored on chain for that issuer and epoch (with its count); every listed receipt
 * of an audited pledge is in the store with that hash (`stored`: pledge id → seq → hash). Pure.
 *
 * @example
 * const findings = auditEpochs(epochs, stored);
 */
export function auditEpochs(
  epochs: readonly EpochFacts[],
  stored: ReadonlyMap<string, ReadonlyMap<number, string>>,
): AuditFinding[] {
  const out: AuditFinding[] = [];
  const add = (pledge: string, message: string, seq?: number) =>
    out.push({
      code: 'anchor-mismatch',
      level: 'error',
      pledge,
      ...(seq === undefined ? {} : { seq }),
      message,
    });
  for (const e of epochs) {
    if (!e.file) {
      add('(epochs)', `epoch file ${e.name} is damaged: ${e.problem ?? 'unreadable'}`);
      continue;
    }
    const f = e.file;
    const name = `epoch ${f.epoch} of ${f.issuer}`;
    const root = receiptsRoot(f.receipts.map((r) => r.hash as Hex));
    if (root.toLowerCase() !== f.root.toLowerCase())
      add('(epochs)', `${name}: its receipts do not hash to its root`);
    if (!e.anchor || /^0x0+$/.test(e.anchor.root)) add('(epochs)', `${name} is not anchored on chain`);
    else if (e.anchor.root.toLowerCase() !== f.root.toLowerCase() || e.anchor.count !== f.receipts.length) {
      add('(epochs)', `${name}: the chain anchors another root or count`);
    }
    for (const r of f.receipts) {
      const mine = stored.get(r.pledgeId);
      if (!mine) continue; // another owner's pledge
      const h = mine.get(r.seq);
      if (h === undefined)
        add(r.pledgeId, `${name} lists receipt ${r.seq}, which is not in the store`, r.seq);
      else if (h.toLowerCase() !== r.hash.toLowerCase())
        add(r.pledgeId, `${name} lists another receipt ${r.seq}`, r.seq);
    }
  }
  return out;
}
