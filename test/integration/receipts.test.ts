import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainSession, openMarket, receiptHash, receiptSigner } from '../../src/chain/index.js';
import { writeFileAtomic } from '../../src/core/fs.js';
import { sha256Hex } from '../../src/core/hash.js';
import type { Workspace } from '../../src/core/workspace.js';
import type { Released } from '../../src/he/index.js';
import {
  countersignPending,
  issueReceipts,
  readJobOutput,
  readPendingReceipts,
  readPledgeReceipts,
  receiptDrafts,
  receiptStoreDir,
  usageReceiptOf,
} from '../../src/receipts/index.js';
import { acceptedPledges, tickingClock } from '../utils/market.js';
import { tempDir } from '../utils/tmp.js';
import { initTestWorkspace } from '../utils/workspace.js';

let dir: string;
let ws: Workspace;
let chain: ChainSession;
let pledges: { id: string; tokenId: bigint }[];
const clock = tickingClock();

beforeAll(async () => {
  dir = await tempDir('sinso-receipts-');
  ws = await initTestWorkspace(join(dir, 'ws'));
  ({ chain, pledges } = await acceptedPledges(ws, clock, 3));
}, 120_000);
afterAll(async () => chain?.close());

const now = () => BigInt(Math.floor(clock.now().getTime() / 1000));

/** A key holder's release of a pooled HE query over pledges 1 and 2 (what the consumer got). */
async function releasedFile(name: string, rows: [number, number]): Promise<string> {
  const released: Released = {
    schema: '1',
    kind: 'sinso-he-release',
    query: 'SELECT gender, COUNT(*), AVG(value) FROM hba1c GROUP BY gender',
    mode: 'public',
    resultSha256: sha256Hex(name),
    pledges: [pledges[0]?.id ?? '', pledges[1]?.id ?? ''],
    datasets: [
      { id: 'owner-001', pledge: pledges[0]?.id ?? '', rows: rows[0] },
      { id: 'owner-002', pledge: pledges[1]?.id ?? '', rows: rows[1] },
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

const issue = async (folder: string, o: { countersign?: boolean; startedAt?: bigint } = {}) =>
  issueReceipts({
    chain,
    workspace: ws,
    drafts: receiptDrafts(await readJobOutput(folder)),
    startedAt: o.startedAt ?? now(),
    countersign: o.countersign ?? true,
  });

describe('usage receipts', () => {
  it('a pooled job gets one receipt per pledge with that owner’s rows, signed by the compute node and the consumer', async () => {
    const issued = await issue(await releasedFile('q1', [120, 80]));
    expect(issued.map((r) => [r.receipt.receipt.pledgeId, r.receipt.receipt.rows, r.status])).toEqual([
      [pledges[0]?.id, '120', 'issued'],
      [pledges[1]?.id, '80', 'issued'],
    ]);
    const market = openMarket(chain);
    const keys = await ws.keys();
    for (const { receipt: f } of issued) {
      const r = usageReceiptOf(f.receipt);
      expect(f.hash).toBe(receiptHash(r));
      expect(f.seq).toBe(1);
      expect(f.receipt.prev).toBe(`0x${'00'.repeat(32)}`);
      expect(f.receipt.op).toBe('he-query');
      const at = market.deployment.pledgeMarket as `0x${string}`;
      expect(await receiptSigner(r, f.compute as { r: Hex; vs: Hex }, chain.chainId, at)).toBe(
        (await keys.account('compute')).address,
      );
      expect(await receiptSigner(r, f.consumer as { r: Hex; vs: Hex }, chain.chainId, at)).toBe(
        (await keys.account('consumer')).address,
      );
    }
    // the store: the receipt, the evidence it hashes, nothing pending
    const store = receiptStoreDir(ws, chain.key);
    const ev = issued[0]?.receipt.evidence[0];
    expect(ev?.kind).toBe('he-release');
    expect(sha256Hex(await readFile(join(store, 'evidence', `${ev?.sha256}.json`)))).toBe(ev?.sha256);
    expect(await readPendingReceipts(store)).toEqual([]);
  });

  it('the next job chains to the last receipt; the same job again finds its receipts and writes nothing', async () => {
    const store = receiptStoreDir(ws, chain.key);
    const id = pledges[0]?.id ?? '';
    const [first] = await readPledgeReceipts(store, id);
    const q2 = await releasedFile('q2', [30, 10]);
    const [second] = await issue(q2);
    expect(second?.receipt.seq).toBe(2);
    expect(second?.receipt.receipt.prev).toBe(first?.hash);
    const before = await readdir(join(store, `pledge-${id}`));
    const again = await issue(q2);
    expect(again.map((r) => r.status)).toEqual(['existed', 'existed']);
    expect(again[0]?.receipt.hash).toBe(second?.receipt.hash);
    expect(await readdir(join(store, `pledge-${id}`))).toEqual(before);
  });

  it('PledgeMarket accepts the stored chain as it is and credits each owner rows × price', async () => {
    const store = receiptStoreDir(ws, chain.key);
    const market = openMarket(chain);
    const compute = await (await ws.keys()).account('compute');
    for (const p of pledges.slice(0, 2)) {
      const chainOf = await readPledgeReceipts(store, p.id);
      const sent = await market.submitReceipts(
        compute,
        BigInt(p.id),
        chainOf.map((f) => usageReceiptOf(f.receipt)),
        chainOf.map((f) => ({ r: f.compute.r as Hex, vs: f.compute.vs as Hex })),
        chainOf.map((f) => ({ r: f.consumer?.r as Hex, vs: f.consumer?.vs as Hex })),
      );
      const rows = chainOf.reduce((n, f) => n + BigInt(f.receipt.rows), 0n);
      expect(sent.amount).toBe(rows * 1000n);
      expect((await market.pledgeOf(BigInt(p.id))).receiptHead).toBe(chainOf.at(-1)?.hash);
    }
  });

  it('without countersigning, a receipt waits in pending/ until the consumer countersigns it', async () => {
    const store = receiptStoreDir(ws, chain.key);
    const [a, b] = await issue(await releasedFile('q3', [5, 6]), { countersign: false });
    expect(a?.countersigned).toBe(false);
    expect((await readPendingReceipts(store)).map((r) => r.hash)).toEqual([a?.receipt.hash, b?.receipt.hash]);
    // the next job chains to the pending receipt
    const [c, d] = await issue(await releasedFile('q4', [7, 8]), { countersign: false });
    expect(c?.receipt.receipt.prev).toBe(a?.receipt.hash);
    const done = await countersignPending({ chain, workspace: ws });
    expect(done.map((r) => r.receipt.hash).sort()).toEqual(
      [a?.receipt.hash, b?.receipt.hash, c?.receipt.hash, d?.receipt.hash].sort(),
    );
    expect(await readPendingReceipts(store)).toEqual([]);
    const id = pledges[0]?.id ?? '';
    expect((await readPledgeReceipts(store, id)).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a job under a revoked pledge, or one started before acceptance, and writes nothing of it', async () => {
    const market = openMarket(chain);
    const owner = await (await ws.keys()).account('owner');
    const store = receiptStoreDir(ws, chain.key);
    const before = await readPledgeReceipts(store, pledges[0]?.id ?? '');
    await expect(issue(await releasedFile('q5', [1, 1]), { startedAt: 1n })).rejects.toMatchObject({
      code: 'RECEIPT_POLICY_REFUSED',
    });
    await market.revoke(owner, BigInt(pledges[1]?.id ?? '0'));
    await expect(issue(await releasedFile('q6', [1, 1]))).rejects.toMatchObject({
      code: 'RECEIPT_POLICY_REFUSED',
      message: expect.stringContaining('revoked'),
    });
    expect(await readPledgeReceipts(store, pledges[0]?.id ?? '')).toEqual(before);
  });

  it('names what it cannot receipt: a folder without a job, a file of another kind', async () => {
    await expect(readJobOutput(dir)).rejects.toMatchObject({ code: 'RECEIPT_JOB_INVALID' });
    const other = join(dir, 'other.json');
    await writeFileAtomic(other, '{"kind":"sinso-chain-pledge"}');
    await expect(readJobOutput(other)).rejects.toMatchObject({ code: 'RECEIPT_JOB_INVALID' });
  });
});
