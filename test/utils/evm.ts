/**
 * An in-memory EVM for contract tests: Hardhat 3's EDR as a library (no journal, no workspace),
 * with fixed test accounts funded at genesis, time control, snapshots, and helpers that deploy
 * the sinso contracts from their generated bindings and the test-only contracts of
 * test/fixtures/contracts/ (compiled with solcjs once, cached under .cache/contracts/ by the hash
 * of their sources).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  type Abi,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  getAddress,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { compileFolder } from '../../scripts/compileContracts.js';
import {
  dataNftAbi,
  dataNftBytecode,
  groth16VerifierAbi,
  pledgeMarketAbi,
  pledgeMarketBytecode,
  zkQueryRegistryAbi,
  zkQueryRegistryBytecode,
  zkVerifiers,
} from '../../src/chain/contracts.generated.js';
import { circuitId } from '../../src/chain/zkChunks.js';
import { repoRoot } from './cli.js';

export type Address = `0x${string}`;
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000' as const;

/** The test accounts, by role (an extra owner, consumer and compute node for "another" cases). */
export const ACCOUNT_NAMES = [
  'deployer',
  'owner',
  'consumer',
  'compute',
  'other',
  'owner2',
  'consumer2',
  'compute2',
] as const;
export type AccountName = (typeof ACCOUNT_NAMES)[number];

/** Fixed, public test keys (1, 2, 3 … as 32-byte numbers): never use them on a real chain. */
export const TEST_KEYS: Record<AccountName, Hex> = Object.fromEntries(
  ACCOUNT_NAMES.map((n, i) => [n, `0x${(i + 1).toString(16).padStart(64, '0')}`]),
) as Record<AccountName, Hex>;

/** What each test account holds at genesis: 1,000,000 ETH. */
export const GENESIS_BALANCE = 10n ** 24n;

export const TEST_CHAIN_ID = 31337;

/** An EIP-1193 provider. */
export type Eip1193 = { request(args: { method: string; params?: unknown }): Promise<unknown> };

/** A compiled contract: what viem deploys. */
export type Artifact = { abi: Abi; bytecode: Hex };

/** A contract call or deployment that was mined. */
export type Mined = { receipt: TransactionReceipt; gasUsed: bigint };

export type TestEvm = {
  provider: Eip1193;
  chain: Chain;
  client: PublicClient<Transport, Chain>;
  accounts: Record<AccountName, PrivateKeyAccount>;
  wallet(account: PrivateKeyAccount): WalletClient<Transport, Chain, PrivateKeyAccount>;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  /** The latest block's timestamp (unix seconds). */
  now(): Promise<bigint>;
  /** The next block's timestamp (it must be later than the latest). */
  setNextTimestamp(t: bigint): Promise<void>;
  /** Moves time `seconds` on and mines a block at that time. */
  increaseTime(seconds: bigint): Promise<void>;
  mine(): Promise<void>;
  snapshot(): Promise<Hex>;
  /** Back to a snapshot (which is used up: take another to come back again). */
  revert(id: Hex): Promise<void>;
  setBalance(address: Address, wei: bigint): Promise<void>;
  /** Deploys `artifact` from `from` (default: the deployer); throws unless it succeeded. */
  deploy(
    artifact: Artifact,
    args?: readonly unknown[],
    from?: PrivateKeyAccount,
  ): Promise<Mined & { address: Address }>;
  /** Sends a contract call from `from` and waits for it; a revert throws (decoded by viem). */
  send(
    from: PrivateKeyAccount,
    call: {
      address: Address;
      abi: Abi;
      functionName: string;
      args?: readonly unknown[];
      value?: bigint;
      gas?: bigint;
    },
  ): Promise<Mined>;
  close(): Promise<void>;
};

/**
 * Starts a fresh in-memory EVM (chain id 31337, cancun, genesis at 2026-01-01T00:00:00Z, the
 * accounts of `TEST_KEYS` funded). Blocks are mined one per transaction.
 *
 * @example
 * const evm = await startEvm();
 * try {
 *   const { address } = await evm.deploy(dataNftArtifact);
 * } finally {
 *   await evm.close();
 * }
 */
export async function startEvm(opts: { chainId?: number } = {}): Promise<TestEvm> {
  const chainId = opts.chainId ?? TEST_CHAIN_ID;
  const { createHardhatRuntimeEnvironment } = await import('hardhat/hre');
  const hre = await createHardhatRuntimeEnvironment({
    networks: {
      default: {
        type: 'edr-simulated',
        chainId,
        hardfork: 'cancun',
        initialDate: '2026-01-01T00:00:00Z',
        loggingEnabled: false,
        accounts: ACCOUNT_NAMES.map((n) => ({
          privateKey: TEST_KEYS[n],
          balance: GENESIS_BALANCE.toString(),
        })),
      },
    },
  });
  const connection = await hre.network.connect();
  const provider = connection.provider as unknown as Eip1193;
  const chain = defineChain({
    id: chainId,
    name: 'sinso test EVM',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
  // no retries: a revert is an answer, not a flaky node (viem would back off ~1 s on each)
  const transport = custom(provider as Eip1193 & { request: never }, { retryCount: 0 });
  const client = createPublicClient({ chain, transport, pollingInterval: 5 }) as PublicClient<
    Transport,
    Chain
  >;
  const accounts = Object.fromEntries(
    ACCOUNT_NAMES.map((n) => [n, privateKeyToAccount(TEST_KEYS[n])]),
  ) as Record<AccountName, PrivateKeyAccount>;
  const wallets = new Map<Address, WalletClient<Transport, Chain, PrivateKeyAccount>>();
  const wallet = (account: PrivateKeyAccount) => {
    let w = wallets.get(account.address);
    if (!w) {
      w = createWalletClient({ account, chain, transport });
      wallets.set(account.address, w);
    }
    return w;
  };
  const rpc = (method: string, params: unknown[] = []) => provider.request({ method, params });
  const hex = (n: bigint) => `0x${n.toString(16)}`;
  const mined = async (hash: Hex): Promise<TransactionReceipt> => {
    // automine: the receipt exists once eth_sendRawTransaction has returned
    const receipt = await client.getTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`transaction ${hash} was mined but failed`);
    return receipt;
  };
  const evm: TestEvm = {
    provider,
    chain,
    client,
    accounts,
    wallet,
    rpc,
    now: async () => (await client.getBlock({ blockTag: 'latest' })).timestamp,
    setNextTimestamp: async (t) => {
      await rpc('evm_setNextBlockTimestamp', [hex(t)]);
    },
    increaseTime: async (s) => {
      await rpc('evm_increaseTime', [hex(s)]);
      await rpc('evm_mine');
    },
    mine: async () => {
      await rpc('evm_mine');
    },
    snapshot: async () => (await rpc('evm_snapshot')) as Hex,
    revert: async (id) => {
      const ok = await rpc('evm_revert', [id]);
      if (ok !== true) throw new Error(`evm_revert ${id} failed`);
    },
    setBalance: async (address, wei) => {
      await rpc('hardhat_setBalance', [address, hex(wei)]);
    },
    async deploy(artifact, args = [], from = accounts.deployer) {
      const hash = await wallet(from).deployContract({
        abi: artifact.abi,
        bytecode: artifact.bytecode,
        args,
      } as Parameters<WalletClient<Transport, Chain, PrivateKeyAccount>['deployContract']>[0]);
      const receipt = await mined(hash);
      if (!receipt.contractAddress) throw new Error('deployment made no contract');
      return { receipt, gasUsed: receipt.gasUsed, address: getAddress(receipt.contractAddress) };
    },
    async send(from, call) {
      const hash = await wallet(from).writeContract(
        call as unknown as Parameters<WalletClient<Transport, Chain, PrivateKeyAccount>['writeContract']>[0],
      );
      const receipt = await mined(hash);
      return { receipt, gasUsed: receipt.gasUsed };
    },
    close: async () => {
      await connection.close();
    },
  };
  return evm;
}

/** The sinso contracts, as the generated bindings have them. */
export const dataNftArtifact = { abi: dataNftAbi, bytecode: dataNftBytecode } as const;
export const pledgeMarketArtifact = { abi: pledgeMarketAbi, bytecode: pledgeMarketBytecode } as const;
export const zkQueryRegistryArtifact = {
  abi: zkQueryRegistryAbi,
  bytecode: zkQueryRegistryBytecode,
} as const;

/**
 * Deploys DataNFT, the Groth16 verifiers of the generated contracts, ZkQueryRegistry(nft,
 * circuits, verifiers), then PledgeMarket(nft, token, registry) (`token` absent: native
 * currency only).
 *
 * @example
 * const { nft, market, registry } = await deploySinso(evm, tokenAddress);
 */
export async function deploySinso(
  evm: TestEvm,
  token: Address = ZERO_ADDRESS,
  from?: PrivateKeyAccount,
): Promise<{
  nft: Address;
  market: Address;
  registry: Address;
  verifiers: Record<string, Address>;
  gas: { nft: bigint; market: bigint; registry: bigint };
}> {
  const nft = await evm.deploy(dataNftArtifact as unknown as Artifact, [], from);
  const verifiers: Record<string, Address> = {};
  for (const v of zkVerifiers) {
    const artifact = { abi: groth16VerifierAbi, bytecode: v.bytecode } as unknown as Artifact;
    verifiers[v.circuit] = (await evm.deploy(artifact, [], from)).address;
  }
  const circuits = Object.keys(verifiers);
  const registry = await evm.deploy(
    zkQueryRegistryArtifact as unknown as Artifact,
    [nft.address, circuits.map(circuitId), circuits.map((c) => verifiers[c])],
    from,
  );
  const market = await evm.deploy(
    pledgeMarketArtifact as unknown as Artifact,
    [nft.address, token, registry.address],
    from,
  );
  return {
    nft: nft.address,
    market: market.address,
    registry: registry.address,
    verifiers,
    gas: { nft: nft.gasUsed, market: market.gasUsed, registry: registry.gasUsed },
  };
}

const FIXTURES = join(repoRoot, 'test/fixtures/contracts');

/**
 * The test-only contracts of test/fixtures/contracts/ (TestToken, MaliciousReceiver), compiled
 * once and cached under .cache/contracts/ by the hash of their sources, the compiler and
 * OpenZeppelin.
 *
 * @example
 * const { TestToken } = fixtureContracts();
 * const token = await evm.deploy(TestToken);
 */
export function fixtureContracts(): Record<'TestToken' | 'MaliciousReceiver', Artifact> {
  const require = createRequire(import.meta.url);
  const h = createHash('sha256');
  h.update(readFileSync(join(repoRoot, 'scripts/compileContracts.js')));
  for (const f of readdirSync(FIXTURES)
    .filter((n) => n.endsWith('.sol'))
    .sort()) {
    h.update(f).update(readFileSync(join(FIXTURES, f)));
  }
  h.update(require('solc/package.json').version);
  h.update(require('@openzeppelin/contracts/package.json').version);
  const cache = join(repoRoot, '.cache/contracts');
  const file = join(cache, `fixtures-${h.digest('hex')}.json`);
  let contracts: Record<string, Artifact>;
  if (existsSync(file)) contracts = JSON.parse(readFileSync(file, 'utf8'));
  else {
    contracts = {};
    for (const [name, c] of Object.entries(compileFolder(FIXTURES).contracts)) {
      contracts[name] = { abi: c.abi as Abi, bytecode: c.bytecode as Hex };
    }
    mkdirSync(cache, { recursive: true });
    writeFileSync(file, JSON.stringify(contracts));
  }
  const pick = (name: string): Artifact => {
    const c = contracts[name];
    if (!c) throw new Error(`fixture contract ${name} not found in ${FIXTURES}`);
    return c;
  };
  return { TestToken: pick('TestToken'), MaliciousReceiver: pick('MaliciousReceiver') };
}

/** A contract's custom error, decoded: its name and arguments. */
export type Revert = { errorName: string; args: readonly unknown[] };

/**
 * Awaits `p`, which must fail with a contract revert, and returns the custom error decoded
 * (viem's ContractFunctionRevertedError); throws if `p` succeeds or fails otherwise.
 *
 * @example
 * expect(await revertOf(evm.send(other, call))).toEqual({ errorName: 'NotOwner', args: [1n, other.address] });
 */
export async function revertOf(p: Promise<unknown>): Promise<Revert> {
  try {
    await p;
  } catch (err) {
    const reverted =
      err instanceof BaseError ? err.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
      return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
    }
    throw err;
  }
  throw new Error('expected a revert, but the call succeeded');
}
