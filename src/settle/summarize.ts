import {
  type SettledEpoch,
  type SettledOwner,
  type SettledPledge,
  type SettlementReport,
  SettlementReportSchema,
} from './schema.js';

const add = (a: string, b: string) => (BigInt(a) + BigInt(b)).toString();

/**
 * The settlement report from its pledge lines: pledges by id, owners (each the sum of its
 * pledges) by address, and the totals. Pure; the same lines give the same report.
 *
 * @example
 * const report = summarizeSettlement({ chain: 'embedded', chainId, market, epoch: null, epochs, pledges });
 */
export function summarizeSettlement(p: {
  chain: string;
  chainId: number;
  market: string;
  epoch: number | null;
  epochs: readonly SettledEpoch[];
  pledges: readonly SettledPledge[];
}): SettlementReport {
  const pledges = [...p.pledges].sort((a, b) =>
    BigInt(a.pledgeId) < BigInt(b.pledgeId) ? -1 : BigInt(a.pledgeId) > BigInt(b.pledgeId) ? 1 : 0,
  );
  const owners = new Map<string, SettledOwner>();
  for (const l of pledges) {
    const k = l.owner.toLowerCase();
    const o = owners.get(k) ?? {
      owner: l.owner,
      ownerKey: l.ownerKey,
      pledges: [],
      receipts: 0,
      rows: '0',
      due: '0',
      paidNow: '0',
      paidBefore: '0',
    };
    owners.set(k, {
      ...o,
      pledges: [...o.pledges, l.pledgeId],
      receipts: o.receipts + l.receipts,
      rows: add(o.rows, l.rows),
      due: add(o.due, l.due),
      paidNow: add(o.paidNow, l.paidNow),
      paidBefore: add(o.paidBefore, l.paidBefore),
    });
  }
  const totals = pledges.reduce(
    (t, l) => ({
      receipts: t.receipts + l.receipts,
      rows: add(t.rows, l.rows),
      due: add(t.due, l.due),
      paidNow: add(t.paidNow, l.paidNow),
      paidBefore: add(t.paidBefore, l.paidBefore),
      submitted: t.submitted + l.submitted,
      transactions: t.transactions + l.transactions,
    }),
    { receipts: 0, rows: '0', due: '0', paidNow: '0', paidBefore: '0', submitted: 0, transactions: 0 },
  );
  return SettlementReportSchema.parse({
    schema: '1',
    kind: 'sinso-settlement',
    chain: p.chain,
    chainId: p.chainId,
    market: p.market,
    epoch: p.epoch,
    epochs: p.epochs,
    pledges,
    owners: [...owners.keys()].sort().map((k) => owners.get(k)),
    totals,
  });
}
