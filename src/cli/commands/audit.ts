import { basename } from 'node:path';
import { z } from 'zod';
import { AuditError, type AuditReport, auditWorkspace, renderAuditHtml } from '../../audit/index.js';
import { amountJson, openChain } from '../../chain/index.js';
import { ExitCode } from '../../core/errors/index.js';
import { writeFileAtomic } from '../../core/fs.js';
import { RpcOptionSchema } from '../../core/options.js';
import type { Workspace } from '../../core/workspace.js';
import { defineCommand, requireWorkspace } from '../command.js';
import { formatTable } from '../format.js';

const eth = (wei: string) => `${amountJson(BigInt(wei)).ether} ETH`;
const short = (a: string) => `${a.slice(0, 8)}…${a.slice(-4)}`;

/** An owner given as 0x… or as the name of a workspace EVM key. */
async function ownerAddress(ws: Workspace, text: string): Promise<`0x${string}`> {
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) return text as `0x${string}`;
  const key = (await ws.listKeys()).find((k) => k.name === text && k.kind === 'evm');
  if (!key) throw new AuditError('AUDIT_OWNER_INVALID', { owner: text.slice(0, 64) });
  return key.fingerprint as `0x${string}`;
}

/** The audit as a person reads it: one row per pledge, then one line per finding. */
export function renderAudit(r: AuditReport): string {
  const table = formatTable(
    r.rows.map((x) => [
      x.pledge,
      `token ${x.tokenId} v${x.version}`,
      short(x.consumer),
      String(x.jobs),
      x.rows,
      eth(x.owed),
      eth(x.paid),
      x.status,
    ]),
    ['pledge', 'dataset', 'consumer', 'jobs', 'rows', 'owed', 'paid', 'status'],
  );
  const lines = r.findings.map(
    (f) =>
      `${f.level === 'error' ? 'FINDING' : 'warning'} ${f.code} (pledge ${f.pledge}${f.seq === undefined ? '' : `, receipt ${f.seq}`}): ${f.message}`,
  );
  const errors = r.findings.filter((f) => f.level === 'error').length;
  const verdict = r.ok
    ? `audit clean: ${r.rows.length} pledge${r.rows.length === 1 ? '' : 's'}, every receipt, proof and payment checks`
    : `audit FAILED: ${errors} finding${errors === 1 ? '' : 's'}`;
  return [table, ...lines, verdict].join('\n');
}

export const auditCommand = defineCommand({
  path: ['audit'],
  summary:
    'Check every receipt, proof and payment of an owner’s pledges, trusting no one (exit 3 on a finding)',
  description:
    'For each pledge on chain the owner holds: every receipt in the workspace store (its struct hash, both EIP-712 signatures under this chain and market), the hash chain (gaps, forks, reordering, replayed jobs), the pledge’s terms (operation allowed, job started inside the validity and before any revocation, rows within the maximum), the evidence (HE releases, ZK bundles verified against the DataNFT root of the token version on chain, training jobs’ rows against the published commitment), and the chain: its accepted receipts are a prefix of the local chain and the owner was paid their rows × price. Epoch files are checked against their anchors. Prints one row per pledge (status ok, unsettled or FAILED) and one line per finding; exit 0 clean, 3 when anything does not check.',
  options: z.strictObject({
    owner: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The owner: an address or a workspace key name (default: every workspace account that owns pledges)',
      ),
    html: z
      .string()
      .min(1)
      .optional()
      .describe('Also write the audit as a self-contained HTML page with charts'),
    rpc: RpcOptionSchema,
    keys: z
      .string()
      .min(1)
      .optional()
      .describe('A folder of ZK verification keys (default: the pinned ones)'),
  }),
  examples: ['sinso audit', 'sinso audit --owner owner-001 --html audit.html', 'sinso audit --json'],
  async run(ctx, o) {
    const ws = await requireWorkspace(ctx);
    const owner = o.owner === undefined ? undefined : await ownerAddress(ws, o.owner);
    const chain = await openChain({ chainDir: ws.paths.chain, rpc: o.rpc, clock: ctx.clock });
    let report: AuditReport;
    try {
      report = await auditWorkspace({ workspace: ws, chain, owner, keysDir: o.keys });
    } finally {
      await chain.close();
    }
    if (report.rows.length === 0) {
      throw new AuditError('AUDIT_NO_PLEDGES', { owner: owner ?? 'any account of this workspace' });
    }
    if (o.html !== undefined) {
      await writeFileAtomic(o.html, renderAuditHtml(report, { generatedAt: ctx.clock.now() }));
    }
    // with --json the findings also go to stderr, one per line, for the person running it
    for (const f of ctx.globals.json ? report.findings : []) {
      if (f.level === 'error')
        ctx.io.stderr(
          `finding: ${f.code} pledge ${f.pledge}${f.seq === undefined ? '' : ` receipt ${f.seq}`}: ${f.message}\n`,
        );
    }
    ctx.print(`${renderAudit(report)}${o.html === undefined ? '' : `\nwritten ${basename(o.html)}`}`, {
      ok: report.ok,
      owners: report.owners,
      rows: report.rows,
      findings: report.findings,
    });
    return report.ok ? ExitCode.ok : ExitCode.invalid;
  },
});
