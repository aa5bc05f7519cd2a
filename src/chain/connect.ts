import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { writeFileAtomic } from '../core/fs.js';
import { type Eip1193, type EmbeddedChain, openEmbeddedChain } from './adapters/embeddedChain.js';
import { ChainError } from './errors.js';

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/) as unknown as z.ZodType<`0x${string}`>;

/** Where the sinso contracts live on one chain. */
export const DeploymentSchema = z.strictObject({
  chainId: z.number().int(),
  /** The endpoint's origin for an external chain (never its credentials); absent when embedded. */
  endpoint: z.string().optional(),
  dataNft: Address,
  pledgeMarket: Address,
  /**
   * ZkQueryRegistry, which the market asks whether a zk-query result is proven (absent in a
   * deployment made before it existed: `sinso chain deploy --force` deploys a new set).
   */
  zkQueryRegistry: Address.optional(),
  /** The Groth16 verifier of each circuit the registry takes, by circuit id. */
  zkVerifiers: z.record(z.string(), Address).optional(),
  /** The ERC-20 the market takes besides the native currency (absent: native only). */
  token: Address.optional(),
  deployer: Address,
  block: z.number().int(),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** chain/deployments.json: the deployment per chain (`embedded`, or `eip155:<chain id>`). */
export const DeploymentsFileSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-chain-deployments'),
  chains: z.record(z.string(), DeploymentSchema),
});

/** An open chain: the embedded EVM of the workspace, or an external JSON-RPC endpoint. */
export type ChainSession = {
  kind: 'embedded' | 'rpc';
  /** `embedded`, or the endpoint's origin. */
  label: string;
  /** The key of this chain in chain/deployments.json. */
  key: string;
  chainId: number;
  chain: Chain;
  client: PublicClient<Transport, Chain>;
  wallet(account: Account): WalletClient<Transport, Chain, Account>;
  /** On the embedded chain, funds an account for gas; elsewhere nothing (fund it yourself). */
  ensureGas(address: `0x${string}`): Promise<void>;
  deployment: Deployment | undefined;
  /** Records a deployment for this chain (or, `key`, another: `chain serve` records its own). */
  saveDeployment(d: Deployment, key?: string): Promise<void>;
  /** The embedded chain, when this is one (`sinso chain serve` serves its provider). */
  embedded: EmbeddedChain | undefined;
  close(): Promise<void>;
};

/** What the embedded chain gives an account that acts on it and holds less. */
const GAS_FUNDS = 10n ** 21n; // 1,000 ETH

/**
 * Opens the chain every chain command works on: with `rpc`, an external EVM JSON-RPC endpoint
 * (its chain id asked for); else the workspace's embedded EVM, persisted in `chain/`. Contract
 * addresses come from the workspace's chain/deployments.json for that chain.
 *
 * @example
 * const chain = await openChain({ chainDir: ws.paths.chain, clock: ctx.clock });
 * try { … } finally { await chain.close(); }
 */
export async function openChain(p: {
  chainDir: string;
  rpc?: string | undefined;
  clock: Clock;
}): Promise<ChainSession> {
  const file = join(p.chainDir, 'deployments.json');
  const deployments = await readDeployments(file);
  let transport: Transport;
  let embedded: EmbeddedChain | undefined;
  let label: string;
  if (p.rpc !== undefined) {
    const url = new URL(p.rpc);
    label = url.origin;
    transport = http(p.rpc, { retryCount: 0, timeout: 30_000 });
  } else {
    embedded = await openEmbeddedChain({ dir: p.chainDir, clock: p.clock });
    label = 'embedded';
    // no retries: viem would retry every refused call with back-off (~1 s each)
    transport = custom(embedded.provider as Eip1193 & { request: never }, { retryCount: 0 });
  }
  try {
    const probe = createPublicClient({ transport });
    let chainId: number;
    try {
      chainId = await probe.getChainId();
    } catch (err) {
      throw new ChainError(
        'CHAIN_RPC_FAILED',
        { endpoint: label, problem: 'it does not answer eth_chainId' },
        { cause: err },
      );
    }
    const chain = defineChain({
      id: chainId,
      name: label === 'embedded' ? 'sinso embedded' : `chain ${chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: p.rpc ? [p.rpc] : [] } },
    });
    const key = embedded ? 'embedded' : `eip155:${chainId}`;
    const client = createPublicClient({
      chain,
      transport,
      pollingInterval: embedded ? 10 : 500,
    }) as PublicClient<Transport, Chain>;
    const session: ChainSession = {
      kind: embedded ? 'embedded' : 'rpc',
      label,
      key,
      chainId,
      chain,
      client,
      wallet: (account) => createWalletClient({ account, chain, transport }),
      ensureGas: async (address) => {
        await embedded?.fund(address, GAS_FUNDS);
      },
      deployment: await deployedHere(probe, deployments.chains[key]),
      async saveDeployment(d, as = key) {
        const fresh = await readDeployments(file);
        fresh.chains[as] = p.rpc ? { ...d, endpoint: label } : d;
        await writeFileAtomic(file, `${JSON.stringify(fresh, null, 2)}\n`);
        if (as === key) session.deployment = fresh.chains[key];
      },
      embedded,
      close: async () => {
        await embedded?.close();
      },
    };
    return session;
  } catch (err) {
    await embedded?.close();
    throw err;
  }
}

/**
 * A recorded deployment, if its contracts are on this chain: another chain can have the same id
 * (every local development node is 31337), so the code at the address is checked.
 */
async function deployedHere(
  client: { getCode(a: { address: `0x${string}` }): Promise<string | undefined> },
  d: Deployment | undefined,
): Promise<Deployment | undefined> {
  if (!d) return undefined;
  const code = await client.getCode({ address: d.pledgeMarket });
  return code && code !== '0x' ? d : undefined;
}

async function readDeployments(file: string): Promise<z.infer<typeof DeploymentsFileSchema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { schema: '1', kind: 'sinso-chain-deployments', chains: {} };
  }
  const parsed = DeploymentsFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ChainError('CHAIN_JOURNAL_CORRUPT', {
      entry: 0,
      problem: 'chain/deployments.json is not valid',
    });
  }
  return parsed.data;
}
