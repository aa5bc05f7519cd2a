/**
 * Zero-knowledge queries verified on chain (in-memory EVM, Hardhat's EDR): the generated Groth16
 * verifier of chunk-query-p1-w64, ZkQueryRegistry (chunk by chunk, over batches, against the
 * DataNFT version's root) and PledgeMarket's zk-query receipts, which must name a proven result
 * of the pledge's token and version. The proofs are test/fixtures/zk/'s (made once with snarkjs
 * from a zkey of an insecure local setup, whose verification key is the committed one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Abi, type Hex, keccak256, parseEventLogs, type TransactionReceipt, toHex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  dataNftAbi,
  groth16VerifierAbi,
  pledgeMarketAbi,
  zkQueryRegistryAbi,
} from '../../src/chain/contracts.generated.js';
import { receiptHash, signReceipt, type UsageReceipt } from '../../src/chain/receipts.js';
import { type ChunkProof, chunkProof, circuitId, zkResultId, zkTotals } from '../../src/chain/zkChunks.js';
import { repoRoot } from '../utils/cli.js';
import {
  type Address,
  type Artifact,
  dataNftArtifact,
  deploySinso,
  pledgeMarketArtifact,
  revertOf,
  startEvm,
  type TestEvm,
  ZERO_ADDRESS,
  zkQueryRegistryArtifact,
} from '../utils/evm.js';

type FixtureProof = { proof: unknown; publicSignals: string[] };
const fixture = JSON.parse(
  readFileSync(join(repoRoot, 'test/fixtures/zk/chunk-query-p1-w64.proofs.json'), 'utf8'),
) as { circuit: string; oneChunk: FixtureProof; fiveChunks: FixtureProof[] };
const CIRCUIT = fixture.circuit;
const chunkOf = (f: FixtureProof) => chunkProof(CIRCUIT, f.proof, f.publicSignals);
const ONE = chunkOf(fixture.oneChunk);
const FIVE = fixture.fiveChunks.map(chunkOf);
const rootOf = (c: ChunkProof): Hex => toHex(c.signals[5], { size: 32 });
const queryHashOf = (c: ChunkProof): Hex => toHex(c.signals[6], { size: 32 });
/** The fixture's totals, added here from its public signals (sumX signed), independently of zkTotals. */
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const expectedTotals = (fs: readonly FixtureProof[]) => {
  const t = { count: 0n, countX: 0n, sumX: 0n, sumSqX: 0n };
  for (const f of fs) {
    const [count, countX, sumX, sumSqX] = f.publicSignals.map(BigInt) as [bigint, bigint, bigint, bigint];
    t.count += count;
    t.countX += countX;
    t.sumX += sumX > (P - 1n) / 2n ? sumX - P : sumX;
    t.sumSqX += sumSqX;
  }
  return t;
};

const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
const CID2 = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq';
const OP_ZK_QUERY = 2;
const PRICE = 10n ** 12n;

let evm: TestEvm;
let A: TestEvm['accounts'];
let nft: Address;
let market: Address;
let registry: Address;
let verifiers: Record<string, Address>;
/** The registry's ABI with DataNFT's errors (it calls rootOf). */
const registryAbi = [...zkQueryRegistryAbi, ...dataNftAbi.filter((x) => x.type === 'error')] as Abi;

beforeAll(async () => {
  evm = await startEvm();
  A = evm.accounts;
  ({ nft, market, registry, verifiers } = await deploySinso(evm));
}, 60_000);
afterAll(async () => evm?.close());

let snap: Hex;
beforeEach(async () => {
  snap = await evm.snapshot();
});
afterEach(async () => {
  await evm.revert(snap);
});

const events = (receipt: TransactionReceipt, abi: Abi, eventName: string) =>
  parseEventLogs({ abi, logs: receipt.logs, eventName }).map(
    (l) => (l as unknown as { args: Record<string, unknown> }).args,
  );

async function mint(root: Hex, to: PrivateKeyAccount = A.owner): Promise<bigint> {
  const { receipt } = await evm.send(to, {
    address: nft,
    abi: dataNftArtifact.abi,
    functionName: 'mint',
    args: [to.address, CID, root],
  });
  return events(receipt, dataNftArtifact.abi as Abi, 'VersionPublished')[0]?.['tokenId'] as bigint;
}

const submitChunks = (tokenId: bigint, version: bigint, chunks: readonly ChunkProof[], from = A.other) =>
  evm.send(from, {
    address: registry,
    abi: registryAbi,
    functionName: 'submitChunks',
    args: [tokenId, version, chunks],
  });

const registryRead = <T>(functionName: string, args: readonly unknown[]) =>
  evm.client.readContract({
    address: registry,
    abi: registryAbi,
    functionName,
    args,
  }) as Promise<T>;

const expectRevert = async (p: Promise<unknown>, errorName: string, args?: readonly unknown[]) => {
  const r = await revertOf(p);
  expect(r.errorName).toBe(errorName);
  if (args) expect(r.args).toEqual(args);
};

/** The chunk with some public signals replaced (its proof no longer matches them). */
const withSignals = (c: ChunkProof, over: Record<number, bigint>): ChunkProof => ({
  ...c,
  signals: c.signals.map((s, i) => over[i] ?? s) as unknown as ChunkProof['signals'],
});

describe('the generated Groth16 verifier', () => {
  it('accepts the fixture proof and refuses it with a public signal changed', async () => {
    const verify = (c: ChunkProof) =>
      evm.client.readContract({
        address: verifiers[CIRCUIT] as Address,
        abi: groth16VerifierAbi,
        functionName: 'verifyProof',
        args: [c.a, c.b, c.c, c.signals],
      });
    expect(await verify(ONE)).toBe(true);
    for (const c of FIVE) expect(await verify(c)).toBe(true);
    expect(await verify(withSignals(ONE, { 2: ONE.signals[2] + 1n }))).toBe(false);
    // a signal outside the field (x + p) is refused, not reduced
    const p = await registryRead<bigint>('FIELD', []);
    expect(await verify(withSignals(ONE, { 0: ONE.signals[0] + p }))).toBe(false);
  });

  it('the registry knows the circuits it was deployed with', async () => {
    expect(await registryRead<readonly Hex[]>('circuits', [])).toContain(circuitId(CIRCUIT));
    expect(await registryRead('verifierOf', [circuitId(CIRCUIT)])).toBe(verifiers[CIRCUIT]);
    expect(await registryRead('nft', [])).toBe(nft);
  });
});

describe('ZkQueryRegistry', () => {
  it('a one-chunk query: its proof verifies against the version root, the query completes and its result is proven', async () => {
    const tokenId = await mint(rootOf(ONE));
    const { receipt } = await submitChunks(tokenId, 0n, [ONE]);
    const totals = zkTotals([ONE]);
    const want = expectedTotals([fixture.oneChunk]);
    expect(totals).toEqual(want);
    expect(want.sumX).toBeLessThan(0n); // the fixture's sums are negative: the signed path is covered
    const resultId = zkResultId({ tokenId, version: 0n, queryHash: ONE.signals[6], ...totals });
    const key = await registryRead<Hex>('queryKey', [tokenId, 0n, queryHashOf(ONE)]);
    expect(events(receipt, zkQueryRegistryAbi, 'ChunksVerified')).toEqual([
      {
        queryKey: key,
        tokenId,
        version: 0n,
        queryHash: queryHashOf(ONE),
        chunks: 1n,
        received: 1n,
        nChunks: 1n,
      },
    ]);
    expect(events(receipt, zkQueryRegistryAbi, 'QueryVerified')).toEqual([
      { resultId, tokenId, version: 0n, queryHash: queryHashOf(ONE), ...totals },
    ]);
    expect(await registryRead('proven', [resultId])).toEqual([true, tokenId, 0n]);
    expect(
      await registryRead('resultIdOf', [
        tokenId,
        0n,
        queryHashOf(ONE),
        want.count,
        want.countX,
        want.sumX,
        want.sumSqX,
      ]),
    ).toBe(resultId);
    expect(await registryRead('queryOf', [tokenId, 0n, queryHashOf(ONE)])).toEqual({
      nChunks: 1,
      received: 1,
      complete: true,
      ...totals,
    });
    expect(await registryRead('chunkVerified', [tokenId, 0n, queryHashOf(ONE), 0n])).toBe(true);
    // another result id (other totals, another token) is not proven
    expect(await registryRead('proven', [keccak256(toHex('nothing'))])).toEqual([false, 0n, 0n]);
    const other = zkResultId({ tokenId: tokenId + 1n, version: 0n, queryHash: ONE.signals[6], ...totals });
    expect((await registryRead<[boolean]>('proven', [other]))[0]).toBe(false);
    // a complete query takes no more chunks
    await expectRevert(submitChunks(tokenId, 0n, [ONE]), 'QueryAlreadyComplete', [key]);
  });

  it('a tampered proof or public signal reverts with InvalidProof', async () => {
    const tokenId = await mint(rootOf(ONE));
    const tampered: ChunkProof[] = [
      withSignals(ONE, { 0: ONE.signals[0] + 1n }), // count
      withSignals(ONE, { 2: ONE.signals[2] - 1n }), // sumX
      withSignals(ONE, { 3: 0n }), // sumSqX
      { ...ONE, c: [ONE.c[0], ONE.c[1] + 1n] }, // not a curve point
      { ...ONE, a: ONE.c }, // a curve point, the wrong one
      { ...ONE, b: [ONE.b[1], ONE.b[0]] },
    ];
    for (const c of tampered) await expectRevert(submitChunks(tokenId, 0n, [c]), 'InvalidProof', [0n]);
    // in a batch, the bad chunk is named by its position
    const t0 = await mint(rootOf(FIVE[0] as ChunkProof));
    const bad = withSignals(FIVE[1] as ChunkProof, { 1: 0n });
    await expectRevert(submitChunks(t0, 0n, [FIVE[0] as ChunkProof, bad]), 'InvalidProof', [1n]);
    // nothing was recorded
    expect(
      (await registryRead<{ received: bigint }>('queryOf', [tokenId, 0n, queryHashOf(ONE)])).received,
    ).toBe(0);
    await submitChunks(tokenId, 0n, [ONE]);
  });

  it('a datasetRoot that is not the version root reverts with WrongRoot (another token, another version)', async () => {
    const other = await mint(toHex(12345n, { size: 32 }));
    await expectRevert(submitChunks(other, 0n, [ONE]), 'WrongRoot', [
      0n,
      toHex(12345n, { size: 32 }),
      rootOf(ONE),
    ]);
    // the token whose version 0 is the root, but version 1 (published later) is another root
    const tokenId = await mint(rootOf(ONE));
    await evm.send(A.owner, {
      address: nft,
      abi: dataNftArtifact.abi,
      functionName: 'publishVersion',
      args: [tokenId, CID2, rootOf(FIVE[0] as ChunkProof)],
    });
    await expectRevert(submitChunks(tokenId, 1n, [ONE]), 'WrongRoot', [
      0n,
      rootOf(FIVE[0] as ChunkProof),
      rootOf(ONE),
    ]);
    // a version that does not exist: DataNFT's error
    await expectRevert(submitChunks(tokenId, 2n, [ONE]), 'NoSuchVersion');
    // the five-chunk proofs are of version 1
    await submitChunks(tokenId, 1n, FIVE);
    const { gasUsed } = await submitChunks(tokenId, 0n, [ONE]);
    expect(gasUsed).toBeGreaterThan(0n);
  });

  it('the same chunk twice reverts with ChunkAlreadyVerified (in one batch or across batches)', async () => {
    const tokenId = await mint(rootOf(FIVE[0] as ChunkProof));
    const [c0, c1, c2, c3, c4] = FIVE as [ChunkProof, ChunkProof, ChunkProof, ChunkProof, ChunkProof];
    await expectRevert(submitChunks(tokenId, 0n, [c0, c1, c0]), 'ChunkAlreadyVerified', [2n, 0n]);
    const first = await submitChunks(tokenId, 0n, [c3, c1]);
    expect(events(first.receipt, zkQueryRegistryAbi, 'QueryVerified')).toEqual([]);
    expect(events(first.receipt, zkQueryRegistryAbi, 'ChunksVerified')).toMatchObject([
      { chunks: 2n, received: 2n, nChunks: 5n },
    ]);
    await expectRevert(submitChunks(tokenId, 0n, [c0, c1]), 'ChunkAlreadyVerified', [1n, 1n]);
    expect(await registryRead('chunkVerified', [tokenId, 0n, queryHashOf(c0), 3n])).toBe(true);
    expect(await registryRead('chunkVerified', [tokenId, 0n, queryHashOf(c0), 0n])).toBe(false);
    // the rest completes the query, with the totals of all five
    const { receipt } = await submitChunks(tokenId, 0n, [c4, c0, c2]);
    const totals = zkTotals(FIVE);
    const resultId = zkResultId({ tokenId, version: 0n, queryHash: c0.signals[6], ...totals });
    expect(events(receipt, zkQueryRegistryAbi, 'QueryVerified')).toEqual([
      { resultId, tokenId, version: 0n, queryHash: queryHashOf(c0), ...totals },
    ]);
    expect(await registryRead('proven', [resultId])).toEqual([true, tokenId, 0n]);
  });

  it('a batch of five chunks (a whole query) in one transaction', async () => {
    const tokenId = await mint(rootOf(FIVE[0] as ChunkProof));
    const { receipt } = await submitChunks(tokenId, 0n, FIVE);
    const totals = zkTotals(FIVE);
    expect(totals).toEqual(expectedTotals(fixture.fiveChunks));
    const resultId = zkResultId({
      tokenId,
      version: 0n,
      queryHash: FIVE[0]?.signals[6] as bigint,
      ...totals,
    });
    expect(events(receipt, zkQueryRegistryAbi, 'QueryVerified')[0]?.['resultId']).toBe(resultId);
  });

  it('chunks unlike their query: another queryHash, nChunks or circuit, an index out of range, an empty batch', async () => {
    const tokenId = await mint(rootOf(FIVE[0] as ChunkProof));
    const [c0, c1] = FIVE as [ChunkProof, ChunkProof];
    const qh = queryHashOf(c0);
    await expectRevert(submitChunks(tokenId, 0n, [c0, withSignals(c1, { 6: 7n })]), 'QueryMismatch', [
      1n,
      qh,
      toHex(7n, { size: 32 }),
    ]);
    await expectRevert(submitChunks(tokenId, 0n, [c0, withSignals(c1, { 4: 6n })]), 'ChunkCountMismatch', [
      1n,
      5n,
      6n,
    ]);
    await expectRevert(submitChunks(tokenId, 0n, [withSignals(c0, { 7: 5n })]), 'ChunkIndexOutOfRange', [
      0n,
      5n,
      5n,
    ]);
    await expectRevert(submitChunks(tokenId, 0n, [withSignals(c0, { 4: 0n })]), 'InvalidChunkCount', [
      0n,
      0n,
    ]);
    await expectRevert(
      submitChunks(tokenId, 0n, [withSignals(c0, { 4: 2n ** 16n + 1n })]),
      'InvalidChunkCount',
    );
    const unknown = keccak256(toHex('chunk-query-p9-w9'));
    await expectRevert(submitChunks(tokenId, 0n, [{ ...c0, circuit: unknown }]), 'UnknownCircuit', [
      0n,
      unknown,
    ]);
    await expectRevert(submitChunks(tokenId, 0n, []), 'EmptyBatch', []);
    // once a query has chunks, later ones must have its nChunks too
    await submitChunks(tokenId, 0n, [c0]);
    await expectRevert(submitChunks(tokenId, 0n, [withSignals(c1, { 4: 4n })]), 'ChunkCountMismatch', [
      0n,
      5n,
      4n,
    ]);
  });

  it('a registry refuses circuit lists it cannot use', async () => {
    const art = zkQueryRegistryArtifact as unknown as Artifact;
    const id = circuitId(CIRCUIT);
    const v = verifiers[CIRCUIT] as Address;
    await expect(evm.deploy(art, [nft, [id, id], [v, v]])).rejects.toThrow(/DuplicateCircuit|revert/);
    await expect(evm.deploy(art, [nft, [id], []])).rejects.toThrow(/LengthMismatch|revert/);
    await expect(evm.deploy(art, [nft, [id], [ZERO_ADDRESS]])).rejects.toThrow(/ZeroVerifier|revert/);
  });
});

describe('PledgeMarket zk-query receipts', () => {
  /** An accepted zk-query pledge of `tokenId`'s `version` (native currency). */
  async function acceptedPledge(tokenId: bigint, version = 0n, at: Address = market): Promise<bigint> {
    const terms = {
      ops: OP_ZK_QUERY,
      pricePerRow: PRICE,
      maxRows: 1000n,
      expiresAt: (await evm.now()) + 86_400n,
      minCohort: 10,
      compute: A.compute.address,
      asset: ZERO_ADDRESS,
    };
    const send = (from: PrivateKeyAccount, functionName: string, args: readonly unknown[], value?: bigint) =>
      evm.send(from, { address: at, abi: pledgeMarketAbi, functionName, args, ...(value ? { value } : {}) });
    await send(A.consumer, 'deposit', [], terms.maxRows * PRICE);
    const { receipt } = await send(A.owner, 'pledge', [tokenId, version, A.consumer.address, terms]);
    const id = events(receipt, pledgeMarketAbi, 'Pledged')[0]?.['pledgeId'] as bigint;
    await send(A.consumer, 'accept', [id]);
    return id;
  }

  async function submitReceipt(pledgeId: bigint, resultHash: Hex, at: Address = market) {
    const p = (await evm.client.readContract({
      address: at,
      abi: pledgeMarketAbi,
      functionName: 'pledgeOf',
      args: [pledgeId],
    })) as { acceptedAt: bigint; receiptHead: Hex; tokenId: bigint; version: number };
    const r: UsageReceipt = {
      pledgeId,
      jobId: keccak256(toHex(`zk-job-${resultHash}`)),
      tokenId: p.tokenId,
      version: Number(p.version),
      op: OP_ZK_QUERY,
      rows: 100n,
      startedAt: p.acceptedAt,
      specHash: keccak256(toHex('SELECT COUNT(*) FROM t')),
      resultHash,
      proofHash: keccak256(toHex(`zk-bundle-${resultHash}`)),
      prev: p.receiptHead,
    };
    const cs = await signReceipt(A.compute, r, evm.chain.id, at);
    const us = await signReceipt(A.consumer, r, evm.chain.id, at);
    return {
      r,
      sent: evm.send(A.other, {
        address: at,
        abi: pledgeMarketAbi,
        functionName: 'submitReceipts',
        args: [pledgeId, [r], [cs], [us]],
      }),
    };
  }

  it('refuses a zk-query receipt whose result is not proven, credits the one that is', async () => {
    const tokenId = await mint(rootOf(ONE));
    const pledgeId = await acceptedPledge(tokenId);
    const resultId = zkResultId({ tokenId, version: 0n, queryHash: ONE.signals[6], ...zkTotals([ONE]) });
    // not proven yet
    const early = await submitReceipt(pledgeId, resultId);
    await expectRevert(early.sent, 'ZkResultNotProven', [0n, resultId]);
    await submitChunks(tokenId, 0n, [ONE]);
    // a hash the registry never proved (other totals)
    const wrong = zkResultId({
      tokenId,
      version: 0n,
      queryHash: ONE.signals[6],
      ...zkTotals([ONE]),
      count: 54n,
    });
    await expectRevert((await submitReceipt(pledgeId, wrong)).sent, 'ZkResultNotProven', [0n, wrong]);
    const { r, sent } = await submitReceipt(pledgeId, resultId);
    const { receipt } = await sent;
    expect(events(receipt, pledgeMarketAbi, 'ReceiptAccepted')).toEqual([
      { pledgeId, jobId: r.jobId, op: OP_ZK_QUERY, rows: 100n, resultHash: resultId, head: receiptHash(r) },
    ]);
    expect(events(receipt, pledgeMarketAbi, 'Credited')).toEqual([
      { pledgeId, owner: A.owner.address, asset: ZERO_ADDRESS, amount: 100n * PRICE, rowsUsed: 100n },
    ]);
  });

  it('refuses a result proven over another token or another version of it', async () => {
    const proved = await mint(rootOf(ONE));
    await submitChunks(proved, 0n, [ONE]);
    const resultId = zkResultId({
      tokenId: proved,
      version: 0n,
      queryHash: ONE.signals[6],
      ...zkTotals([ONE]),
    });
    expect(await registryRead('proven', [resultId])).toEqual([true, proved, 0n]);
    // another token (same root even): its pledge does not take the first token's result
    const other = await mint(rootOf(ONE));
    const p1 = await acceptedPledge(other);
    await expectRevert((await submitReceipt(p1, resultId)).sent, 'ZkResultNotProven', [0n, resultId]);
    // the same token, version 1: not the version the result was proven over
    await evm.send(A.owner, {
      address: nft,
      abi: dataNftArtifact.abi,
      functionName: 'publishVersion',
      args: [proved, CID2, rootOf(ONE)],
    });
    const p2 = await acceptedPledge(proved, 1n);
    await expectRevert((await submitReceipt(p2, resultId)).sent, 'ZkResultNotProven', [0n, resultId]);
    // version 0's pledge does
    const p3 = await acceptedPledge(proved, 0n);
    await (await submitReceipt(p3, resultId)).sent;
  });

  it('a market deployed without a registry accepts no zk-query receipt', async () => {
    const bare = (
      await evm.deploy(pledgeMarketArtifact as unknown as Artifact, [nft, ZERO_ADDRESS, ZERO_ADDRESS])
    ).address;
    const tokenId = await mint(rootOf(ONE));
    await submitChunks(tokenId, 0n, [ONE]);
    const resultId = zkResultId({ tokenId, version: 0n, queryHash: ONE.signals[6], ...zkTotals([ONE]) });
    const pledgeId = await acceptedPledge(tokenId, 0n, bare);
    await expectRevert((await submitReceipt(pledgeId, resultId, bare)).sent, 'ZkResultNotProven', [
      0n,
      resultId,
    ]);
  });
});

describe('gas', () => {
  it('one chunk and a batch of five, as mined (printed for the record)', async () => {
    const one = (await submitChunks(await mint(rootOf(ONE)), 0n, [ONE])).gasUsed;
    const five = (await submitChunks(await mint(rootOf(FIVE[0] as ChunkProof)), 0n, FIVE)).gasUsed;
    // the same five over two transactions: the first starts the query, the second completes it
    const t = await mint(rootOf(FIVE[0] as ChunkProof));
    const start = (await submitChunks(t, 0n, FIVE.slice(0, 2))).gasUsed;
    const end = (await submitChunks(t, 0n, FIVE.slice(2))).gasUsed;
    process.stderr.write(
      `zk registry gas: 1 chunk ${one}; 5 chunks ${five} (${(five - one) / 4n} per further chunk); 2 + 3 chunks ${start} + ${end}\n`,
    );
    // the bound ZkQueryRegistry documents: at most 200k + n × 250k per transaction
    for (const [gas, n] of [
      [one, 1n],
      [five, 5n],
      [start, 2n],
      [end, 3n],
    ] as const) {
      expect(gas).toBeLessThan(200_000n + n * 250_000n);
    }
  });
});
