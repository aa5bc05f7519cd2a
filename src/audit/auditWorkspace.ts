import { type ChainSession, openMarket } from '../chain/index.js';
import type { Workspace } from '../core/workspace.js';
import { ownedPledges, readAuditFacts } from './adapters/readFacts.js';
import { auditEpochs } from './auditEpochs.js';
import { auditPledge } from './auditPledge.js';
import type { AuditReport } from './schema.js';

export type AuditWorkspaceParameters = {
  workspace: Workspace;
  chain: ChainSession;
  /** The owner whose pledges to audit; default: every EVM account of the workspace that owns one. */
  owner?: `0x${string}` | undefined;
  /** A folder of ZK verification keys (default: the pinned ones). */
  keysDir?: string | undefined;
};
export type AuditWorkspaceReturnType = AuditReport;

/**
 * An owner's audit, trusting no one: every pledge on chain the owner holds, checked against the
 * workspace's receipt store, the evidence and the chain (see auditPledge and auditEpochs).
 * `ok` is false when any finding is an error; warnings (what could not be checked here) are not.
 *
 * @example
 * const { ok, rows, findings } = await auditWorkspace({ workspace: ws, chain, owner: '0x…' });
 */
export async function auditWorkspace(p: AuditWorkspaceParameters): Promise<AuditWorkspaceReturnType> {
  const market = openMarket(p.chain);
  const owners = p.owner
    ? [p.owner]
    : (await p.workspace.listKeys())
        .filter((k) => k.kind === 'evm')
        .map((k) => k.fingerprint as `0x${string}`);
  const ids = await ownedPledges(market, owners);
  const owning = new Set<string>();
  const facts = await readAuditFacts({ workspace: p.workspace, chain: p.chain, ids, keysDir: p.keysDir });
  const domain = { chainId: p.chain.chainId, market: market.deployment.pledgeMarket as `0x${string}` };
  const report: AuditReport = { ok: true, owners: [], rows: [], findings: [], timeline: [] };
  const stored = new Map<string, Map<number, string>>();
  for (const f of facts.pledges) {
    owning.add(f.pledge.owner.toLowerCase());
    const r = await auditPledge(f, domain);
    report.rows.push(r.row);
    report.findings.push(...r.findings);
    report.timeline.push(...r.timeline);
    stored.set(
      f.pledgeId,
      new Map(f.entries.flatMap((e) => ('receipt' in e ? [[e.seq, e.receipt.hash] as const] : []))),
    );
  }
  report.findings.push(...auditEpochs(facts.epochs, stored));
  report.owners = owners.filter((o) => owning.has(o.toLowerCase()) || p.owner !== undefined);
  report.ok = !report.findings.some((x) => x.level === 'error');
  return report;
}
