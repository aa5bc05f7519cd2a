import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditDomain,
  auditPledge,
  auditWorkspace,
  type PledgeFacts,
  readAuditFacts,
  renderAuditHtml,
} from '../../src/audit/index.js';
import { type ChainSession, openMarket, receiptHash, signReceipt } from '../../src/chain/index.js';
import { writeFileAtomic } from '../../src/core/fs.js';
import { sha256Hex } from '../../src/core/hash.js';
import type { Workspace } from '../../src/core/workspace.js';
import type { Released } from '../../src/he/index.js';
import {
  issueReceipts,
  jobIdOf,
  type ReceiptFields,
  type ReceiptFile,
  readJobOutput,
  readPledgeReceipts,
  receiptDrafts,
  receiptFileText,
  receiptPath,
  receiptStoreDir,
  usageReceiptOf,
  writeOnce,
} from '../../src/receipts/index.js';
import { acceptedPledges, tickingClock } from '../utils/market.js';
import { tempDir } from '../utils/tmp.js';
import { initTestWorkspace } from '../utils/workspace.js';

let dir: string;
let ws: Workspace;
let chain: ChainSession;
let pledges: { id: string; tokenId: bigint }[];
let domain: AuditDomain;
const clock = tickingClock();
const now = () => BigInt(Math.floor(clock.now().getTime() / 1000));
const id = (i: number) => pledges[i]?.id ?? '';

async function releasedFile(name: string, rows: [number, number]): Promise<string> {
  const released: Released = {
    schema: '1',
    kind: 'sinso-he-release',
    query: 'SELECT gender, COUNT(*), AVG(value) FROM hba1c GROUP BY gender',
    mode: 'public',
    resultSha256: sha256Hex(name),
    pledges: [id(0), id(1)],
    datasets: [
      { id: 'owner-001', pledge: id(0), rows: rows[0] },
      { id: 'owner-002', pledge: id(1), rows: rows[1] },
    ],
    minCohort: 5,
    dp: null,
    columns: ['gender', 'count', 'avg'],
    rows: [{ suppressed: false, values: { gender: 'female', count: 40, avg: '6.1' } }],
    suppressedGroups: 0,
  };
  const folder = join(dir, name);
  await writeFileAtomic(join(folder, 'released.json'), `${JSON.stringify(released, null, 2)}\n`);
  return folder;
}

const issue = async (folder: string) =>
  issueReceipts({
    chain,
    workspace: ws,
    drafts: receiptDrafts(await readJobOutput(folder)),
    startedAt: now(),
    countersign: true,
  });

async function submit(pledgeId: string, upTo: number) {
  const store = receiptStoreDir(ws, chain.key);
  const compute = await (await ws.keys()).account('compute');
  const chainOf = (await readPledgeReceipts(store, pledgeId)).slice(0, upTo);
  await openMarket(chain).submitReceipts(
    compute,
    BigInt(pledgeId),
    chainOf.map((f) => usageReceiptOf(f.receipt)),
    chainOf.map((f) => ({ r: f.compute.r as Hex, vs: f.compute.vs as Hex })),
    chainOf.map((f) => ({ r: f.consumer?.r as Hex, vs: f.consumer?.vs as Hex })),
  );
}

beforeAll(async () => {
  dir = await tempDir('sinso-audit-');
  ws = await initTestWorkspace(join(dir, 'ws'));
  ({ chain, pledges } = await acceptedPledges(ws, clock, 4, { ops: ['he-query', 'zk-query', 'train'] }));
  domain = { chainId: chain.chainId, market: openMarket(chain).deployment.pledgeMarket as `0x${string}` };
  await issue(await releasedFile('q1', [120, 80]));
  await issue(await releasedFile('q2', [30, 10]));
  await issue(await releasedFile('q3', [5, 6]));
  // pledge 1: two of three receipts settled (one unsettled); pledge 2: all three
  await submit(id(0), 2);
  await submit(id(1), 3);
}, 180_000);
afterAll(async () => chain?.close());

/** The facts of the first two pledges as the adapter reads them (cloned per case). */
let honest: PledgeFacts[];
const facts = () => structuredClone(honest);
const codesOf = async (f: PledgeFacts) => {
  const r = await auditPledge(f, domain);
  return { codes: r.findings.filter((x) => x.level === 'error').map((x) => x.code), row: r.row };
};
const entry = (f: PledgeFacts, seq: number): ReceiptFile => {
  const e = f.entries.find((x) => x.seq === seq);
  if (!e || !('receipt' in e)) throw new TypeError(`no receipt ${seq}`);
  return e.receipt;
};

describe('sinso audit', () => {
  it('an honest run audits clean: settled, unsettled, paid rows × price', async () => {
    const r = await auditWorkspace({ workspace: ws, chain });
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
    const [p1, p2] = r.rows;
    expect(p1).toMatchObject({
      pledge: id(0),
      jobs: 3,
      rows: '155',
      settledRows: '150',
      paid: '150000',
      status: 'unsettled',
    });
    expect(p2).toMatchObject({
      pledge: id(1),
      jobs: 3,
      rows: '96',
      paid: '96000',
      owed: '96000',
      status: 'ok',
    });
    expect(r.rows.map((x) => x.status)).toEqual(['unsettled', 'ok', 'ok', 'ok']);
    const html = renderAuditHtml(r, { generatedAt: clock.now() });
    expect(html).toContain('<svg');
    expect(html).not.toContain(dir);
    const read = await readAuditFacts({ workspace: ws, chain, ids: [BigInt(id(0)), BigInt(id(1))] });
    honest = read.pledges;
  });

  it('any field of a receipt changed is a finding', async () => {
    const fields = Object.keys(entry(honest[0] as PledgeFacts, 1).receipt) as (keyof ReceiptFields)[];
    expect(fields).toHaveLength(11);
    for (const k of fields) {
      const f = facts()[0] as PledgeFacts;
      const r = entry(f, 1).receipt as Record<string, unknown>;
      const v = r[k];
      r[k] =
        k === 'op'
          ? 'train'
          : typeof v === 'number'
            ? v + 1
            : /^0x/.test(String(v))
              ? `0x${String(v).slice(2, -1)}${String(v).endsWith('0') ? '1' : '0'}`
              : String(BigInt(String(v)) + 1n);
      const { codes, row } = await codesOf(f);
      expect(codes, k).toContain('hash-mismatch');
      expect(codes, k).toContain('signature');
      expect(row.status).toBe('FAILED');
    }
    // the stored hash itself
    const f = facts()[0] as PledgeFacts;
    entry(f, 2).hash = `0x${'ab'.repeat(32)}`;
    expect((await codesOf(f)).codes).toContain('hash-mismatch');
  });

  it('a missing receipt: a gap locally; a settled one missing is the chain’s and overpaid', async () => {
    const f = facts()[0] as PledgeFacts;
    f.entries = f.entries.filter((e) => e.seq !== 2);
    expect((await codesOf(f)).codes).toEqual(expect.arrayContaining(['chain-gap', 'receipt-missing']));
    const g = facts()[1] as PledgeFacts;
    g.entries = g.entries.filter((e) => e.seq !== 3);
    const { codes } = await codesOf(g);
    expect(codes).toEqual(expect.arrayContaining(['receipt-missing', 'payment-mismatch']));
  });

  it('a replayed receipt (the same job under a later place) is a replay', async () => {
    const f = facts()[0] as PledgeFacts;
    f.entries.push({ seq: 4, receipt: { ...entry(f, 1), seq: 4 } });
    expect((await codesOf(f)).codes).toContain('replay');
  });

  it('a reordered chain is a finding, whether or not the places were renumbered', async () => {
    const f = facts()[0] as PledgeFacts;
    const [a, b] = [entry(f, 2), entry(f, 3)];
    f.entries = [
      f.entries[0] as PledgeFacts['entries'][number],
      { seq: 2, receipt: b },
      { seq: 3, receipt: a },
    ];
    expect((await codesOf(f)).codes).toContain('chain-order');
    const g = facts()[0] as PledgeFacts;
    const [c, d] = [entry(g, 2), entry(g, 3)];
    g.entries = [
      g.entries[0] as PledgeFacts['entries'][number],
      { seq: 2, receipt: { ...d, seq: 2 } },
      { seq: 3, receipt: { ...c, seq: 3 } },
    ];
    expect((await codesOf(g)).codes).toContain('chain-order');
  });

  it('a forged signature (another key) and a receipt signed for another market are findings', async () => {
    const f = facts()[0] as PledgeFacts;
    const r = entry(f, 3);
    const owner = await (await ws.keys()).account('owner');
    const forged = await signReceipt(
      owner as never,
      usageReceiptOf(r.receipt),
      domain.chainId,
      domain.market,
    );
    r.consumer = { signer: r.consumer?.signer ?? owner.address, ...forged };
    expect((await codesOf(f)).codes).toContain('signature');
    const g = facts()[0] as PledgeFacts;
    const s = entry(g, 3);
    const other = `0x${'11'.repeat(20)}` as `0x${string}`;
    const compute = await (await ws.keys()).account('compute');
    const consumer = await (await ws.keys()).account('consumer');
    s.market = other;
    s.compute = {
      signer: compute.address,
      ...(await signReceipt(compute as never, usageReceiptOf(s.receipt), domain.chainId, other)),
    };
    s.consumer = {
      signer: consumer.address,
      ...(await signReceipt(consumer as never, usageReceiptOf(s.receipt), domain.chainId, other)),
    };
    const { codes } = await codesOf(g);
    expect(codes).toContain('domain');
    expect(codes).not.toContain('signature');
  });

  it('an overpaid or underpaid owner is a payment-mismatch', async () => {
    const f = facts()[1] as PledgeFacts;
    (f.credited[0] as { amount: bigint }).amount += 1000n;
    expect((await codesOf(f)).codes).toEqual(['payment-mismatch']);
    const g = facts()[1] as PledgeFacts;
    g.credited = [];
    const { codes } = await codesOf(g);
    expect(codes).toEqual(['payment-mismatch']);
    expect((await auditPledge(g, domain)).findings[0]?.message).toContain('underpaid');
    // the chain agrees with itself, but a local receipt's rows were changed after settlement
    const h = facts()[1] as PledgeFacts;
    entry(h, 1).receipt.rows = '800';
    expect((await codesOf(h)).codes).toEqual(expect.arrayContaining(['payment-mismatch', 'chain-disagrees']));
  });

  it('the pledge’s terms: an operation it does not allow, more rows than its maximum', async () => {
    const f = facts()[0] as PledgeFacts;
    f.pledge = { ...f.pledge, ops: 4, maxRows: 100n };
    expect((await codesOf(f)).codes).toEqual(expect.arrayContaining(['op-not-allowed', 'rows-exceed-max']));
    const g = facts()[0] as PledgeFacts;
    g.pledge = { ...g.pledge, expiresAt: 1n };
    expect((await codesOf(g)).codes).toContain('outside-validity');
  });

  it('a ZK receipt: clean when its bundle verifies against the root on chain, proof-root when proved over another root (checkBundle’s verdict injected)', async () => {
    // a real bundle takes minutes to prove: the receipt is real, the adapter's checkBundle verdict is injected
    const pledgeId = id(3);
    const bytes = new TextEncoder().encode('{"kind":"sinso-zk-proof"}');
    const sha = sha256Hex(bytes);
    const spec = `0x${sha256Hex('spec')}` as Hex;
    const result = `0x${sha256Hex('result id')}` as Hex;
    const proof = `0x${sha}` as Hex;
    await issueReceipts({
      chain,
      workspace: ws,
      startedAt: now(),
      countersign: true,
      drafts: [
        {
          pledgeId,
          op: 'zk-query',
          rows: 50n,
          jobId: jobIdOf('zk-query', spec, result, proof),
          specHash: spec,
          resultHash: result,
          proofHash: proof,
          token: { tokenId: pledges[3]?.tokenId ?? 0n, version: 0 },
          evidence: [{ kind: 'zk-bundle', sha256: sha, kept: true, bytes }],
        },
      ],
    });
    const [read] = (await readAuditFacts({ workspace: ws, chain, ids: [BigInt(pledgeId)] })).pledges;
    const f = read as PledgeFacts;
    expect((await codesOf(f)).codes).toEqual(['evidence-mismatch']); // not a real bundle
    const token = {
      chainId: domain.chainId,
      dataNft: '0x',
      tokenId: String(pledges[3]?.tokenId),
      version: 0,
    };
    const fact = (check: { ok: true } | { ok: false; failed: string; reason: string }) => ({
      kind: 'zk-bundle' as const,
      sha256: sha,
      actualSha256: sha,
      resultId: result,
      specSha256: sha256Hex('spec'),
      rows: 50,
      pledgeId,
      token,
      check,
    });
    f.evidence[sha] = fact({ ok: true });
    expect((await codesOf(f)).codes).toEqual([]);
    f.evidence[sha] = fact({ ok: false, failed: 'on-chain-root', reason: 'the DataNFT stores another root' });
    expect((await codesOf(f)).codes).toEqual(['proof-root']);
    f.evidence[sha] = fact({ ok: false, failed: 'proofs', reason: 'chunk 0 does not verify' });
    expect((await codesOf(f)).codes).toEqual(['proof-invalid']);
    f.evidence[sha] = { ...fact({ ok: true }), resultId: `0x${'00'.repeat(32)}` as Hex };
    expect((await codesOf(f)).codes).toEqual(['evidence-mismatch']);
  });

  it('a damaged or deleted receipt file is a finding, not a crash (the store as files)', async () => {
    const store = receiptStoreDir(ws, chain.key);
    const backup = join(dir, 'backup');
    await cp(store, backup, { recursive: true });
    try {
      await rm(receiptPath(store, id(0), 2));
      await writeFile(receiptPath(store, id(1), 1), '{ not json');
      await writeFile(
        join(store, 'evidence', `${entry(honest[0] as PledgeFacts, 3).evidence[0]?.sha256}.json`),
        '{}',
      );
      const r = await auditWorkspace({
        workspace: ws,
        chain,
        owner: (await (await ws.keys()).account('owner')).address,
      });
      expect(r.ok).toBe(false);
      const codes = r.findings.map((x) => `${x.pledge}:${x.code}`);
      expect(codes).toEqual(
        expect.arrayContaining([
          `${id(0)}:chain-gap`,
          `${id(0)}:receipt-missing`,
          `${id(1)}:unreadable`,
          `${id(0)}:evidence-mismatch`,
        ]),
      );
    } finally {
      await rm(store, { recursive: true, force: true });
      await cp(backup, store, { recursive: true });
    }
  });

  it('a job after revocation, signed by both parties bypassing the issuer’s policy check, is a finding', async () => {
    const market = openMarket(chain);
    const keys = await ws.keys();
    const pledgeId = id(2);
    await market.revoke(await keys.account('owner'), BigInt(pledgeId));
    const p = await market.pledgeOf(BigInt(pledgeId));
    const spec = `0x${sha256Hex('late spec')}` as Hex;
    const res = `0x${sha256Hex('late result')}` as Hex;
    const fields: ReceiptFields = {
      pledgeId,
      jobId: jobIdOf('train', spec, res, `0x${'00'.repeat(32)}`),
      tokenId: p.tokenId.toString(),
      version: 0,
      op: 'train',
      rows: '10',
      startedAt: Number(p.revokedAt) + 60,
      specHash: spec,
      resultHash: res,
      proofHash: `0x${'00'.repeat(32)}`,
      prev: `0x${'00'.repeat(32)}`,
    };
    const u = usageReceiptOf(fields);
    const compute = await keys.account('compute');
    const consumer = await keys.account('consumer');
    const file: ReceiptFile = {
      schema: '1',
      kind: 'sinso-usage-receipt',
      chain: chain.key,
      chainId: domain.chainId,
      market: domain.market,
      seq: 1,
      receipt: fields,
      hash: receiptHash(u),
      evidence: [],
      compute: {
        signer: compute.address,
        ...(await signReceipt(compute as never, u, domain.chainId, domain.market)),
      },
      consumer: {
        signer: consumer.address,
        ...(await signReceipt(consumer as never, u, domain.chainId, domain.market)),
      },
    };
    await writeOnce(receiptPath(receiptStoreDir(ws, chain.key), pledgeId, 1), receiptFileText(file));
    const r = await auditWorkspace({ workspace: ws, chain });
    expect(r.ok).toBe(false);
    expect(r.findings.filter((x) => x.pledge === pledgeId).map((x) => x.code)).toEqual(['after-revocation']);
    expect(r.rows.find((x) => x.pledge === pledgeId)?.status).toBe('FAILED');
  });
});
