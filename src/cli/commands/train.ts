import { z } from 'zod';
import { type ChainSession, openChain, openMarket } from '../../chain/index.js';
import { loadPoseidon } from '../../commit/index.js';
import { ExitCode } from '../../core/errors/index.js';
import { parseWith } from '../../core/parse.js';
import { fetchCommitment } from '../../publish/index.js';
import { workspaceBlockstore } from '../../storage/index.js';
import { predict, renderPredictions, TrainJobSchema, verifyJob } from '../../train/index.js';
import { defineCommand, requireWorkspace } from '../command.js';
import type { CliContext } from '../context.js';
import { formatTable } from '../format.js';

export const predictCommand = defineCommand({
  path: ['predict'],
  summary: 'Run a trained model (NAME.onnx from `sinso train`) on a CSV, Parquet or NDJSON file',
  description:
    'Reads the input with DuckDB, checks that it has every feature column the model takes (named in its model card), runs the ONNX model in ONNX Runtime and writes one prediction per input row: row (0-based, in file order) and probability, as CSV or NDJSON (by --out’s extension or --format). Without --out, prints them. Missing values: an empty numeric cell is imputed as the model was trained; an unseen category counts as none.',
  options: z.strictObject({
    model: z.string().min(1).describe('The ONNX model (NAME.onnx)'),
    input: z.string().min(1).describe('The rows: CSV with a header, Parquet, or NDJSON'),
    out: z.string().min(1).optional().describe('Where to write the predictions (default: stdout)'),
    format: z
      .enum(['csv', 'ndjson'])
      .optional()
      .describe('Predictions as csv or ndjson (default: from --out)'),
  }),
  positional: { key: 'model', name: 'MODEL', many: false },
  examples: [
    'sinso predict models/t2d-risk/t2d-risk.onnx --input patients.csv --out predictions.csv',
    'sinso predict models/t2d-risk/t2d-risk.onnx --input rows.parquet --format ndjson',
  ],
  async run(ctx, o) {
    const r = await predict({ model: o.model, input: o.input, out: o.out, format: o.format });
    if (o.out !== undefined) {
      ctx.print(`${r.rows} predictions written to ${o.out}`, { rows: r.rows, out: o.out, format: r.format });
      return 0;
    }
    // --json: the predictions as numbers; else the same CSV or NDJSON text --out would hold
    ctx.print(renderPredictions(r.probability, r.format).trimEnd(), {
      rows: r.rows,
      probability: Array.from(r.probability),
    });
    return 0;
  },
});

/**
 * `sinso verify JOB.json` for a training job's record: the rows it used against each dataset's
 * published commitment (fetched by manifest CID from the workspace blockstore) and the DataNFT's
 * root on chain (unless --offline). Exit 0 valid, 3 invalid naming the check.
 */
export async function verifyJobFile(
  ctx: CliContext,
  o: { file: string; rpc?: string | undefined; offline: boolean },
  json: unknown,
): Promise<number> {
  const job = parseWith(TrainJobSchema, json, { what: 'training job record' });
  const ws = await requireWorkspace(ctx);
  const blockstore = workspaceBlockstore(ws);
  let chain: ChainSession | undefined;
  try {
    if (!o.offline) chain = await openChain({ chainDir: ws.paths.chain, rpc: o.rpc, clock: ctx.clock });
    const market = chain && openMarket(chain);
    const r = await verifyJob({
      job,
      poseidon: await loadPoseidon(),
      commitmentOf: async (d) =>
        (await fetchCommitment({ blockstore, manifestCid: d.manifestCid })).commitment,
      onChainRoot:
        market && (async (tokenId, version) => (await market.versionOf(BigInt(tokenId), BigInt(version)))[0]),
    });
    if (!r.ok) {
      ctx.io.stderr(`invalid: ${r.failed} (pledge ${r.pledge}): ${r.reason}\n`);
      ctx.print(`invalid (check: ${r.failed})`, {
        ok: false,
        failed: r.failed,
        pledge: r.pledge,
        reason: r.reason,
      });
      return ExitCode.invalid;
    }
    ctx.print(
      formatTable([
        [
          'valid',
          `training job ${job.model}: ${job.rowsUsed} committed rows of ${job.datasets.length} datasets`,
        ],
        ['checks', r.checks.join(', ')],
        ...job.datasets.map((d) => [
          `pledge ${d.pledge}`,
          `token ${d.tokenId} version ${d.version}, root ${d.commitmentRoot.slice(0, 12)}…, ${r.chunks
            .filter((c) => c.pledge === d.pledge)
            .map((c) => `${c.table}: ${c.chunks.length} chunk${c.chunks.length === 1 ? '' : 's'}`)
            .join(', ')}`,
        ]),
      ]),
      { ok: true, checks: r.checks, chunks: r.chunks },
    );
    return ExitCode.ok;
  } finally {
    await chain?.close();
  }
}
