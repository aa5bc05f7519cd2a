import type { Account, Hex } from 'viem';
import {
  type ChainSession,
  type ChunkProof,
  chunkProof,
  openMarket,
  zkResultId,
  zkTotals,
} from '../../chain/index.js';
import type { Progress } from '../../core/progress.js';
import type { ProofBundle } from '../bundle.js';
import { ZkError } from '../errors.js';
import { checkBundle } from './checkBundle.js';

/** What `submitBundle` did: the bundle did not verify here (nothing sent), or what was sent. */
export type SubmitBundleReturnType =
  | { ok: false; failed: string; reason: string }
  | {
      ok: true;
      chunks: number;
      /** Chunk proofs sent now (the others were verified on chain before). */
      sent: number;
      transactions: number;
      gas: bigint;
      resultId: Hex;
      proven: boolean;
    };

export type SubmitBundleParameters = {
  chain: ChainSession;
  /** Who sends the transactions (anyone may). */
  account: Account;
  bundle: ProofBundle;
  /** Chunk proofs per transaction (5 stays under ~1.5M gas). */
  batch: number;
  progress?: Progress | undefined;
};

/**
 * Verifies a ZK proof bundle on chain (ZkQueryRegistry): checks it here first (as `sinso verify`
 * does, against the DataNFT root on chain; a bundle that fails is not sent), then submits the
 * chunk proofs not verified on chain yet in batches. Once every chunk is in, the query's result
 * id is proven on chain — the id a zk-query usage receipt names. A rerun sends only what is missing.
 *
 * @example
 * const r = await submitBundle({ chain, account: compute, bundle, batch: 5 });
 * if (r.ok && r.proven) console.log(r.resultId);
 */
export async function submitBundle(p: SubmitBundleParameters): Promise<SubmitBundleReturnType> {
  const { bundle } = p;
  const token = bundle.dataset.token;
  if (!token) {
    throw new ZkError('ZK_BUNDLE_INVALID', {
      problem: 'it names no DataNFT token version, so there is nothing to verify it against on chain',
    });
  }
  const market = openMarket(p.chain);
  const tokenId = BigInt(token.tokenId);
  const version = BigInt(token.version);
  const root = (await market.versionOf(tokenId, version))[0];
  const r = await checkBundle({ bundle, onChainRoot: async () => root });
  if (!r.ok) return { ok: false, failed: r.failed, reason: r.reason };
  const pending: ChunkProof[] = [];
  for (const c of bundle.chunks) {
    if (!(await market.zkChunkVerified(tokenId, version, bundle.queryHash as Hex, BigInt(c.index)))) {
      pending.push(chunkProof(c.circuit, c.proof, c.publicSignals));
    }
  }
  let gas = 0n;
  let transactions = 0;
  let resultId: Hex | undefined;
  const task = p.progress?.start('verify on chain', pending.length);
  for (let i = 0; i < pending.length; i += p.batch) {
    const sent = await market.submitChunks(p.account, {
      tokenId,
      version,
      chunks: pending.slice(i, i + p.batch),
    });
    gas += sent.gasUsed;
    transactions++;
    resultId = sent.resultId ?? resultId;
    task?.tick(Math.min(p.batch, pending.length - i));
  }
  task?.done();
  const totals = zkTotals(bundle.chunks.map((c) => chunkProof(c.circuit, c.proof, c.publicSignals)));
  resultId ??= zkResultId({ tokenId, version, queryHash: bundle.queryHash as Hex, ...totals });
  const proven = await market.zkProven(resultId);
  return {
    ok: true,
    chunks: bundle.chunks.length,
    sent: pending.length,
    transactions,
    gas,
    resultId,
    proven: proven.proven,
  };
}
