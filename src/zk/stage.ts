import { z } from 'zod';
import { PledgeRecordSchema, readPledgeFacts } from '../chain/index.js';
import { deriveSaltKey, readCommitmentFile } from '../commit/index.js';
import { DatasetIdOptionSchema, datasetSecret } from '../core/datasetId.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { RpcOptionSchema } from '../core/options.js';
import { readJsonFile } from '../core/parse.js';
import { defineStage } from '../core/stage.js';
import { proveQuery } from './adapters/proveQuery.js';
import { type ProofBundle, readProofBundle } from './bundle.js';
import { ZkError } from './errors.js';
import { zkQuerySpec } from './plan.js';
import { checkZkPledge } from './policy.js';
import { parseZkQuery } from './sql.js';

const QueryZkSummary = z.strictObject({
  table: z.string().describe('table'),
  rows: z.number().int().describe('rows'),
  chunks: z.number().int().describe('chunks'),
  count: z.string().describe('COUNT(*)'),
  sum: z.string().nullable().describe('SUM'),
  avg: z.number().nullable().describe('AVG'),
  root: z.string().describe('dataset root'),
  pledge: z.string().nullable().describe('pledge'),
});

/**
 * `query.zk`: the data holder (owner or its compute node: it holds the rows and the dataset key)
 * answers an aggregate query and proves, chunk by chunk in zero knowledge, that the answer is
 * computed over exactly the committed rows. Under a pledge, the pledge is checked on chain first
 * and the bundle names the DataNFT token version whose root the proofs are about.
 */
export const queryZkStage = defineStage({
  name: 'query.zk',
  version: '1',
  summary: 'Answer an aggregate SQL query over committed tables with zero-knowledge proofs (data holder)',
  options: z.strictObject({
    sql: z.string().min(1).describe('SELECT COUNT(*), SUM(x), AVG(x), VAR(x) FROM t [WHERE y >= 30 [AND …]]'),
    tables: z.string().min(1).describe('The committed tables folder (`sinso tables`)'),
    commitment: z.string().min(1).describe('Its commitment.json (version 2, `sinso commit`)'),
    dataset: DatasetIdOptionSchema,
    pledge: z
      .string()
      .regex(/^[0-9]+$/)
      .optional()
      .describe('The pledge the query runs under (checked on chain: accepted, unexpired, zk-query)'),
    pledgeRecord: z
      .string()
      .min(1)
      .optional()
      .describe('A pledge record (`chain.pledge` output), instead of --pledge'),
    out: z.string().min(1).describe('The proof bundle to write (JSON)'),
    ptau: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A public ceremony’s prepared powers of tau (default: an INSECURE local one, for tests and demos)',
      ),
    rpc: RpcOptionSchema,
  }),
  result: QueryZkSummary,
  inputs: ['tables', 'commitment', 'pledgeRecord', 'ptau'],
  outputs: ['out'],
  requires: { workspace: true, secrets: (o) => ({ dataset: datasetSecret(o.dataset) }) },
  output: {
    // Groth16 proofs are randomized: a rerun proves the same statement with other bytes
    deterministic: false,
    verifier: 'zk-proof/1',
    async verify(_ctx, outputs) {
      const b = await readProofBundle(outputs['out'] as string).catch(() => undefined);
      return b
        ? { ok: true, detail: `${b.chunks.length} chunk proofs` }
        : { ok: false, detail: 'the bundle is missing or invalid' };
    },
  },
  cli: {
    positional: { key: 'sql', name: 'SQL', many: false },
    description:
      'Proves the query over each chunk of 128 rows with a Groth16 proof (circom circuits compiled into .cache/zk on first use) that recomputes the chunk’s committed column hashes, its path to the dataset root, and the chunk’s COUNT, SUM and SUM of squares under the predicates. The bundle reveals the answer and nothing about any row. Check it with `sinso verify`.',
    examples: [
      'sinso query zk "SELECT COUNT(*), SUM(value), AVG(value) FROM observations WHERE age >= 30" --tables tables-k5/ --commitment commitment.json --dataset owner-001 --pledge 1 --out proof.json',
    ],
  },
  async run(ctx, o) {
    const query = parseZkQuery(o.sql);
    const commitment = await readCommitmentFile(o.commitment);
    let pledgeId = o.pledge;
    if (o.pledgeRecord !== undefined) {
      const r = await readJsonFile(o.pledgeRecord, PledgeRecordSchema, {
        what: 'pledge record',
        invalid: (issues, cause) =>
          new ZkError(
            'ZK_POLICY_REFUSED',
            { pledge: '(record)', reason: 'the pledge record is not valid' },
            { issues, cause },
          ),
      });
      pledgeId = r.pledgeId;
    }
    let token: ProofBundle['dataset']['token'];
    if (pledgeId !== undefined) {
      const { facts, chainId, dataNft } = await readPledgeFacts({
        chainDir: ctx.workspace.paths.chain,
        rpc: o.rpc,
        clock: ctx.clock,
        ids: [pledgeId],
      });
      const p = facts[0];
      if (!p) throw new ZkError('ZK_POLICY_REFUSED', { pledge: pledgeId, reason: 'there is no such pledge' });
      checkZkPledge(p, commitment.root, ctx.clock.now());
      token = { chainId, dataNft, tokenId: p.tokenId.toString(), version: p.version };
    }
    const bundle = await proveQuery({
      sql: o.sql,
      spec: zkQuerySpec(query),
      tablesDir: o.tables,
      commitment,
      saltKey: deriveSaltKey(ctx.secrets.dataset),
      token,
      pledgeId,
      setup: o.ptau === undefined ? undefined : { kind: 'ptau', file: o.ptau },
      progress: ctx.progress,
      signal: ctx.signal,
    });
    await writeFileAtomic(o.out, `${canonicalJson(bundle, 2)}\n`);
    return {
      summary: {
        table: bundle.table.name,
        rows: bundle.table.rows,
        chunks: bundle.chunks.length,
        count: bundle.result.count,
        sum: bundle.result.sum,
        avg: bundle.result.avg,
        root: bundle.dataset.root,
        pledge: pledgeId ?? null,
      },
    };
  },
});
