import type { Clock } from '../core/clock.js';
import { openChain } from './connect.js';
import { openMarket, PLEDGE_STATES } from './market.js';

/** What a data holder reads of a pledge on chain before it answers a query under it. */
export type PledgeFacts = {
  id: string;
  state: 'none' | 'offered' | 'accepted' | 'revoked';
  ops: number;
  /** Unix seconds. */
  expiresAt: bigint;
  minCohort: number;
  consumer: string;
  /** The compute node the pledge names (the one account its dataset key is wrapped for). */
  compute: string;
  tokenId: bigint;
  version: number;
  /** The commitment root of the pledged token version, as the DataNFT stores it ('0x' for no pledge). */
  root: string;
  /** The manifest CID of the pledged token version ('' for no pledge). */
  manifestCid: string;
};

/**
 * Reads each pledge's terms and its token version's root from the chain (the workspace's
 * embedded chain, or `rpc`).
 *
 * @example
 * const [p] = await readPledgeFacts({ chainDir: ws.paths.chain, clock, ids: ['1'] });
 */
export async function readPledgeFacts(p: {
  chainDir: string;
  rpc?: string | undefined;
  clock: Clock;
  ids: readonly string[];
}): Promise<{ facts: PledgeFacts[]; chainId: number; chainKey: string; dataNft: string }> {
  const chain = await openChain({ chainDir: p.chainDir, rpc: p.rpc, clock: p.clock });
  try {
    const market = openMarket(chain);
    const facts: PledgeFacts[] = [];
    for (const id of p.ids) {
      const v = await market.pledgeOf(BigInt(id));
      const state = PLEDGE_STATES[v.state] ?? 'none';
      const [root, manifestCid] =
        state === 'none' ? ['0x', ''] : await market.versionOf(v.tokenId, BigInt(v.version));
      facts.push({
        id,
        state,
        ops: v.ops,
        expiresAt: v.expiresAt,
        minCohort: v.minCohort,
        consumer: v.consumer,
        compute: v.compute,
        tokenId: v.tokenId,
        version: Number(v.version),
        root,
        manifestCid,
      });
    }
    // openMarket refused an undeployed chain
    return { facts, chainId: chain.chainId, chainKey: chain.key, dataNft: chain.deployment?.dataNft ?? '0x' };
  } finally {
    await chain.close();
  }
}
