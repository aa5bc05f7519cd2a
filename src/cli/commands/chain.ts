import { once } from 'node:events';
import { resolve } from 'node:path';
import type { LocalAccount } from 'viem/accounts';
import { z } from 'zod';
import {
  amountJson,
  type ChainSession,
  deployContracts,
  ensureDeployed as deployIfMissing,
  formatAmount,
  grantDir,
  grantPledge,
  mintPublished,
  OPERATIONS,
  type Operation,
  openChain,
  openMarket,
  opsOf,
  opsProblem,
  PLEDGE_STATES,
  parseAmount,
  serveChain,
} from '../../chain/index.js';
import { ExitCode, UsageError } from '../../core/errors/index.js';
import { RpcOptionSchema } from '../../core/options.js';
import type { Workspace } from '../../core/workspace.js';
import { readProofBundle, submitBundle } from '../../zk/index.js';
import { defineCommand, requireWorkspace } from '../command.js';
import type { CliContext } from '../context.js';
import { formatTable } from '../format.js';

const rpc = RpcOptionSchema;
const as = (role: string) =>
  z.string().min(1).default(role).describe(`The workspace key to act as (default: ${role})`);
const id = (what: string) =>
  z
    .string()
    .regex(/^[0-9]+$/, `a ${what} id (a whole number)`)
    .describe(`The ${what} id`);

/** Opens the workspace and its chain, runs `f`, and closes the chain (releasing its lock). */
async function withChain<T>(
  ctx: CliContext,
  o: { rpc?: string | undefined },
  f: (chain: ChainSession, ws: Workspace) => Promise<T>,
): Promise<T> {
  const ws = await requireWorkspace(ctx);
  const chain = await openChain({ chainDir: ws.paths.chain, rpc: o.rpc, clock: ctx.clock });
  try {
    return await f(chain, ws);
  } finally {
    await chain.close();
  }
}

async function account(ws: Workspace, name: string): Promise<LocalAccount> {
  return (await ws.keys()).account(name);
}

/** An address given as 0x… or as the name of a workspace EVM key. */
async function addressOf(ws: Workspace, text: string, what: string): Promise<`0x${string}`> {
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) return text as `0x${string}`;
  const key = (await ws.listKeys()).find((k) => k.name === text && k.kind === 'evm');
  if (!key) {
    throw new UsageError(`The ${what} is neither an address nor an EVM key of this workspace.`, {
      fix: 'Give a 0x address (40 hex digits) or a key name from `sinso keys list`.',
    });
  }
  return key.fingerprint as `0x${string}`;
}

/** `--expires`: an ISO date or time, or a duration from now (`30d`, `12h`, `90m`). */
function parseExpiry(text: string, now: Date): bigint {
  const d = /^(\d+)\s*([dhm])$/.exec(text.trim());
  if (d) {
    const n = Number(d[1]);
    const s = d[2] === 'd' ? 86_400 : d[2] === 'h' ? 3_600 : 60;
    return BigInt(Math.floor(now.getTime() / 1000) + n * s);
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new UsageError('--expires is neither a date nor a duration.', {
      fix: 'Write a date (2027-06-30, 2027-06-30T12:00:00Z) or a duration from now (30d, 12h, 90m).',
    });
  }
  return BigInt(Math.floor(t / 1000));
}

const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();

export const chainStatusCommand = defineCommand({
  path: ['chain', 'status'],
  summary:
    'Show the chain: embedded or external, chain id, height, contracts, balances of the workspace accounts',
  options: z.strictObject({ rpc }),
  examples: ['sinso chain status', 'sinso chain status --rpc http://127.0.0.1:8545 --json'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      const height = await chain.client.getBlockNumber();
      const keys = (await ws.listKeys()).filter((k) => k.kind === 'evm');
      const balances = await Promise.all(
        keys.map(async (k) => ({
          key: k.name,
          address: k.fingerprint,
          balance: await chain.client.getBalance({ address: k.fingerprint as `0x${string}` }),
        })),
      );
      const d = chain.deployment;
      const lines = [
        `chain       ${chain.label} (chain id ${chain.chainId})`,
        `height      block ${height}${chain.embedded ? `, ${chain.embedded.entries()} journal entries` : ''}`,
        d
          ? `contracts   DataNFT ${d.dataNft}\n            PledgeMarket ${d.pledgeMarket}${d.token ? `\n            ERC-20 ${d.token}` : ''}${d.zkQueryRegistry ? `\n            ZkQueryRegistry ${d.zkQueryRegistry}` : ''}`
          : 'contracts   not deployed (`sinso chain deploy`; the embedded chain deploys on first use)',
        '',
        formatTable(
          balances.map((b) => [b.key, b.address, formatAmount(b.balance)]),
          ['key', 'address', 'balance'],
        ),
      ];
      ctx.print(`${lines.join('\n')}\n`, {
        chain: chain.label,
        chainId: chain.chainId,
        height: Number(height),
        deployment: d ?? null,
        accounts: balances.map((b) => ({ ...b, balance: amountJson(b.balance) })),
      });
      return 0;
    });
  },
});

/** The embedded chain deploys the contracts on first use, as the owner. */
const ensureDeployed = (chain: ChainSession, ws: Workspace) =>
  deployIfMissing(chain, () => account(ws, 'owner'));

export const chainDeployCommand = defineCommand({
  path: ['chain', 'deploy'],
  summary:
    'Deploy DataNFT, the ZK verifiers, ZkQueryRegistry and PledgeMarket on the chain and record their addresses in the workspace',
  description:
    'Deploys the contracts from the --as account (it pays the gas) and records chain id and addresses in chain/deployments.json, per chain. The embedded chain deploys them itself on first use; an external chain (--rpc) needs this once. --token names the ERC-20 the market takes besides the native currency.',
  options: z.strictObject({
    rpc,
    as: as('owner'),
    token: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/)
      .optional()
      .describe('An ERC-20 the market takes besides the native currency'),
    force: z.boolean().default(false).describe('Deploy again even if this chain has a deployment'),
  }),
  examples: ['sinso chain deploy --rpc http://127.0.0.1:8545', 'sinso chain deploy --token 0x…'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      if (chain.deployment && !o.force) {
        throw new UsageError('The contracts are already deployed on this chain.', {
          fix: 'See them with `sinso chain status`; pass --force to deploy new ones.',
        });
      }
      const { gas, ...d } = await deployContracts(chain, await account(ws, o.as), o.token as `0x${string}`);
      await chain.saveDeployment(d);
      ctx.print(
        [
          `deployed on ${chain.label} (chain id ${chain.chainId})`,
          `DataNFT          ${d.dataNft} (${gas.dataNft} gas)`,
          ...Object.entries(d.zkVerifiers ?? {}).map(
            ([c, a]) => `verifier         ${a} (${c}, ${gas.zkVerifiers[c]} gas)`,
          ),
          `ZkQueryRegistry  ${d.zkQueryRegistry} (${gas.zkQueryRegistry} gas)`,
          `PledgeMarket     ${d.pledgeMarket} (${gas.pledgeMarket} gas)`,
          '',
        ].join('\n'),
        {
          ...d,
          gas: {
            dataNft: Number(gas.dataNft),
            pledgeMarket: Number(gas.pledgeMarket),
            zkQueryRegistry: Number(gas.zkQueryRegistry),
            zkVerifiers: Object.fromEntries(Object.entries(gas.zkVerifiers).map(([c, g]) => [c, Number(g)])),
          },
        },
      );
      return 0;
    });
  },
});

export const chainServeCommand = defineCommand({
  path: ['chain', 'serve'],
  summary: 'Serve the embedded chain as JSON-RPC on 127.0.0.1 (for wallets and other tools)',
  description:
    'Holds the workspace’s embedded chain and answers JSON-RPC on 127.0.0.1:PORT until stopped (Ctrl-C). Every transaction sent to it is journaled as a command’s would be. Other sinso commands reach it with --rpc http://127.0.0.1:PORT.',
  options: z.strictObject({
    port: z.number().int().min(1).max(65535).default(8545).describe('TCP port'),
  }),
  examples: ['sinso chain serve', 'sinso chain serve --port 8546'],
  async run(ctx, o) {
    return withChain(ctx, {}, async (chain, ws) => {
      await ensureDeployed(chain, ws);
      const embedded = chain.embedded;
      if (!embedded) throw new UsageError('Only the embedded chain can be served.');
      const server = await serveChain(embedded.provider, { port: o.port });
      // commands given --rpc of this server find the contracts under its chain id
      if (chain.deployment) await chain.saveDeployment(chain.deployment, `eip155:${chain.chainId}`);
      ctx.log.info(`serving the embedded chain (chain id ${chain.chainId}) on http://127.0.0.1:${o.port}`);
      ctx.print('', {
        url: `http://127.0.0.1:${o.port}`,
        chainId: chain.chainId,
        deployment: chain.deployment,
      });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await once(stop.signal, 'abort');
      server.close();
      return 0;
    });
  },
});

export const mintCommand = defineCommand({
  path: ['mint'],
  summary: 'Mint a DataNFT for a published dataset (the owner)',
  description:
    'Checks the folder `sinso publish` wrote (the manifest’s CID, every file’s CID, the commitment root against publish.json) and mints a token holding the manifest CID (tokenURI ipfs://CID) and the commitment root. A dataset already minted on this chain is not minted again: its token is printed.',
  options: z.strictObject({
    published: z.string().min(1).describe('The published folder (publish.json, manifest.json, files/)'),
    rpc,
    as: as('owner'),
  }),
  positional: { key: 'published', name: 'PUBLISHED_DIR', many: false },
  examples: ['sinso mint published/', 'sinso mint published/ --as owner-2 --json'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      await ensureDeployed(chain, ws);
      const t = await mintPublished(chain, await account(ws, o.as), {
        dir: resolve(o.published),
        chainDir: ws.paths.chain,
      });
      ctx.print(
        `${t.already ? 'already minted as' : 'minted'} token ${t.tokenId}\ntoken URI   ipfs://${t.manifestCid}\nroot        ${t.commitmentRoot}\n${t.gasUsed !== undefined ? `gas         ${t.gasUsed}\n` : ''}`,
        {
          tokenId: t.tokenId,
          already: t.already,
          tokenUri: `ipfs://${t.manifestCid}`,
          commitmentRoot: t.commitmentRoot,
          tx: t.tx,
          ...(t.gasUsed !== undefined ? { gasUsed: Number(t.gasUsed) } : {}),
        },
      );
      return 0;
    });
  },
});

export const pledgeCommand = defineCommand({
  path: ['pledge'],
  summary: 'Pledge a version of a token to a consumer under terms (the owner)',
  options: z.strictObject({
    token: id('token'),
    to: z.string().min(1).describe('The consumer: an address or a workspace key name'),
    ops: z
      .string()
      .min(1)
      .describe(
        'Allowed operations, comma-separated: he-query, zk-query, train, access; he-public (with he-query): HE queries may use public group keys',
      ),
    price: z.string().min(1).describe('Price per row-use (ether, or with gwei / wei)'),
    maxRows: z.number().int().min(1).describe('Most row-uses the consumer may pay for'),
    expires: z.string().min(1).describe('Expiry: a date (2027-06-30) or a duration from now (30d)'),
    minCohort: z.number().int().min(1).default(10).describe('Smallest cohort a query may aggregate'),
    compute: z.string().min(1).default('compute').describe('The compute node: an address or a key name'),
    version: z.number().int().min(0).optional().describe('The token version (default: the latest)'),
    rpc,
    as: as('owner'),
  }),
  positional: { key: 'token', name: 'TOKEN', many: false },
  examples: [
    'sinso pledge 1 --to consumer --ops he-query,zk-query,train --price 0.0001 --max-rows 100000 --expires 30d --min-cohort 10 --compute compute',
  ],
  async run(ctx, o) {
    const ops = o.ops.split(',').map((s) => s.trim());
    const unknown = ops.filter((op) => !(op in OPERATIONS));
    if (unknown.length || ops.length === 0) {
      throw new UsageError('--ops names an operation that does not exist.', {
        fix: `Choose from ${Object.keys(OPERATIONS).join(', ')}.`,
      });
    }
    const problem = opsProblem(ops as Operation[]);
    if (problem)
      throw new UsageError(`--ops: ${problem}.`, { fix: 'Add he-query to --ops, or drop he-public.' });
    const price = parseAmount(o.price, 'price');
    const expiresAt = parseExpiry(o.expires, ctx.clock.now());
    return withChain(ctx, o, async (chain, ws) => {
      const market = openMarket(chain);
      const tokenId = BigInt(o.token);
      const version = o.version !== undefined ? BigInt(o.version) : (await market.versionCount(tokenId)) - 1n;
      const consumer = await addressOf(ws, o.to, 'consumer (--to)');
      const compute = await addressOf(ws, o.compute, 'compute node (--compute)');
      const r = await market.pledge(await account(ws, o.as), {
        tokenId,
        version,
        consumer,
        terms: {
          ops: ops as Operation[],
          pricePerRow: price,
          maxRows: BigInt(o.maxRows),
          expiresAt,
          minCohort: o.minCohort,
          compute,
        },
      });
      const cost = price * BigInt(o.maxRows);
      ctx.print(
        `pledge ${r.pledgeId}: token ${tokenId} version ${version} to ${consumer}\nops ${ops.join(', ')}; ${formatAmount(price)} per row-use, at most ${o.maxRows} (${formatAmount(cost)}); expires ${iso(expiresAt)}; min cohort ${o.minCohort}; compute ${compute}\n`,
        {
          pledgeId: String(r.pledgeId),
          tokenId: String(tokenId),
          version: Number(version),
          consumer,
          compute,
          ops,
          pricePerRow: amountJson(price),
          maxRows: o.maxRows,
          maxCost: amountJson(cost),
          expiresAt: iso(expiresAt),
          minCohort: o.minCohort,
          tx: r.tx,
        },
      );
      return 0;
    });
  },
});

export const acceptCommand = defineCommand({
  path: ['accept'],
  summary: 'Accept a pledge, locking its most cost from escrow (the consumer)',
  options: z.strictObject({ pledge: id('pledge'), rpc, as: as('consumer') }),
  positional: { key: 'pledge', name: 'PLEDGE', many: false },
  examples: ['sinso accept 1', 'sinso accept 1 --as consumer --json'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      const r = await openMarket(chain).accept(await account(ws, o.as), BigInt(o.pledge));
      ctx.print(`accepted pledge ${o.pledge}: ${formatAmount(r.locked)} locked from escrow\n`, {
        pledgeId: o.pledge,
        locked: amountJson(r.locked),
        tx: r.tx,
      });
      return 0;
    });
  },
});

export const depositCommand = defineCommand({
  path: ['deposit'],
  summary: 'Deposit escrow in the market (the consumer)',
  options: z.strictObject({
    amount: z.string().min(1).describe('Amount (ether, or with gwei / wei)'),
    rpc,
    as: as('consumer'),
  }),
  positional: { key: 'amount', name: 'AMOUNT', many: false },
  examples: ['sinso deposit 1.5', 'sinso deposit 2500000gwei --as consumer'],
  async run(ctx, o) {
    const wei = parseAmount(o.amount);
    return withChain(ctx, o, async (chain, ws) => {
      await ensureDeployed(chain, ws);
      const acct = await account(ws, o.as);
      const market = openMarket(chain);
      const r = await market.deposit(acct, wei);
      const free = await market.freeEscrow(acct.address);
      ctx.print(`deposited ${formatAmount(wei)}; free escrow ${formatAmount(free)}\n`, {
        deposited: amountJson(wei),
        freeEscrow: amountJson(free),
        tx: r.tx,
      });
      return 0;
    });
  },
});

export const withdrawCommand = defineCommand({
  path: ['withdraw'],
  summary: 'Withdraw what the market owes you (an owner), or free escrow with --escrow (a consumer)',
  options: z.strictObject({
    escrow: z.string().optional().describe('Withdraw this much free escrow instead (ether, gwei or wei)'),
    rpc,
    as: as('owner'),
  }),
  examples: ['sinso withdraw', 'sinso withdraw --as consumer --escrow 0.5'],
  async run(ctx, o) {
    const escrow = o.escrow !== undefined ? parseAmount(o.escrow, '--escrow amount') : undefined;
    return withChain(ctx, o, async (chain, ws) => {
      const acct = await account(ws, o.as);
      const market = openMarket(chain);
      if (escrow !== undefined) {
        const r = await market.withdrawEscrow(acct, escrow);
        ctx.print(`withdrew ${formatAmount(escrow)} of free escrow\n`, {
          withdrawn: amountJson(escrow),
          tx: r.tx,
        });
      } else {
        const r = await market.withdraw(acct);
        ctx.print(`withdrew ${formatAmount(r.amount)}\n`, { withdrawn: amountJson(r.amount), tx: r.tx });
      }
      return 0;
    });
  },
});

export const reclaimCommand = defineCommand({
  path: ['reclaim'],
  summary: 'Take the unused escrow of an expired pledge back (the consumer)',
  options: z.strictObject({ pledge: id('pledge'), rpc, as: as('consumer') }),
  positional: { key: 'pledge', name: 'PLEDGE', many: false },
  examples: ['sinso reclaim 1'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      const r = await openMarket(chain).reclaim(await account(ws, o.as), BigInt(o.pledge));
      ctx.print(`reclaimed ${formatAmount(r.amount)} into free escrow\n`, {
        pledgeId: o.pledge,
        reclaimed: amountJson(r.amount),
        tx: r.tx,
      });
      return 0;
    });
  },
});

export const revokeCommand = defineCommand({
  path: ['revoke'],
  summary: 'Revoke consent to a pledge: no job started from now on is paid for (the owner)',
  options: z.strictObject({ pledge: id('pledge'), rpc, as: as('owner') }),
  positional: { key: 'pledge', name: 'PLEDGE', many: false },
  examples: ['sinso revoke 1'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      const r = await openMarket(chain).revoke(await account(ws, o.as), BigInt(o.pledge));
      ctx.print(`revoked pledge ${o.pledge}\n`, { pledgeId: o.pledge, tx: r.tx });
      return 0;
    });
  },
});

export const grantCommand = defineCommand({
  path: ['grant'],
  summary: 'Wrap the dataset key of an accepted pledge for its compute node (and its consumer under access)',
  description:
    'As the owner: checks the pledge is accepted, unexpired and unrevoked, then wraps the dataset key (ECIES to the secp256k1 public key) for the compute node, and for the consumer only if the pledge allows `access`; writes each wrapped key to grants/<chain>/pledge-<id>/<address>.json in the workspace and prints its CID, for that party to fetch. The recipient’s public key comes from the workspace key with its address, or --recipient-key.',
  options: z.strictObject({
    pledge: id('pledge'),
    recipientKey: z
      .string()
      .regex(/^0x04[0-9a-fA-F]{128}$/)
      .optional()
      .describe('The compute node’s uncompressed public key, when it is not a key of this workspace'),
    rpc,
    as: as('owner'),
  }),
  positional: { key: 'pledge', name: 'PLEDGE', many: false },
  examples: ['sinso grant 1', 'sinso grant 1 --recipient-key 0x04…'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      const out = await grantPledge({
        chain,
        workspace: ws,
        pledgeId: o.pledge,
        dir: grantDir(ws, chain.key, o.pledge),
        recipientKey: o.recipientKey as `0x${string}` | undefined,
      });
      ctx.print(
        formatTable(
          out.map((g) => [g.role, g.recipient, g.cid, g.file]),
          ['role', 'recipient', 'cid', 'file'],
        ),
        out,
      );
      return 0;
    });
  },
});

export const datasetsCommand = defineCommand({
  path: ['datasets'],
  summary: 'List tokens, their versions, and pledges with their terms and states',
  options: z.strictObject({ rpc }),
  examples: ['sinso datasets', 'sinso datasets --json'],
  async run(ctx, o) {
    return withChain(ctx, o, async (chain, ws) => {
      if (chain.kind === 'embedded') await ensureDeployed(chain, ws);
      const market = openMarket(chain);
      const tokens = [];
      for (const t of await market.tokens()) {
        const n = await market.versionCount(t);
        const versions = [];
        for (let v = 0n; v < n; v++) {
          const [root, cid] = await market.versionOf(t, v);
          versions.push({ version: Number(v), root, manifestCid: cid });
        }
        tokens.push({ tokenId: String(t), owner: await market.ownerOf(t), versions });
      }
      const now = (await chain.client.getBlock()).timestamp;
      const pledges = [];
      for (let i = 1n; i <= (await market.pledgeCount()); i++) {
        const p = await market.pledgeOf(i);
        const state = PLEDGE_STATES[p.state] ?? 'none';
        pledges.push({
          pledgeId: String(i),
          tokenId: String(p.tokenId),
          version: p.version,
          owner: p.owner,
          consumer: p.consumer,
          compute: p.compute,
          ops: opsOf(p.ops),
          pricePerRow: amountJson(p.pricePerRow),
          maxRows: Number(p.maxRows),
          rowsUsed: Number(p.rowsUsed),
          receipts: p.receipts,
          expiresAt: iso(p.expiresAt),
          minCohort: p.minCohort,
          state: state === 'accepted' && p.expiresAt <= now ? 'expired' : state,
          locked: amountJson(await market.locked(i)),
        });
      }
      const human = [
        formatTable(
          tokens.flatMap((t) =>
            t.versions.map((v) => [t.tokenId, String(v.version), t.owner, `ipfs://${v.manifestCid}`, v.root]),
          ),
          ['token', 'version', 'owner', 'token URI', 'commitment root'],
        ),
        '',
        formatTable(
          pledges.map((p) => [
            p.pledgeId,
            `${p.tokenId} v${p.version}`,
            p.state,
            p.consumer,
            p.ops.join(','),
            `${p.pricePerRow.ether} ETH`,
            `${p.rowsUsed}/${p.maxRows}`,
            p.expiresAt,
            `${p.locked.ether} ETH`,
          ]),
          ['pledge', 'token', 'state', 'consumer', 'ops', 'price/row', 'rows used', 'expires', 'locked'],
        ),
      ];
      ctx.print(`${human.join('\n')}\n`, { chain: chain.label, chainId: chain.chainId, tokens, pledges });
      return 0;
    });
  },
});

export const zkSubmitCommand = defineCommand({
  path: ['zk', 'submit'],
  summary:
    'Verify a ZK proof bundle on chain (ZkQueryRegistry), in batches; a rerun skips the chunks already verified',
  description:
    'Checks the bundle here first (as `sinso verify` does, against the DataNFT root), then submits its chunk proofs to the registry in batches of --batch (each transaction verifies every proof and the root again). Once every chunk is in, the query’s result id is proven on chain: the id a zk-query usage receipt names. Anyone may submit. Exit 3 if the bundle does not verify here (nothing is sent).',
  options: z.strictObject({
    proof: z.string().min(1).describe('The proof bundle (`sinso query zk --out`)'),
    batch: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .describe('Chunk proofs per transaction (5 stays under ~1.5M gas)'),
    rpc,
    as: as('consumer'),
  }),
  positional: { key: 'proof', name: 'PROOF', many: false },
  examples: ['sinso zk submit proof.json', 'sinso zk submit proof.json --as compute --batch 20'],
  async run(ctx, o) {
    const bundle = await readProofBundle(o.proof);
    const token = bundle.dataset.token;
    if (!token) {
      throw new UsageError(
        'The bundle names no DataNFT token version, so there is nothing to verify it against on chain.',
        {
          fix: 'Prove the query under a pledge (`sinso query zk --pledge ID`).',
        },
      );
    }
    return withChain(ctx, o, async (chain, ws) => {
      const r = await submitBundle({
        chain,
        account: await account(ws, o.as),
        bundle,
        batch: o.batch,
        progress: ctx.progress,
      });
      if (!r.ok) {
        ctx.io.stderr(`invalid: ${r.failed}: ${r.reason}\n`);
        ctx.print(`invalid (check: ${r.failed}); nothing submitted`, { ok: false, failed: r.failed });
        return ExitCode.invalid;
      }
      ctx.print(
        formatTable([
          ['chunks', `${r.chunks} (${r.sent} sent now, ${r.chunks - r.sent} verified before)`],
          ['transactions', `${r.transactions}, ${r.gas.toLocaleString('en-US')} gas`],
          ['result id', r.resultId],
          ['proven', r.proven ? `yes, token ${token.tokenId} version ${token.version}` : 'no'],
        ]),
        {
          chunks: r.chunks,
          sent: r.sent,
          transactions: r.transactions,
          gas: r.gas.toString(),
          resultId: r.resultId,
          proven: r.proven,
        },
      );
      return r.proven ? ExitCode.ok : ExitCode.fatal;
    });
  },
});

export const chainCommands = [
  chainStatusCommand,
  chainDeployCommand,
  chainServeCommand,
  mintCommand,
  pledgeCommand,
  acceptCommand,
  grantCommand,
  depositCommand,
  withdrawCommand,
  reclaimCommand,
  revokeCommand,
  datasetsCommand,
  zkSubmitCommand,
] as const;
