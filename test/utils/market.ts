import { type Account, type Hex, keccak256, toHex } from 'viem';
import { type ChainSession, ensureDeployed, openChain, openMarket } from '../../src/chain/index.js';
import { cidOfBytes } from '../../src/core/cid.js';
import type { Clock } from '../../src/core/clock.js';
import type { Workspace } from '../../src/core/workspace.js';

/** A clock that moves one minute on at every reading (blocks, receipts and jobs in order). */
export function tickingClock(start = '2026-06-01T00:00:00Z'): Clock & { advance(seconds: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => {
      t += 60_000;
      return new Date(t);
    },
    sleep: async () => {},
    advance: (s) => {
      t += s * 1000;
    },
  };
}

/**
 * Opens the workspace's embedded chain (deployed as `owner`) and makes `n` accepted pledges of
 * tokens minted by `owner` (one token each, roots and CIDs made up but well formed) to
 * `consumer`, with `compute` as compute node, at 1,000 wei per row-use, 1,000 rows at most.
 */
export async function acceptedPledges(
  ws: Workspace,
  clock: Clock,
  n: number,
  o: {
    ops?: ('he-query' | 'he-public' | 'zk-query' | 'train' | 'access')[];
    price?: bigint;
    maxRows?: bigint;
  } = {},
): Promise<{
  chain: ChainSession;
  pledges: { id: string; tokenId: bigint }[];
  accounts: Record<string, Account>;
}> {
  const chain = await openChain({ chainDir: ws.paths.chain, clock });
  const keys = await ws.keys();
  const accounts = {
    owner: await keys.account('owner'),
    consumer: await keys.account('consumer'),
    compute: await keys.account('compute'),
  };
  await ensureDeployed(chain, async () => accounts.owner);
  const market = openMarket(chain);
  const price = o.price ?? 1000n;
  const maxRows = o.maxRows ?? 1000n;
  await market.deposit(accounts.consumer, price * maxRows * BigInt(n));
  const pledges: { id: string; tokenId: bigint }[] = [];
  for (let i = 0; i < n; i++) {
    const cid = (await cidOfBytes(new TextEncoder().encode(`manifest ${i}`))).toString();
    const root = keccak256(toHex(`root ${i}`)) as Hex;
    const { tokenId } = await market.mint(accounts.owner, cid, root);
    const { pledgeId } = await market.pledge(accounts.owner, {
      tokenId,
      version: 0n,
      consumer: accounts.consumer.address,
      terms: {
        ops: o.ops ?? ['he-query', 'train'],
        pricePerRow: price,
        maxRows,
        expiresAt: BigInt(Math.floor(clock.now().getTime() / 1000) + 365 * 86_400),
        minCohort: 5,
        compute: accounts.compute.address,
      },
    });
    await market.accept(accounts.consumer, pledgeId);
    pledges.push({ id: pledgeId.toString(), tokenId });
  }
  return { chain, pledges, accounts };
}
