import {
  type Abi,
  type Account,
  BaseError,
  ContractFunctionRevertedError,
  decodeEventLog,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import type { ChainSession, Deployment } from './connect.js';
import {
  dataNftAbi,
  dataNftBytecode,
  groth16VerifierAbi,
  pledgeMarketAbi,
  pledgeMarketBytecode,
  zkQueryRegistryAbi,
  zkQueryRegistryBytecode,
  zkVerifiers,
} from './contracts.generated.js';
import { ChainError } from './errors.js';
import type { UsageReceipt } from './receipts.js';
import { type ChunkProof, circuitId } from './zkChunks.js';

/**
 * The operations a pledge may allow, by name, and their bits in the contract. `he-public`
 * qualifies `he-query` (homomorphic queries may use public group keys, k-anonymous
 * quasi-identifiers the compute node sees, rather than encrypted ones): the contract refuses it
 * without `he-query`, and no receipt names it (a public-mode query is receipted as `he-query`).
 */
export const OPERATIONS = { 'he-query': 1, 'zk-query': 2, train: 4, access: 8, 'he-public': 16 } as const;
export type Operation = keyof typeof OPERATIONS;

export const PLEDGE_STATES = ['none', 'offered', 'accepted', 'revoked'] as const;

/** A pledge's terms as the owner gives them. */
export type PledgeTerms = {
  ops: readonly Operation[];
  pricePerRow: bigint;
  maxRows: bigint;
  /** Unix seconds. */
  expiresAt: bigint;
  minCohort: number;
  compute: `0x${string}`;
  /** `undefined`: the native currency; else the market's ERC-20. */
  asset?: `0x${string}` | undefined;
};

/** The result of a mined transaction that sinso sent. */
export type Sent = { tx: Hex; gasUsed: bigint; block: bigint; receipt: TransactionReceipt };

const ZERO = '0x0000000000000000000000000000000000000000' as const;

/** The bits of a list of operations. */
export function opsBits(ops: readonly Operation[]): number {
  return ops.reduce((b, o) => b | OPERATIONS[o], 0);
}

/**
 * What is wrong with a list of operations as a pledge's (what the contract would refuse as
 * `InvalidTerms("ops")`), or `undefined` when nothing is.
 *
 * @example
 * opsProblem(['he-public']); // 'he-public qualifies he-query: pledge it with he-query'
 * opsProblem(['he-query', 'he-public']); // undefined
 */
export function opsProblem(ops: readonly Operation[]): string | undefined {
  if (ops.length === 0) return 'no operation';
  if (ops.includes('he-public') && !ops.includes('he-query')) {
    return 'he-public qualifies he-query: pledge it with he-query';
  }
  return undefined;
}

/** The operations of a bit set. */
export function opsOf(bits: number): Operation[] {
  return (Object.keys(OPERATIONS) as Operation[]).filter((o) => (bits & OPERATIONS[o]) !== 0);
}

/** The gas each deployment took. */
export type DeploymentGas = {
  dataNft: bigint;
  pledgeMarket: bigint;
  zkQueryRegistry: bigint;
  /** Per circuit id. */
  zkVerifiers: Record<string, bigint>;
};

/**
 * Deploys DataNFT, the Groth16 verifier of each circuit of src/chain/contracts/generated/,
 * ZkQueryRegistry (the NFT and those verifiers) and PledgeMarket (the NFT, `token` as its
 * ERC-20 or the native currency only, the registry) from `account`, and returns where they are.
 *
 * @example
 * const d = await deployContracts(chain, owner);
 * await chain.saveDeployment(d);
 */
export async function deployContracts(
  chain: ChainSession,
  account: Account,
  token?: `0x${string}` | undefined,
): Promise<Deployment & { gas: DeploymentGas }> {
  await chain.ensureGas(account.address);
  const wallet = chain.wallet(account);
  const deploy = async (abi: Abi, bytecode: Hex, args: readonly unknown[], name: string) => {
    const tx = await wallet.deployContract({ abi, bytecode, args } as Parameters<
      typeof wallet.deployContract
    >[0]);
    const receipt = await chain.client.waitForTransactionReceipt({ hash: tx });
    if (receipt.status !== 'success' || !receipt.contractAddress) {
      throw new ChainError('CHAIN_TX_FAILED', { contract: name, fn: 'constructor', tx });
    }
    return receipt;
  };
  const nft = await deploy(dataNftAbi, dataNftBytecode, [], 'DataNFT');
  const verifiers: Record<string, `0x${string}`> = {};
  const verifierGas: Record<string, bigint> = {};
  for (const v of zkVerifiers) {
    const r = await deploy(groth16VerifierAbi, v.bytecode, [], v.contract);
    verifiers[v.circuit] = r.contractAddress as `0x${string}`;
    verifierGas[v.circuit] = r.gasUsed;
  }
  const circuits = Object.keys(verifiers);
  const registry = await deploy(
    zkQueryRegistryAbi,
    zkQueryRegistryBytecode,
    [nft.contractAddress, circuits.map(circuitId), circuits.map((c) => verifiers[c])],
    'ZkQueryRegistry',
  );
  const market = await deploy(
    pledgeMarketAbi,
    pledgeMarketBytecode,
    [nft.contractAddress, token ?? ZERO, registry.contractAddress],
    'PledgeMarket',
  );
  return {
    chainId: chain.chainId,
    dataNft: nft.contractAddress as `0x${string}`,
    pledgeMarket: market.contractAddress as `0x${string}`,
    zkQueryRegistry: registry.contractAddress as `0x${string}`,
    zkVerifiers: verifiers,
    ...(token ? { token } : {}),
    deployer: account.address,
    block: Number(market.blockNumber),
    gas: {
      dataNft: nft.gasUsed,
      pledgeMarket: market.gasUsed,
      zkQueryRegistry: registry.gasUsed,
      zkVerifiers: verifierGas,
    },
  };
}

/**
 * The contracts of this chain, deployed first when missing and the chain is the embedded one
 * (from the account `deployer` gives); on an external chain they are deployed once with
 * `sinso chain deploy` (CHAIN_NOT_DEPLOYED until then).
 *
 * @example
 * await ensureDeployed(chain, () => keyring.account('owner'));
 */
export async function ensureDeployed(chain: ChainSession, deployer: () => Promise<Account>): Promise<void> {
  if (chain.deployment) return;
  if (chain.kind !== 'embedded') throw new ChainError('CHAIN_NOT_DEPLOYED', { chain: chain.label });
  const { gas: _gas, ...d } = await deployContracts(chain, await deployer());
  await chain.saveDeployment(d);
}

type ContractName = 'DataNFT' | 'PledgeMarket' | 'ZkQueryRegistry';

/** Typed access to the deployed contracts of one chain, as one account or read-only. */
export type Market = ReturnType<typeof openMarket>;

/**
 * The sinso contracts on an open chain. Every write is simulated first, so a refusal is a
 * CHAIN_REVERTED error naming the contract's custom error and its arguments (decoded), then
 * sent, mined and checked; ids come from the events of the receipt.
 *
 * @example
 * const m = openMarket(chain);
 * const { tokenId } = await m.mint(owner, publishRecord.manifestCid, publishRecord.commitmentRoot);
 */
export function openMarket(chain: ChainSession) {
  const d = chain.deployment;
  if (!d) throw new ChainError('CHAIN_NOT_DEPLOYED', { chain: chain.label });
  // each contract's calls decode the other's errors too (the market calls the NFT: a pledge of a
  // token that does not exist is DataNFT's ERC721NonexistentToken)
  const errorsOf = (abi: Abi) => abi.filter((x) => x.type === 'error');
  const contracts = {
    DataNFT: { address: d.dataNft, abi: [...dataNftAbi, ...errorsOf(pledgeMarketAbi as Abi)] as Abi },
    PledgeMarket: {
      address: d.pledgeMarket,
      abi: [...pledgeMarketAbi, ...errorsOf(dataNftAbi as Abi)] as Abi,
    },
    ZkQueryRegistry: {
      address: d.zkQueryRegistry ?? ZERO,
      abi: [...zkQueryRegistryAbi, ...errorsOf(dataNftAbi as Abi)] as Abi,
    },
  } as const;
  const registry = () => {
    if (!d.zkQueryRegistry) {
      throw new ChainError('CHAIN_NOT_DEPLOYED', { chain: `${chain.label} (ZkQueryRegistry)` });
    }
  };

  async function send(
    account: Account,
    contract: ContractName,
    fn: string,
    args: readonly unknown[],
    value?: bigint,
  ): Promise<Sent> {
    await chain.ensureGas(account.address);
    const c = contracts[contract];
    let request: unknown;
    try {
      ({ request } = await chain.client.simulateContract({
        address: c.address,
        abi: c.abi as Abi,
        functionName: fn,
        args,
        account,
        ...(value !== undefined ? { value } : {}),
      }));
    } catch (err) {
      throw revertError(contract, fn, err);
    }
    const tx = await chain.wallet(account).writeContract(request as never);
    const receipt = await chain.client.waitForTransactionReceipt({ hash: tx });
    if (receipt.status !== 'success') throw new ChainError('CHAIN_TX_FAILED', { contract, fn, tx });
    return { tx, gasUsed: receipt.gasUsed, block: receipt.blockNumber, receipt };
  }

  function eventArgs(contract: ContractName, sent: Sent, eventName: string): Record<string, unknown> {
    const c = contracts[contract];
    for (const log of sent.receipt.logs) {
      if (log.address.toLowerCase() !== c.address.toLowerCase()) continue;
      try {
        const ev = decodeEventLog({ abi: c.abi as Abi, data: log.data, topics: log.topics });
        if (ev.eventName === eventName) return ev.args as unknown as Record<string, unknown>;
      } catch {
        // another event of the contract
      }
    }
    throw new ChainError('CHAIN_TX_FAILED', { contract, fn: eventName, tx: sent.tx });
  }

  const read = async <T>(contract: ContractName, fn: string, args: readonly unknown[]): Promise<T> => {
    const c = contracts[contract];
    try {
      return (await chain.client.readContract({
        address: c.address,
        abi: c.abi as Abi,
        functionName: fn,
        args,
      })) as T;
    } catch (err) {
      throw revertError(contract, fn, err);
    }
  };

  // the contracts' events since their deployment (the block before it, for a reorganised tip)
  const fromBlock = BigInt(Math.max(0, d.block - 1));
  async function events(name: 'VersionPublished'): Promise<(VersionPublishedArgs & { tx: Hex })[]>;
  async function events(name: 'Pledged'): Promise<(PledgedArgs & { tx: Hex })[]>;
  async function events(name: 'VersionPublished' | 'Pledged'): Promise<unknown[]> {
    const logs = await chain.client.getContractEvents({
      ...(name === 'Pledged' ? contracts.PledgeMarket : contracts.DataNFT),
      eventName: name,
      fromBlock,
    } as Parameters<typeof chain.client.getContractEvents>[0]);
    return logs.map((l) => ({ ...(l as unknown as { args: object }).args, tx: l.transactionHash }));
  }

  return {
    deployment: d,
    async mint(account: Account, manifestCid: string, root: Hex) {
      const sent = await send(account, 'DataNFT', 'mint', [account.address, manifestCid, root]);
      const ev = eventArgs('DataNFT', sent, 'VersionPublished');
      return { ...sent, tokenId: ev['tokenId'] as bigint };
    },
    async publishVersion(account: Account, tokenId: bigint, manifestCid: string, root: Hex) {
      const sent = await send(account, 'DataNFT', 'publishVersion', [tokenId, manifestCid, root]);
      return { ...sent, version: eventArgs('DataNFT', sent, 'VersionPublished')['index'] as bigint };
    },
    async pledge(
      account: Account,
      p: { tokenId: bigint; version: bigint; consumer: `0x${string}`; terms: PledgeTerms },
    ) {
      const terms = {
        ops: opsBits(p.terms.ops),
        pricePerRow: p.terms.pricePerRow,
        maxRows: p.terms.maxRows,
        expiresAt: p.terms.expiresAt,
        minCohort: p.terms.minCohort,
        compute: p.terms.compute,
        asset: p.terms.asset ?? ZERO,
      };
      const sent = await send(account, 'PledgeMarket', 'pledge', [p.tokenId, p.version, p.consumer, terms]);
      return { ...sent, pledgeId: eventArgs('PledgeMarket', sent, 'Pledged')['pledgeId'] as bigint };
    },
    async accept(account: Account, pledgeId: bigint) {
      const sent = await send(account, 'PledgeMarket', 'accept', [pledgeId]);
      return { ...sent, locked: eventArgs('PledgeMarket', sent, 'Accepted')['locked'] as bigint };
    },
    revoke: (account: Account, pledgeId: bigint) => send(account, 'PledgeMarket', 'revoke', [pledgeId]),
    async reclaim(account: Account, pledgeId: bigint) {
      const sent = await send(account, 'PledgeMarket', 'reclaim', [pledgeId]);
      return { ...sent, amount: eventArgs('PledgeMarket', sent, 'Reclaimed')['amount'] as bigint };
    },
    deposit: (account: Account, wei: bigint) => send(account, 'PledgeMarket', 'deposit', [], wei),
    async withdraw(account: Account, asset?: `0x${string}`) {
      const sent = await send(account, 'PledgeMarket', 'withdraw', [asset ?? ZERO]);
      return { ...sent, amount: eventArgs('PledgeMarket', sent, 'Withdrawn')['amount'] as bigint };
    },
    withdrawEscrow: (account: Account, wei: bigint, asset?: `0x${string}`) =>
      send(account, 'PledgeMarket', 'withdrawEscrow', [asset ?? ZERO, wei]),
    freeEscrow: (who: `0x${string}`, asset?: `0x${string}`) =>
      read<bigint>('PledgeMarket', 'freeEscrow', [who, asset ?? ZERO]),
    owed: (who: `0x${string}`, asset?: `0x${string}`) =>
      read<bigint>('PledgeMarket', 'owed', [who, asset ?? ZERO]),
    pledgeCount: () => read<bigint>('PledgeMarket', 'pledgeCount', []),
    pledgeOf: (pledgeId: bigint) => read<PledgeView>('PledgeMarket', 'pledgeOf', [pledgeId]),
    locked: (pledgeId: bigint) => read<bigint>('PledgeMarket', 'locked', [pledgeId]),
    ownerOf: (tokenId: bigint) => read<`0x${string}`>('DataNFT', 'ownerOf', [tokenId]),
    tokenURI: (tokenId: bigint) => read<string>('DataNFT', 'tokenURI', [tokenId]),
    versionCount: (tokenId: bigint) => read<bigint>('DataNFT', 'versionCount', [tokenId]),
    versionOf: (tokenId: bigint, index: bigint) =>
      read<readonly [Hex, string]>('DataNFT', 'versionOf', [tokenId, index]),
    /**
     * Verifies a batch of chunk proofs of one zk query on chain (ZkQueryRegistry.submitChunks);
     * returns how many chunks the query has now and, once complete, its proven result id.
     */
    async submitChunks(
      account: Account,
      p: { tokenId: bigint; version: bigint; chunks: readonly ChunkProof[] },
    ) {
      registry();
      const sent = await send(account, 'ZkQueryRegistry', 'submitChunks', [p.tokenId, p.version, p.chunks]);
      const ev = eventArgs('ZkQueryRegistry', sent, 'ChunksVerified');
      let resultId: Hex | undefined;
      if (ev['received'] === ev['nChunks']) {
        resultId = eventArgs('ZkQueryRegistry', sent, 'QueryVerified')['resultId'] as Hex;
      }
      return { ...sent, received: ev['received'] as bigint, nChunks: ev['nChunks'] as bigint, resultId };
    },
    /** Whether chunk `index` of a zk query (token version, query hash) is verified on chain already. */
    zkChunkVerified(tokenId: bigint, version: bigint, queryHash: Hex, index: bigint) {
      registry();
      return read<boolean>('ZkQueryRegistry', 'chunkVerified', [tokenId, version, queryHash, index]);
    },
    /** Whether a zk-query result id is proven, and over which token version. */
    async zkProven(resultId: Hex) {
      registry();
      const [proven, tokenId, version] = await read<readonly [boolean, bigint, bigint]>(
        'ZkQueryRegistry',
        'proven',
        [resultId],
      );
      return { proven, tokenId, version };
    },
    /**
     * Submits a batch of one pledge's receipts, in chain order, with both parties' compact
     * signatures (PledgeMarket.submitReceipts); returns what the owner was credited.
     */
    async submitReceipts(
      account: Account,
      pledgeId: bigint,
      receipts: readonly UsageReceipt[],
      computeSigs: readonly CompactSig[],
      consumerSigs: readonly CompactSig[],
    ) {
      const sent = await send(account, 'PledgeMarket', 'submitReceipts', [
        pledgeId,
        receipts,
        computeSigs,
        consumerSigs,
      ]);
      const ev = eventArgs('PledgeMarket', sent, 'Credited');
      return { ...sent, amount: ev['amount'] as bigint, rowsUsed: ev['rowsUsed'] as bigint };
    },
    /** Anchors the Merkle root of the sender's receipts of `epoch` (once per issuer and epoch). */
    anchorReceipts: (account: Account, epoch: bigint, root: Hex, count: number) =>
      send(account, 'PledgeMarket', 'anchorReceipts', [epoch, root, count]),
    /** An issuer's anchor of an epoch (root zero when none). */
    async anchorOf(issuer: `0x${string}`, epoch: bigint) {
      const [root, count, anchoredAt] = await read<readonly [Hex, number, bigint]>(
        'PledgeMarket',
        'anchors',
        [issuer, epoch],
      );
      return { root, count, anchoredAt };
    },
    /** Every event of one name the market emitted, oldest first, with its transaction and block. */
    async marketEvents(name: MarketEventName): Promise<MarketEvent[]> {
      const logs = await chain.client.getContractEvents({
        ...contracts.PledgeMarket,
        eventName: name,
        fromBlock,
      } as Parameters<typeof chain.client.getContractEvents>[0]);
      return logs.map((l) => ({
        args: (l as unknown as { args: Record<string, unknown> }).args,
        tx: l.transactionHash as Hex,
        block: l.blockNumber as bigint,
      }));
    },
    /** The time of a block (unix seconds). */
    blockTime: async (block: bigint) => (await chain.client.getBlock({ blockNumber: block })).timestamp,
    /** Every `VersionPublished` event of the NFT, or `Pledged` event of the market, oldest first. */
    events,
    /** Every token ever minted (from the mint events), oldest first. */
    async tokens(): Promise<bigint[]> {
      const ids = new Set<bigint>();
      for (const e of await events('VersionPublished')) ids.add(e.tokenId);
      return [...ids].sort((a, b) => (a < b ? -1 : 1));
    },
  };
}

/** A compact (ERC-2098) signature, as `submitReceipts` takes it. */
export type CompactSig = { r: Hex; vs: Hex };

/** The market's events an audit or a settlement reads back. */
export type MarketEventName =
  | 'Accepted'
  | 'Revoked'
  | 'ReceiptAccepted'
  | 'Credited'
  | 'Withdrawn'
  | 'Reclaimed'
  | 'ReceiptsAnchored';
/** One market event: its decoded arguments, transaction and block. */
export type MarketEvent = { args: Record<string, unknown>; tx: Hex; block: bigint };

/** The fields of a `VersionPublished` event. */
export type VersionPublishedArgs = { tokenId: bigint; index: bigint; root: Hex; manifestCid: string };
/** The fields of a `Pledged` event. */
export type PledgedArgs = {
  pledgeId: bigint;
  tokenId: bigint;
  version: bigint;
  owner: `0x${string}`;
  consumer: `0x${string}`;
  terms: {
    ops: number;
    pricePerRow: bigint;
    maxRows: bigint;
    expiresAt: bigint;
    minCohort: number;
    compute: `0x${string}`;
    asset: `0x${string}`;
  };
};

/** A pledge as the contract returns it. */
export type PledgeView = {
  owner: `0x${string}`;
  expiresAt: bigint;
  ops: number;
  state: number;
  consumer: `0x${string}`;
  maxRows: bigint;
  minCohort: number;
  compute: `0x${string}`;
  rowsUsed: bigint;
  receipts: number;
  asset: `0x${string}`;
  acceptedAt: bigint;
  version: number;
  pricePerRow: bigint;
  revokedAt: bigint;
  tokenId: bigint;
  receiptHead: Hex;
};

/** A contract's refusal as a CHAIN_REVERTED error with its custom error decoded; else the cause. */
export function revertError(contract: string, fn: string, err: unknown): Error {
  if (err instanceof BaseError) {
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? reverted.reason ?? 'an unknown error';
      const args = (reverted.data?.args ?? []).map((a) => (typeof a === 'string' ? a : String(a)));
      return new ChainError('CHAIN_REVERTED', { contract, fn, error: name, args }, { cause: err });
    }
    return new ChainError(
      'CHAIN_RPC_FAILED',
      { endpoint: 'the chain', problem: err.shortMessage.split('\n')[0] ?? 'no answer' },
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
