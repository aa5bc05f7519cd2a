import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hex } from 'viem';
import {
  type ChainSession,
  chunkProof,
  type Market,
  openMarket,
  zkResultId,
  zkTotals,
} from '../../chain/index.js';
import { loadPoseidon } from '../../commit/index.js';
import { sha256Hex } from '../../core/hash.js';
import type { Workspace } from '../../core/workspace.js';
import { ReleasedSchema } from '../../he/index.js';
import { fetchCommitment } from '../../publish/index.js';
import {
  EpochFileSchema,
  evidencePath,
  type ReceiptFile,
  ReceiptFileSchema,
  receiptStoreDir,
  storedPledges,
} from '../../receipts/index.js';
import { workspaceBlockstore } from '../../storage/index.js';
import { TrainJobSchema, verifyJob } from '../../train/index.js';
import { checkBundle, ProofBundleSchema } from '../../zk/index.js';
import type { EpochFacts, EvidenceFact, PledgeFacts, StoredEntry } from '../schema.js';

const asBig = (x: unknown) => (typeof x === 'bigint' ? x : BigInt(String(x ?? 0)));

/** Reads a JSON file with a schema; a damaged file is a problem to report, never a crash. */
async function readTolerant<T>(
  path: string,
  schema: {
    safeParse(
      x: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
): Promise<{ data: T } | { problem: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return { problem: 'it is not JSON' };
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    return { problem: `it does not match its schema (${i?.path.join('.') ?? ''}: ${i?.message ?? ''})` };
  }
  return { data: r.data };
}

async function jsonNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** The files of a pledge's folder, by the place their names give (`000001.json` is 1). */
async function readEntries(dir: string, pledgeId: string): Promise<StoredEntry[]> {
  const folder = join(dir, `pledge-${pledgeId}`);
  const out: StoredEntry[] = [];
  for (const n of await jsonNames(folder)) {
    const m = /^(\d+)\.json$/.exec(n);
    if (!m) continue;
    const seq = Number(m[1]);
    const r = await readTolerant(join(folder, n), ReceiptFileSchema);
    out.push('data' in r ? { seq, receipt: r.data as ReceiptFile } : { seq, problem: r.problem });
  }
  return out;
}

/** The pledges on chain owned by one of `owners` (lowercase addresses), by id. */
export async function ownedPledges(market: Market, owners: readonly string[]): Promise<bigint[]> {
  const want = new Set(owners.map((o) => o.toLowerCase()));
  const count = await market.pledgeCount();
  const out: bigint[] = [];
  for (let id = 1n; id <= count; id++) {
    const p = await market.pledgeOf(id);
    if (want.has(p.owner.toLowerCase())) out.push(id);
  }
  return out;
}

/**
 * Checks one evidence file as far as the files and the chain allow: its hash, what it is, and
 * for a ZK bundle or a training job its proofs against the DataNFT root on chain.
 */
async function evidenceFact(
  p: { dir: string; workspace: Workspace; market: Market; keysDir?: string | undefined },
  kind: EvidenceFact['kind'],
  sha256: string,
  pledgeId: string,
  token: { tokenId: bigint; version: number },
): Promise<EvidenceFact> {
  let bytes: Buffer;
  try {
    bytes = await readFile(evidencePath(p.dir, sha256));
  } catch {
    return { kind, sha256 } as EvidenceFact;
  }
  const actualSha256 = sha256Hex(bytes);
  const base = { sha256, actualSha256 };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { kind, ...base, problem: 'it is not JSON' } as EvidenceFact;
  }
  const rootOf = async (tokenId: bigint, version: bigint) => {
    const count = await p.market.versionCount(tokenId).catch(() => 0n);
    if (version >= count) return undefined;
    return (await p.market.versionOf(tokenId, version))[0];
  };
  switch (kind) {
    case 'he-release': {
      const r = ReleasedSchema.safeParse(json);
      if (!r.success) return { kind, ...base, problem: 'it is not an HE release' };
      const mine = r.data.datasets.filter((d) => d.pledge === pledgeId);
      return {
        kind,
        ...base,
        specSha256: sha256Hex(r.data.query),
        proofSha256: r.data.resultSha256,
        rows: mine.length === 0 ? undefined : mine.reduce((n, d) => n + d.rows, 0),
      };
    }
    case 'zk-bundle': {
      const r = ProofBundleSchema.safeParse(json);
      if (!r.success) return { kind, ...base, problem: 'it is not a ZK proof bundle' };
      const b = r.data;
      const t = b.dataset.token;
      let resultId: Hex | undefined;
      try {
        const chunks = b.chunks.map((c) => chunkProof(c.circuit, c.proof, c.publicSignals));
        resultId = t
          ? zkResultId({
              tokenId: BigInt(t.tokenId),
              version: BigInt(t.version),
              queryHash: b.queryHash as Hex,
              ...zkTotals(chunks),
            })
          : undefined;
      } catch {
        resultId = undefined;
      }
      // the proof is checked against the root of the receipt's token version, not the bundle's claim
      const onChain = await rootOf(token.tokenId, BigInt(token.version));
      const v = await checkBundle({ bundle: b, keysDir: p.keysDir, onChainRoot: async () => onChain });
      return {
        kind,
        ...base,
        ...(resultId ? { resultId } : {}),
        specSha256: sha256Hex(JSON.stringify(b.query)),
        rows: b.table.rows,
        pledgeId: b.dataset.pledgeId,
        token: t,
        check: v.ok ? { ok: true } : { ok: false, failed: v.failed, reason: v.reason },
      };
    }
    case 'train-job': {
      const r = TrainJobSchema.safeParse(json);
      if (!r.success) return { kind, ...base, problem: 'it is not a training job record' };
      const job = r.data;
      const d = job.datasets.filter((x) => x.pledge === pledgeId);
      let unavailable: string | undefined;
      const blockstore = workspaceBlockstore(p.workspace);
      const v = await verifyJob({
        job,
        poseidon: await loadPoseidon(),
        commitmentOf: async (x) => {
          try {
            return (await fetchCommitment({ blockstore, manifestCid: x.manifestCid })).commitment;
          } catch (err) {
            unavailable = 'the dataset’s published commitment is not in this workspace’s blockstore';
            throw err;
          }
        },
        onChainRoot: async (tokenId, version) => (await rootOf(BigInt(tokenId), BigInt(version))) ?? '(none)',
      });
      const first = d[0];
      return {
        kind,
        ...base,
        specSha256: job.specSha256,
        modelSha256: job.modelSha256,
        rows:
          d.length === 0 ? undefined : d.reduce((n, x) => n + x.tables.reduce((m, t) => m + t.rows, 0), 0),
        commitmentRoot: first?.commitmentRoot,
        token: first ? { tokenId: first.tokenId, version: first.version } : undefined,
        check: v.ok
          ? { ok: true }
          : unavailable && v.failed === 'commitment'
            ? { unavailable }
            : { ok: false, failed: v.failed, reason: v.reason },
      };
    }
    case 'grant':
      return { kind, ...base };
  }
}

/**
 * Reads what the audit of the pledges `ids` needs, as plain data: each pledge on chain, the
 * DataNFT root of its token version, its receipts in the store (a damaged file is a fact, not a
 * crash), its evidence checked, its ReceiptAccepted and Credited events; and the store's epochs
 * with their anchors.
 */
export async function readAuditFacts(p: {
  workspace: Workspace;
  chain: ChainSession;
  ids: readonly bigint[];
  keysDir?: string | undefined;
}): Promise<{ pledges: PledgeFacts[]; epochs: EpochFacts[] }> {
  const market = openMarket(p.chain);
  const dir = receiptStoreDir(p.workspace, p.chain.key);
  const times = new Map<bigint, bigint>();
  const timeOf = async (block: bigint) => {
    let t = times.get(block);
    if (t === undefined) {
      t = await market.blockTime(block);
      times.set(block, t);
    }
    return t;
  };
  const accepted = await market.marketEvents('ReceiptAccepted');
  const credited = await market.marketEvents('Credited');
  const pledges: PledgeFacts[] = [];
  const stored = new Set(await storedPledges(dir));
  for (const id of p.ids) {
    const pledge = await market.pledgeOf(id);
    const pledgeId = id.toString();
    const count = await market.versionCount(pledge.tokenId).catch(() => 0n);
    const root =
      BigInt(pledge.version) < count
        ? (await market.versionOf(pledge.tokenId, BigInt(pledge.version)))[0]
        : undefined;
    const entries = stored.has(pledgeId) ? await readEntries(dir, pledgeId) : [];
    const evidence: Record<string, EvidenceFact> = {};
    for (const e of entries) {
      if (!('receipt' in e)) continue;
      for (const ev of e.receipt.evidence) {
        if (!ev.kept || evidence[ev.sha256]) continue;
        evidence[ev.sha256] = await evidenceFact(
          { dir, workspace: p.workspace, market, keysDir: p.keysDir },
          ev.kind,
          ev.sha256,
          pledgeId,
          {
            tokenId: pledge.tokenId,
            version: Number(pledge.version),
          },
        );
      }
    }
    const mine = (e: { args: Record<string, unknown> }) => asBig(e.args['pledgeId']) === id;
    pledges.push({
      pledgeId,
      pledge,
      root,
      entries,
      evidence,
      accepted: await Promise.all(
        accepted.filter(mine).map(async (e) => ({
          jobId: e.args['jobId'] as Hex,
          op: Number(e.args['op']),
          rows: asBig(e.args['rows']),
          resultHash: e.args['resultHash'] as Hex,
          head: e.args['head'] as Hex,
          time: await timeOf(e.block),
        })),
      ),
      credited: await Promise.all(
        credited.filter(mine).map(async (e) => ({
          amount: asBig(e.args['amount']),
          rowsUsed: asBig(e.args['rowsUsed']),
          time: await timeOf(e.block),
        })),
      ),
    });
  }
  const epochs: EpochFacts[] = [];
  for (const n of await jsonNames(join(dir, 'epochs'))) {
    const r = await readTolerant(join(dir, 'epochs', n), EpochFileSchema);
    if (!('data' in r)) {
      epochs.push({ name: n, problem: r.problem, anchor: undefined });
      continue;
    }
    const a = await market.anchorOf(r.data.issuer as `0x${string}`, BigInt(r.data.epoch));
    epochs.push({ name: n, file: r.data, anchor: { root: a.root, count: Number(a.count) } });
  }
  return { pledges, epochs };
}
