import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { KeyNameOptionSchema, RpcOptionSchema } from '../core/options.js';
import { defineStage, type StageContext } from '../core/stage.js';
import { amountJson, parseAmount } from './amounts.js';
import { type ChainSession, openChain } from './connect.js';
import { ChainError } from './errors.js';
import { grantPledge } from './grant.js';
import {
  ensureDeployed,
  OPERATIONS,
  type Operation,
  openMarket,
  opsBits,
  opsProblem,
  PLEDGE_STATES,
} from './market.js';
import { mintPublished } from './mintPublished.js';

/** What chain.mint writes: the token of a published dataset. */
export const MintRecordSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-chain-mint'),
  chain: z.string(),
  chainId: z.number().int(),
  dataNft: z.string(),
  tokenId: z.string(),
  owner: z.string(),
  manifestCid: z.string(),
  commitmentRoot: z.string(),
});
/** What chain.pledge writes. */
export const PledgeRecordSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-chain-pledge'),
  chain: z.string(),
  chainId: z.number().int(),
  pledgeMarket: z.string(),
  pledgeId: z.string(),
  tokenId: z.string(),
  version: z.number().int(),
  owner: z.string(),
  consumer: z.string(),
  compute: z.string(),
  ops: z.array(z.string()),
  pricePerRow: z.strictObject({ ether: z.string(), wei: z.string() }),
  maxRows: z.number().int(),
  expiresAt: z.string(),
  minCohort: z.number().int(),
});
/** What chain.accept writes. */
export const AcceptRecordSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-chain-accept'),
  chain: z.string(),
  pledgeId: z.string(),
  consumer: z.string(),
  locked: z.strictObject({ ether: z.string(), wei: z.string() }),
});

async function withStageChain<T>(
  ctx: StageContext<true>,
  rpc: string | undefined,
  f: (chain: ChainSession) => Promise<T>,
): Promise<T> {
  const chain = await openChain({ chainDir: ctx.workspace.paths.chain, rpc, clock: ctx.clock });
  try {
    await ensureDeployed(chain, async () => (await ctx.workspace.keys()).account('owner'));
    return await f(chain);
  } finally {
    await chain.close();
  }
}

const readRecord = async <T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> => {
  try {
    return schema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    throw new ChainError('CHAIN_DATASET_MISMATCH', { problem: `${what} is missing or not valid` });
  }
};

/** `chain.mint`: an owner mints the DataNFT of its published dataset (once: a rerun finds it). */
export const chainMintStage = defineStage({
  name: 'chain.mint',
  version: '1',
  summary: 'Mint the DataNFT of a published dataset, as its owner, and record the token',
  options: z.strictObject({
    published: z.string().min(1).describe('The published folder (`sinso publish`)'),
    out: z.string().min(1).describe('The mint record to write (JSON)'),
    as: KeyNameOptionSchema.default('owner'),
    rpc: RpcOptionSchema,
  }),
  result: z.strictObject({
    tokenId: z.string().describe('token'),
    tokenUri: z.string().describe('token URI'),
    owner: z.string().describe('owner'),
  }),
  inputs: ['published'],
  outputs: ['out'],
  requires: { workspace: true },
  output: { deterministic: true },
  cli: { examples: ['sinso chain mint --published published/ --out mint.json'] },
  async run(ctx, o) {
    const account = await (await ctx.workspace.keys()).ensureAccount(o.as);
    return withStageChain(ctx, o.rpc, async (chain) => {
      const t = await mintPublished(chain, account, {
        dir: resolve(o.published),
        chainDir: ctx.workspace.paths.chain,
      });
      const d = chain.deployment as NonNullable<ChainSession['deployment']>;
      await writeFileAtomic(
        o.out,
        `${canonicalJson(
          MintRecordSchema.parse({
            schema: '1',
            kind: 'sinso-chain-mint',
            chain: chain.key,
            chainId: chain.chainId,
            dataNft: d.dataNft,
            tokenId: t.tokenId,
            owner: account.address,
            manifestCid: t.manifestCid,
            commitmentRoot: t.commitmentRoot,
          }),
          2,
        )}\n`,
      );
      return { summary: { tokenId: t.tokenId, tokenUri: `ipfs://${t.manifestCid}`, owner: account.address } };
    });
  },
});

/** `chain.pledge`: an owner pledges its token to a consumer (once: a rerun finds the pledge). */
export const chainPledgeStage = defineStage({
  name: 'chain.pledge',
  version: '1',
  summary: 'Pledge a minted token to a consumer under terms, as its owner, and record the pledge',
  options: z.strictObject({
    minted: z.string().min(1).describe('The mint record (`chain.mint`)'),
    out: z.string().min(1).describe('The pledge record to write (JSON)'),
    to: KeyNameOptionSchema.default('consumer').describe('The consumer’s workspace key'),
    compute: KeyNameOptionSchema.default('compute').describe('The compute node’s workspace key'),
    ops: z
      .array(z.enum(Object.keys(OPERATIONS) as [Operation, ...Operation[]]))
      .min(1)
      .superRefine((ops, ctx) => {
        const problem = opsProblem(ops);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe(
        'An operation the consumer may run (repeatable; he-public, with he-query: HE queries may use public group keys)',
      ),
    price: z.string().describe('Price per row-use (ether, or with gwei / wei)'),
    maxRows: z.number().int().min(1).describe('Most row-uses the consumer may pay for'),
    expires: z.iso.datetime().describe('Expiry (an ISO time: a pipeline stays reproducible)'),
    minCohort: z.number().int().min(1).default(10).describe('Smallest cohort a query may aggregate'),
    as: KeyNameOptionSchema.default('owner'),
    rpc: RpcOptionSchema,
  }),
  result: z.strictObject({
    pledgeId: z.string().describe('pledge'),
    tokenId: z.string().describe('token'),
    maxCost: z.string().describe('most it costs (wei)'),
  }),
  inputs: ['minted'],
  outputs: ['out'],
  requires: { workspace: true },
  output: { deterministic: true },
  cli: {
    examples: [
      'sinso chain pledge --minted mint.json --out pledge.json --ops he-query --ops train --price 1000gwei --max-rows 10000 --expires 2030-01-01T00:00:00Z',
    ],
  },
  async run(ctx, o) {
    const minted = await readRecord(o.minted, MintRecordSchema, 'the mint record');
    const keys = await ctx.workspace.keys();
    const owner = await keys.ensureAccount(o.as);
    const consumer = (await keys.ensureAccount(o.to)).address;
    const compute = (await keys.ensureAccount(o.compute)).address;
    const price = parseAmount(o.price, 'price');
    const expiresAt = BigInt(Math.floor(Date.parse(o.expires) / 1000));
    return withStageChain(ctx, o.rpc, async (chain) => {
      const market = openMarket(chain);
      const tokenId = BigInt(minted.tokenId);
      const version = (await market.versionCount(tokenId)) - 1n;
      const terms = {
        ops: opsBits(o.ops),
        pricePerRow: price,
        maxRows: BigInt(o.maxRows),
        expiresAt,
        minCohort: o.minCohort,
        compute,
      };
      // pledged before (a rerun after a crash)? the same owner, token, consumer and terms
      const d = market.deployment;
      const earlier = (await market.events('Pledged')).find(
        (a) =>
          a.tokenId === tokenId &&
          a.version === version &&
          a.owner.toLowerCase() === owner.address.toLowerCase() &&
          a.consumer.toLowerCase() === consumer.toLowerCase() &&
          a.terms.ops === terms.ops &&
          a.terms.pricePerRow === price &&
          a.terms.maxRows === terms.maxRows &&
          a.terms.expiresAt === expiresAt &&
          a.terms.minCohort === o.minCohort &&
          a.terms.compute.toLowerCase() === compute.toLowerCase(),
      );
      const pledgeId = earlier
        ? earlier.pledgeId
        : (
            await market.pledge(owner, {
              tokenId,
              version,
              consumer,
              terms: { ...terms, ops: o.ops },
            })
          ).pledgeId;
      await writeFileAtomic(
        o.out,
        `${canonicalJson(
          PledgeRecordSchema.parse({
            schema: '1',
            kind: 'sinso-chain-pledge',
            chain: chain.key,
            chainId: chain.chainId,
            pledgeMarket: d.pledgeMarket,
            pledgeId: String(pledgeId),
            tokenId: minted.tokenId,
            version: Number(version),
            owner: owner.address,
            consumer,
            compute,
            ops: o.ops,
            pricePerRow: amountJson(price),
            maxRows: o.maxRows,
            expiresAt: new Date(Number(expiresAt) * 1000).toISOString(),
            minCohort: o.minCohort,
          }),
          2,
        )}\n`,
      );
      return {
        summary: {
          pledgeId: String(pledgeId),
          tokenId: minted.tokenId,
          maxCost: String(price * BigInt(o.maxRows)),
        },
      };
    });
  },
});

/** `chain.accept`: the consumer deposits what the pledge needs (if short) and accepts it. */
export const chainAcceptStage = defineStage({
  name: 'chain.accept',
  version: '1',
  summary: 'Accept a pledge as its consumer, depositing the escrow it locks when short',
  options: z.strictObject({
    pledge: z.string().min(1).describe('The pledge record (`chain.pledge`)'),
    out: z.string().min(1).describe('The acceptance record to write (JSON)'),
    as: KeyNameOptionSchema.default('consumer'),
    rpc: RpcOptionSchema,
  }),
  result: z.strictObject({
    pledgeId: z.string().describe('pledge'),
    locked: z.string().describe('escrow locked (wei)'),
  }),
  inputs: ['pledge'],
  outputs: ['out'],
  requires: { workspace: true },
  output: { deterministic: true },
  cli: { examples: ['sinso chain accept --pledge pledge.json --out accept.json'] },
  async run(ctx, o) {
    const pledge = await readRecord(o.pledge, PledgeRecordSchema, 'the pledge record');
    const consumer = await (await ctx.workspace.keys()).ensureAccount(o.as);
    return withStageChain(ctx, o.rpc, async (chain) => {
      const market = openMarket(chain);
      const id = BigInt(pledge.pledgeId);
      const p = await market.pledgeOf(id);
      let locked: bigint;
      if (PLEDGE_STATES[p.state] === 'accepted') locked = await market.locked(id);
      else {
        const cost = p.maxRows * p.pricePerRow;
        const free = await market.freeEscrow(consumer.address);
        if (free < cost) await market.deposit(consumer, cost - free);
        locked = (await market.accept(consumer, id)).locked;
      }
      await writeFileAtomic(
        o.out,
        `${canonicalJson(
          AcceptRecordSchema.parse({
            schema: '1',
            kind: 'sinso-chain-accept',
            chain: chain.key,
            pledgeId: pledge.pledgeId,
            consumer: consumer.address,
            locked: amountJson(locked),
          }),
          2,
        )}\n`,
      );
      return { summary: { pledgeId: pledge.pledgeId, locked: String(locked) } };
    });
  },
});

/**
 * `chain.grant`: the owner wraps the dataset key of an accepted pledge for its compute node (and
 * its consumer under `access`), one `<address>.json` per recipient in `out`, for them to fetch.
 * Deterministic: the wrapping's randomness comes from a CSPRNG keyed by the dataset key.
 */
export const chainGrantStage = defineStage({
  name: 'chain.grant',
  version: '1',
  summary: 'Wrap the dataset key of an accepted pledge for its compute node, as the owner',
  options: z.strictObject({
    pledge: z.string().min(1).describe('The pledge record (`chain.pledge`)'),
    accepted: z
      .string()
      .min(1)
      .optional()
      .describe('The acceptance record (`chain.accept`): in a pipeline, grant after it'),
    out: z.string().min(1).describe('The folder to write each wrapped key to (<address>.json)'),
    recipientKey: z
      .string()
      .regex(/^0x04[0-9a-fA-F]{128}$/)
      .optional()
      .describe('The compute node’s uncompressed public key, when it is not a key of this workspace'),
    rpc: RpcOptionSchema,
  }),
  result: z.strictObject({
    pledgeId: z.string().describe('pledge'),
    recipients: z.number().int().describe('keys wrapped'),
  }),
  inputs: ['pledge', 'accepted'],
  outputs: ['out'],
  requires: { workspace: true },
  output: { deterministic: true },
  cli: { examples: ['sinso chain grant --pledge pledge.json --out grants/'] },
  async run(ctx, o) {
    const pledge = await readRecord(o.pledge, PledgeRecordSchema, 'the pledge record');
    return withStageChain(ctx, o.rpc, async (chain) => {
      const grants = await grantPledge({
        chain,
        workspace: ctx.workspace,
        pledgeId: pledge.pledgeId,
        dir: o.out,
        recipientKey: o.recipientKey as `0x${string}` | undefined,
      });
      return { summary: { pledgeId: pledge.pledgeId, recipients: grants.length } };
    });
  },
});
