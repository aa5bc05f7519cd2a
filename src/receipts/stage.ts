import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ensureDeployed, openChain } from '../chain/index.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { RpcOptionSchema } from '../core/options.js';
import { defineStage } from '../core/stage.js';
import { receiptDrafts } from './build.js';
import { issueReceipts } from './issue.js';
import { readJobOutput } from './readJob.js';

/** What `receipts.issue` writes to --out: the receipts of one job (their store files and hashes). */
export const IssuedRecordSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-issued-receipts'),
  chain: z.string(),
  job: z.enum(['he-query', 'zk-query', 'train']),
  jobId: z.string(),
  receipts: z.array(
    z.strictObject({
      pledgeId: z.string(),
      seq: z.number().int(),
      hash: z.string(),
      rows: z.string(),
      countersigned: z.boolean(),
    }),
  ),
});

/**
 * `receipts.issue`: the compute node makes the usage receipts of one job (one per pledge it
 * used, each that owner's rows), signs them (EIP-712) and chains each to its pledge's last
 * receipt; the consumer countersigns at once when its key is in this workspace.
 */
export const receiptsIssueStage = defineStage({
  name: 'receipts.issue',
  version: '1',
  summary: 'Issue the usage receipts of a job as its compute node (EIP-712, hash-chained per pledge)',
  options: z.strictObject({
    job: z
      .string()
      .min(1)
      .describe('What the job wrote: an HE query folder, a ZK proof bundle or a model folder'),
    startedAt: z
      .string()
      .datetime({ offset: true })
      .optional()
      .describe('When the job started (ISO 8601; default: now)'),
    countersign: z
      .boolean()
      .default(true)
      .describe('Countersign as the consumer too when its key is in this workspace'),
    out: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Where to write the list of receipts issued (JSON; default: JOB.receipts.json beside the job)',
      ),
    rpc: RpcOptionSchema,
  }),
  result: z.strictObject({
    job: z.string().describe('job'),
    receipts: z.number().int().describe('receipts'),
    issued: z.number().int().describe('issued now'),
    rows: z.string().describe('row-uses'),
    pending: z.number().int().describe('awaiting the consumer'),
  }),
  inputs: ['job'],
  outputs: ['out'],
  requires: { workspace: true },
  output: {
    // a receipt's startedAt is the clock's; the store keeps the first issue of a job
    deterministic: false,
    verifier: 'receipts-issued/1',
    async verify(_ctx, outputs) {
      const text = await readFile(outputs['out'] as string, 'utf8').catch(() => undefined);
      const ok = text !== undefined && IssuedRecordSchema.safeParse(JSON.parse(text)).success;
      return ok
        ? { ok: true, detail: 'receipts issued' }
        : { ok: false, detail: 'the issued record is missing or invalid' };
    },
  },
  cli: {
    positional: { key: 'job', name: 'JOB', many: false },
    description:
      'Reads the job’s output (released.json of an HE query, a ZK proof bundle, job.json of a training job), checks each pledge on chain (the operation allowed, the job started after acceptance, before expiry and any revocation), and writes one receipt per pledge to the workspace’s receipts/ (written once, never rewritten). The same job issued again finds its receipts. A receipt the consumer has not countersigned waits in receipts/<chain>/pending/ for `sinso receipts countersign`.',
    examples: [
      'sinso receipts issue queries/hba1c-by-sex-age',
      'sinso receipts issue models/t2d-risk --started-at 2026-12-08T10:00:00Z',
    ],
    defaults: (o) => ({ out: `${o.job.replace(/[\\/]+$/, '').replace(/\.json$/, '')}.receipts.json` }),
  },
  async run(ctx, o) {
    const job = await readJobOutput(o.job);
    const drafts = receiptDrafts(job);
    const startedAt = BigInt(Math.floor(new Date(o.startedAt ?? ctx.clock.now()).getTime() / 1000));
    const chain = await openChain({ chainDir: ctx.workspace.paths.chain, rpc: o.rpc, clock: ctx.clock });
    try {
      await ensureDeployed(chain, async () => (await ctx.workspace.keys()).account('owner'));
      const issued = await issueReceipts({
        chain,
        workspace: ctx.workspace,
        drafts,
        startedAt,
        countersign: o.countersign,
      });
      if (o.out) {
        const record = IssuedRecordSchema.parse({
          schema: '1',
          kind: 'sinso-issued-receipts',
          chain: chain.key,
          job: job.kind,
          jobId: drafts[0]?.jobId ?? '',
          receipts: issued.map((r) => ({
            pledgeId: r.receipt.receipt.pledgeId,
            seq: r.receipt.seq,
            hash: r.receipt.hash,
            rows: r.receipt.receipt.rows,
            countersigned: r.countersigned,
          })),
        });
        await writeFileAtomic(o.out, `${canonicalJson(record, 2)}\n`);
      }
      return {
        summary: {
          job: job.kind,
          receipts: issued.length,
          issued: issued.filter((r) => r.status === 'issued').length,
          rows: issued.reduce((n, r) => n + BigInt(r.receipt.receipt.rows), 0n).toString(),
          pending: issued.filter((r) => !r.countersigned).length,
        },
      };
    } finally {
      await chain.close();
    }
  },
});
