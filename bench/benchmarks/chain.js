// @ts-check
/**
 * `npm run bench -- chain`: the contracts' gas and the embedded chain's throughput.
 *
 * - `gas`: one pass over every contract operation on an in-memory EVM (Hardhat's EDR), printing
 *   the gas of each in `extra.gas` beside the issue's targets (`extra.targets`): deploy (both
 *   contracts), mint, publishVersion, deposit, pledge, accept, one receipt alone, a batch of 100
 *   receipts (gas per receipt), withdraw, reclaim. Gas is deterministic: the run's time is not the
 *   point (units: transactions).
 * - `mint-tps`: mints/s on the in-memory EDR, each sent as a sinso command sends it (viem
 *   writeContract: gas estimate, nonce, signature, raw transaction, receipt).
 * - `mint-tps-journal`: the same on the workspace's embedded chain (dist/chain/adapters:
 *   every mined transaction appended to the journal and fsynced).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  hashStruct,
  parseEventLogs,
  parseSignature,
  signatureToCompactSignature,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { openEmbeddedChain } from '../../dist/chain/adapters/embeddedChain.js';
import {
  dataNftAbi,
  dataNftBytecode,
  pledgeMarketAbi,
  pledgeMarketBytecode,
} from '../../dist/chain/contracts.generated.js';
import { USAGE_RECEIPT_TYPES } from '../../dist/chain/receipts.js';
import { fixedClock } from '../../dist/core/clock.js';
import { chainStartup } from './chainStartup.js';

const ZERO = /** @type {const} */ ('0x0000000000000000000000000000000000000000');
/** A CIDv1 (dag-pb, sha256) in base32: the shape of the manifest CIDs sinso publishes. */
const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
const CID2 = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq';
const ROOT = /** @type {`0x${string}`} */ (`0x${'11'.repeat(32)}`);
/** Fixed, public test keys (1, 2, 3, 4): deployer, owner, consumer, compute node. */
const KEYS = [1, 2, 3, 4].map((i) => /** @type {`0x${string}`} */ (`0x${i.toString(16).padStart(64, '0')}`));
/** The gas targets. */
const TARGETS = { mint: 200_000, perReceiptInBatchOf100: 30_000 };

const RECEIPT_TYPES = USAGE_RECEIPT_TYPES;

/**
 * An in-memory EDR with the test accounts funded, and viem clients over it.
 * @param {{ request(args: { method: string, params?: unknown }): Promise<unknown> } | undefined} [given]
 *   a provider to use instead (the embedded chain)
 */
async function startChain(given) {
  /** @type {{ close(): Promise<void>, provider: unknown } | undefined} */
  let connection;
  let provider = given;
  if (!provider) {
    const { createHardhatRuntimeEnvironment } = await import('hardhat/hre');
    const hre = await createHardhatRuntimeEnvironment({
      networks: {
        default: {
          type: 'edr-simulated',
          chainId: 31337,
          hardfork: 'cancun',
          initialDate: '2026-01-01T00:00:00Z',
          loggingEnabled: false,
          accounts: KEYS.map((privateKey) => ({ privateKey, balance: (10n ** 24n).toString() })),
        },
      },
    });
    connection = await hre.network.connect();
    provider = /** @type {NonNullable<typeof given>} */ (/** @type {unknown} */ (connection.provider));
  }
  const chain = defineChain({
    id: 31337,
    name: 'bench',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
  const transport = custom(/** @type {any} */ (provider), { retryCount: 0 });
  const client = createPublicClient({ chain, transport, pollingInterval: 5 });
  const [deployer, owner, consumer, compute] = KEYS.map((k) => privateKeyToAccount(k));
  const accounts = {
    deployer: /** @type {import('viem/accounts').PrivateKeyAccount} */ (deployer),
    owner: /** @type {import('viem/accounts').PrivateKeyAccount} */ (owner),
    consumer: /** @type {import('viem/accounts').PrivateKeyAccount} */ (consumer),
    compute: /** @type {import('viem/accounts').PrivateKeyAccount} */ (compute),
  };
  /** @param {string} method @param {unknown[]} [params] */
  const rpc = (method, params = []) =>
    /** @type {NonNullable<typeof given>} */ (provider).request({ method, params });
  /** @param {import('viem/accounts').PrivateKeyAccount} account */
  const wallet = (account) => createWalletClient({ account, chain, transport });
  /** @param {`0x${string}`} hash */
  const mined = async (hash) => {
    const receipt = await client.getTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`transaction ${hash} failed`);
    return receipt;
  };
  /**
   * @param {import('viem/accounts').PrivateKeyAccount} from
   * @param {`0x${string}`} address @param {any} abi @param {string} functionName
   * @param {readonly unknown[]} args @param {bigint} [value]
   */
  const send = async (from, address, abi, functionName, args, value) =>
    mined(
      await wallet(from).writeContract(
        /** @type {any} */ ({ address, abi, functionName, args, ...(value ? { value } : {}) }),
      ),
    );
  /** @param {any} abi @param {`0x${string}`} bytecode @param {readonly unknown[]} args */
  const deploy = async (abi, bytecode, args) => {
    const receipt = await mined(
      await wallet(accounts.deployer).deployContract(/** @type {any} */ ({ abi, bytecode, args })),
    );
    return { receipt, address: /** @type {`0x${string}`} */ (receipt.contractAddress) };
  };
  return {
    client,
    accounts,
    rpc,
    send,
    deploy,
    close: async () => {
      await connection?.close();
    },
  };
}

/**
 * @param {import('viem/accounts').PrivateKeyAccount} signer
 * @param {`0x${string}`} market
 * @param {{ pledgeId: bigint, jobId: `0x${string}`, tokenId: bigint, version: number, op: number, rows: bigint, startedAt: bigint, specHash: `0x${string}`, resultHash: `0x${string}`, proofHash: `0x${string}`, prev: `0x${string}` }} r
 */
async function sign(signer, market, r) {
  const signature = await signer.signTypedData({
    domain: { name: 'sinso PledgeMarket', version: '1', chainId: 31337, verifyingContract: market },
    types: RECEIPT_TYPES,
    primaryType: 'UsageReceipt',
    message: r,
  });
  const { r: rr, yParityAndS } = signatureToCompactSignature(parseSignature(signature));
  return { r: rr, vs: yParityAndS };
}

/** @param {number} i */
const word = (i) => /** @type {`0x${string}`} */ (`0x${i.toString(16).padStart(64, '0')}`);

/**
 * Builds, signs and submits `n` chained receipts of one pledge; returns the transaction's gas.
 * @param {Awaited<ReturnType<typeof startChain>>} c @param {`0x${string}`} market
 * @param {bigint} pledgeId @param {number} n @param {bigint} startedAt @param {number} salt
 */
async function submitBatch(c, market, pledgeId, n, startedAt, salt) {
  const p = /** @type {{ receiptHead: `0x${string}`, tokenId: bigint, version: number }} */ (
    await c.client.readContract({
      address: market,
      abi: pledgeMarketAbi,
      functionName: 'pledgeOf',
      args: [pledgeId],
    })
  );
  let prev = p.receiptHead;
  const receipts = [];
  const computeSigs = [];
  const consumerSigs = [];
  for (let i = 0; i < n; i++) {
    const r = {
      pledgeId,
      jobId: word(salt * 1_000_000 + i + 1),
      tokenId: p.tokenId,
      version: Number(p.version),
      op: 1,
      rows: 3n,
      startedAt,
      specHash: word(0x5bec0000 + salt),
      resultHash: word(0xbeef0000 + salt * 1_000_000 + i),
      proofHash: word(0),
      prev,
    };
    receipts.push(r);
    computeSigs.push(await sign(c.accounts.compute, market, r));
    consumerSigs.push(await sign(c.accounts.consumer, market, r));
    prev = hashStruct({ types: RECEIPT_TYPES, primaryType: 'UsageReceipt', data: r });
  }
  const receipt = await c.send(c.accounts.compute, market, pledgeMarketAbi, 'submitReceipts', [
    pledgeId,
    receipts,
    computeSigs,
    consumerSigs,
  ]);
  return receipt.gasUsed;
}

/** @type {import('../types.js').Workload<Awaited<ReturnType<typeof startChain>>>} */
const gasWorkload = {
  name: 'gas',
  description: 'gas of every contract operation (in-memory EDR), beside the targets',
  setup: () => startChain(),
  async run(_p, c) {
    const { owner, consumer, compute } = c.accounts;
    let txs = 0;
    /** @type {Record<string, number>} */
    const gas = {};
    /** @param {string} name @param {Promise<import('viem').TransactionReceipt>} p */
    const measure = async (name, p) => {
      const r = await p;
      txs++;
      gas[name] = Number(r.gasUsed);
      return r;
    };
    const nftDeploy = await c.deploy(dataNftAbi, dataNftBytecode, []);
    gas['deployDataNft'] = Number(nftDeploy.receipt.gasUsed);
    const nft = nftDeploy.address;
    // no ZK registry (address 0): the bench sends no zk-query receipt
    const marketDeploy = await c.deploy(pledgeMarketAbi, pledgeMarketBytecode, [nft, ZERO, ZERO]);
    gas['deployPledgeMarket'] = Number(marketDeploy.receipt.gasUsed);
    const market = marketDeploy.address;
    txs += 2;

    await measure('mint', c.send(owner, nft, dataNftAbi, 'mint', [owner.address, CID, ROOT]));
    await measure('mintSecond', c.send(owner, nft, dataNftAbi, 'mint', [owner.address, CID2, ROOT]));
    await measure('publishVersion', c.send(owner, nft, dataNftAbi, 'publishVersion', [1n, CID2, ROOT]));
    await measure('deposit', c.send(consumer, market, pledgeMarketAbi, 'deposit', [], 10n ** 21n));
    const latest = await c.client.getBlock();
    const terms = {
      ops: 3,
      pricePerRow: 10n ** 12n,
      maxRows: 1_000_000n,
      expiresAt: latest.timestamp + 30n * 86_400n,
      minCohort: 10,
      compute: compute.address,
      asset: ZERO,
    };
    /** @returns {Promise<bigint>} */
    const pledge = async (/** @type {string} */ name) => {
      const r = await measure(
        name,
        c.send(owner, market, pledgeMarketAbi, 'pledge', [1n, 1n, consumer.address, terms]),
      );
      const [ev] = parseEventLogs({ abi: pledgeMarketAbi, logs: r.logs, eventName: 'Pledged' });
      return /** @type {bigint} */ (ev?.args.pledgeId);
    };
    const first = await pledge('pledge');
    const accepted = await measure('accept', c.send(consumer, market, pledgeMarketAbi, 'accept', [first]));
    const acceptedAt = (await c.client.getBlock({ blockNumber: accepted.blockNumber })).timestamp;
    gas['receiptAloneFirst'] = Number(await submitBatch(c, market, first, 1, acceptedAt, 1));
    gas['receiptAlone'] = Number(await submitBatch(c, market, first, 1, acceptedAt, 2));
    gas['batchOf100'] = Number(await submitBatch(c, market, first, 100, acceptedAt, 3));
    gas['perReceiptInBatchOf100'] = Math.round(gas['batchOf100'] / 100);
    txs += 3;
    // a second pledge, its first batch of 100 (the head and counters go from zero)
    const second = await pledge('pledgeSecond');
    const acc2 = await c.send(consumer, market, pledgeMarketAbi, 'accept', [second]);
    txs++;
    const at2 = (await c.client.getBlock({ blockNumber: acc2.blockNumber })).timestamp;
    gas['batchOf100FirstOfPledge'] = Number(await submitBatch(c, market, second, 100, at2, 4));
    gas['perReceiptInFirstBatchOf100'] = Math.round(gas['batchOf100FirstOfPledge'] / 100);
    txs++;
    await measure('withdraw', c.send(owner, market, pledgeMarketAbi, 'withdraw', [ZERO]));
    await measure('revoke', c.send(owner, market, pledgeMarketAbi, 'revoke', [second]));
    await c.rpc('evm_increaseTime', [`0x${(31 * 86_400).toString(16)}`]);
    await measure('reclaim', c.send(consumer, market, pledgeMarketAbi, 'reclaim', [first]));
    await measure(
      'withdrawEscrow',
      c.send(consumer, market, pledgeMarketAbi, 'withdrawEscrow', [ZERO, 10n ** 18n]),
    );
    const perReceipt = Math.max(gas['perReceiptInBatchOf100'], gas['perReceiptInFirstBatchOf100']);
    return {
      units: txs,
      unit: 'transactions',
      extra: {
        gas,
        targets: {
          mint: { gas: gas['mint'], max: TARGETS.mint, met: (gas['mint'] ?? Infinity) <= TARGETS.mint },
          perReceiptInBatchOf100: {
            gas: perReceipt,
            max: TARGETS.perReceiptInBatchOf100,
            met: perReceipt <= TARGETS.perReceiptInBatchOf100,
          },
        },
      },
    };
  },
  teardown: (_p, c) => c.close(),
};

/**
 * Deploys DataNFT on `c`, then mints `n` tokens one transaction at a time.
 * @param {Awaited<ReturnType<typeof startChain>>} c @param {number} n
 */
async function mints(c, n) {
  const { owner } = c.accounts;
  const nft = (await c.deploy(dataNftAbi, dataNftBytecode, [])).address;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await c.send(owner, nft, dataNftAbi, 'mint', [owner.address, CID, ROOT]);
  const seconds = (performance.now() - t0) / 1000;
  return { units: n, unit: 'transactions', extra: { mintsPerSecond: Math.round(n / seconds) } };
}

/** @type {import('../types.js').Workload<Awaited<ReturnType<typeof startChain>>>} */
const mintTps = {
  name: 'mint-tps',
  description: 'mints/s on the in-memory EDR, sent as a command sends them (viem writeContract)',
  setup: () => startChain(),
  run: (p, c) => mints(c, Number(p.mints)),
  teardown: (_p, c) => c.close(),
};

/** @type {import('../types.js').Workload<{ dir: string, embedded: import('../../dist/chain/adapters/embeddedChain.js').EmbeddedChain, c: Awaited<ReturnType<typeof startChain>> }>} */
const mintTpsJournal = {
  name: 'mint-tps-journal',
  description: 'mints/s on the embedded chain (EDR + journal line fsynced per transaction)',
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'sinso-bench-chain-'));
    const embedded = await openEmbeddedChain({ dir, clock: fixedClock('2026-01-02T00:00:00Z') });
    const c = await startChain(embedded.provider);
    for (const a of Object.values(c.accounts)) await embedded.fund(a.address, 10n ** 21n);
    return { dir, embedded, c };
  },
  run: (p, s) => mints(s.c, Number(p.mints)),
  async teardown(_p, s) {
    await s.embedded.close();
    rmSync(s.dir, { recursive: true, force: true });
  },
};

/** @type {import('../types.js').Benchmark} */
export const chain = {
  name: 'chain',
  description:
    'Contract gas per operation (targets: mint ≤ 200,000; ≤ 30,000 per receipt in 100), mints/s, and a command’s start-up at 10,000 transactions (target < 1 s)',
  runs: 3,
  warmup: 1,
  params: {
    mints: { default: 300, description: 'mint transactions of the throughput workloads' },
    transactions: {
      default: 10_000,
      description: 'transactions in the journal of the start-up workload (target: start-up < 1 s at 10,000)',
    },
  },
  workloads: [
    /** @type {import('../types.js').Workload} */ (/** @type {unknown} */ (gasWorkload)),
    /** @type {import('../types.js').Workload} */ (/** @type {unknown} */ (mintTps)),
    /** @type {import('../types.js').Workload} */ (/** @type {unknown} */ (mintTpsJournal)),
    /** @type {import('../types.js').Workload} */ (/** @type {unknown} */ (chainStartup)),
  ],
};
