import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ensureDeployed, formatAmount, openChain } from '../chain/index.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { RpcOptionSchema } from '../core/options.js';
import { defineStage } from '../core/stage.js';
import { settleReceipts } from './adapters/settleReceipts.js';
import { type SettlementReport, SettlementReportSchema } from './schema.js';

/**
 * TEST ONLY: `SINSO_TEST_KILL_AFTER_BATCH=N` SIGKILLs the process right after its N-th receipt
 * batch is mined, so a test can kill a settlement between batches (test/e2e/settle.test.ts).
 * Never set it otherwise.
 */
function testKillHook(): ((batches: number) => void) | undefined {
  const n = Number(process.env['SINSO_TEST_KILL_AFTER_BATCH'] ?? '');
  if (!Number.isInteger(n) || n < 1) return undefined;
  return (batches) => {
    if (batches >= n) process.kill(process.pid, 'SIGKILL');
  };
}

const wei = (s: string) => formatAmount(BigInt(s));

/** The report as tables: per owner, then per dataset (token version, pledge). */
function renderReport(r: SettlementReport): string {
  const table = (header: string[], rows: string[][]) => {
    const all = [header, ...rows];
    const w = header.map((_, i) => Math.max(...all.map((x) => (x[i] ?? '').length)));
    const line = (x: string[]) =>
      x
        .map((c, i) => (i === x.length - 1 ? c : c.padEnd(w[i] ?? 0)))
        .join('  ')
        .trimEnd();
    return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
  };
  const eth = (s: string) => `${wei(s).split(' (')[0]}`;
  const epochs = r.epochs.map(
    (e) =>
      `epoch ${e.epoch} of ${e.issuer}: ${e.receipts} receipts, root ${e.root} (closed ${e.closed}, anchored ${e.anchored})`,
  );
  const amounts = (x: {
    receipts: number;
    rows: string;
    due: string;
    paidNow: string;
    paidBefore: string;
  }) => [String(x.receipts), x.rows, eth(x.due), eth(x.paidNow), eth(x.paidBefore)];
  const cols = ['receipts', 'rows', 'due', 'paid now', 'paid before'];
  return [
    ...(epochs.length ? epochs : ['no epoch to settle']),
    '',
    table(
      ['owner', 'key', ...cols],
      r.owners.map((o) => [o.owner, o.ownerKey ?? '-', ...amounts(o)]),
    ),
    '',
    table(
      ['dataset', 'pledge', ...cols, 'status'],
      r.pledges.map((l) => [
        `token ${l.tokenId} v${l.version}`,
        l.pledgeId,
        ...amounts(l),
        l.refused ? `refused: ${l.refused.reason}` : l.status,
      ]),
    ),
    '',
    `submitted ${r.totals.submitted} receipts in ${r.totals.transactions} transactions; paid now ${wei(r.totals.paidNow)}`,
    '',
  ].join('\n');
}

/**
 * `settle`: closes the receipts no epoch holds into a new epoch per issuer (written once, its
 * Merkle root anchored on chain), submits every open epoch's receipts to PledgeMarket in batches
 * (the on-chain receipt head says where to resume, so nothing is paid twice), and reports what
 * each owner and each dataset is due, paid now and paid before. Owners collect with
 * `sinso withdraw`.
 */
export const settleStage = defineStage({
  name: 'settle',
  version: '1',
  summary: 'Settle usage receipts on chain: close and anchor an epoch, submit its receipts, pay each owner',
  options: z.strictObject({
    epoch: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Settle this closed epoch again (default: close a new one and settle every open epoch)'),
    batch: z.number().int().min(1).max(200).default(16).describe('Receipts per transaction'),
    as: z
      .string()
      .min(1)
      .default('compute')
      .describe('The workspace key that submits (anyone may; default: compute)'),
    out: z.string().min(1).optional().describe('Also write the settlement report (JSON)'),
    after: z
      .array(z.string().min(1))
      .default([])
      .describe('Receipt records this settlement follows (in a pipeline: it runs after they change)'),
    rpc: RpcOptionSchema,
  }),
  result: z.strictObject({
    epochs: z.number().int().describe('epochs'),
    closed: z.number().int().describe('epochs closed now'),
    anchored: z.number().int().describe('epochs anchored now'),
    submitted: z.number().int().describe('receipts submitted now'),
    transactions: z.number().int().describe('transactions'),
    paidNow: z.string().describe('paid now (wei)'),
    due: z.string().describe('due (wei)'),
    refused: z.array(z.string()).describe('pledges refused'),
    report: z.unknown().describe('report'),
  }),
  inputs: ['after'],
  outputs: ['out'],
  requires: { workspace: true },
  output: {
    // transactions, block times and what was paid before differ from run to run
    deterministic: false,
    verifier: 'settlement/1',
    async verify(_ctx, outputs) {
      const text = await readFile(outputs['out'] as string, 'utf8').catch(() => undefined);
      let ok = false;
      try {
        ok = text !== undefined && SettlementReportSchema.safeParse(JSON.parse(text)).success;
      } catch {
        ok = false;
      }
      return ok
        ? { ok: true, detail: 'settlement report' }
        : { ok: false, detail: 'the settlement report is missing or invalid' };
    },
  },
  cli: {
    description:
      'Closes the countersigned receipts no epoch holds into the next epoch of each issuer (receipts/<chain>/epochs/, written once) and anchors its Merkle root on chain as the issuer, then submits, per pledge, the receipts after its on-chain head in batches of --batch; zk-query results not yet proven are proven first from the receipt’s kept bundle. A rerun, or a run after a kill, submits only what the chain does not have. Reports per owner and per dataset: receipts, rows, amount due, paid now, paid before. Exit 2 when a pledge is refused (e.g. its receipts exceed its maximum rows): the others are settled. Owners collect with `sinso withdraw`.',
    examples: [
      'sinso settle',
      'sinso settle --epoch 1 --batch 8 --out settlement.json',
      'sinso settle --json',
    ],
    render: (result) => renderReport(result.summary.report as SettlementReport),
  },
  async run(ctx, o) {
    const chain = await openChain({ chainDir: ctx.workspace.paths.chain, rpc: o.rpc, clock: ctx.clock });
    try {
      await ensureDeployed(chain, async () => (await ctx.workspace.keys()).account('owner'));
      const report = await settleReceipts({
        chain,
        workspace: ctx.workspace,
        epoch: o.epoch,
        batch: o.batch,
        as: o.as,
        log: ctx.log,
        progress: ctx.progress,
        afterBatch: testKillHook(),
      });
      if (o.out) await writeFileAtomic(o.out, `${canonicalJson(report, 2)}\n`);
      const refused = report.pledges.filter((l) => l.refused);
      return {
        summary: {
          epochs: report.epochs.length,
          closed: report.epochs.filter((e) => e.closed === 'now').length,
          anchored: report.epochs.filter((e) => e.anchored === 'now').length,
          submitted: report.totals.submitted,
          transactions: report.totals.transactions,
          paidNow: report.totals.paidNow,
          due: report.totals.due,
          refused: refused.map((l) => l.pledgeId),
          report,
        },
        rejected: refused.map((l, i) => ({
          ordinal: i + 1,
          reason: `pledge ${l.pledgeId}: ${l.refused?.reason}`,
        })),
      };
    } finally {
      await chain.close();
    }
  },
});
