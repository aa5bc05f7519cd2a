import { checkCommitment, type Poseidon } from '../commit/index.js';
import type { Commitment } from '../core/schemas/commitment.js';
import type { TrainJob } from './job.js';

/** The checks of a job record, in the order they run. */
export const JOB_CHECKS = ['commitment', 'root', 'on-chain-root', 'rows'] as const;
export type JobCheck = (typeof JOB_CHECKS)[number];

/** The committed chunks a job's rows lie in, per dataset and table (what a batch inclusion proof opens). */
export type JobChunks = { pledge: string; table: string; chunks: number[] }[];

export type VerifyJobReturnType =
  | { ok: true; checks: JobCheck[]; chunks: JobChunks }
  | { ok: false; failed: JobCheck; pledge: string; reason: string };

/**
 * Checks a training job's record of the rows it used against each dataset's published
 * commitment, without any row: the commitment holds together (checkCommitment) and is the root
 * the job names, which is the root the DataNFT stores for that token version (when
 * `onChainRoot` is given); every table the job names is committed; its ranges are sorted,
 * disjoint, inside the table's rows and add up to its count; and the counts add up to the job's
 * row-uses. This is the batch inclusion check of the rows' indices: that the job's rows exist in
 * the committed dataset. That their values went into the model is the compute node's word,
 * checked when it recomputed the root before training.
 *
 * @example
 * const r = await verifyJob({ job, poseidon, commitmentOf: (d) => fetchCommitment(…) });
 */
export async function verifyJob(p: {
  job: TrainJob;
  poseidon: Poseidon;
  /** The published commitment of a dataset (by its manifest CID). */
  commitmentOf: (d: TrainJob['datasets'][number]) => Promise<Commitment>;
  /** The root the DataNFT stores for a token version, or undefined to skip that check. */
  onChainRoot?: ((tokenId: string, version: number) => Promise<string>) | undefined;
}): Promise<VerifyJobReturnType> {
  const chunks: JobChunks = [];
  let total = 0;
  for (const d of p.job.datasets) {
    const fail = (failed: JobCheck, reason: string): VerifyJobReturnType => ({
      ok: false,
      failed,
      pledge: d.pledge,
      reason,
    });
    let c: Commitment;
    try {
      c = await p.commitmentOf(d);
    } catch (err) {
      return fail('commitment', err instanceof Error ? err.message : 'it cannot be fetched');
    }
    const held = checkCommitment(p.poseidon, c);
    if (!held.ok)
      return fail('commitment', `the published commitment does not hold together (${held.problem})`);
    if (c.root.toLowerCase() !== d.commitmentRoot.toLowerCase()) {
      return fail('root', 'the job names another root than the published commitment’s');
    }
    if (p.onChainRoot) {
      const onChain = await p.onChainRoot(d.tokenId, d.version);
      if (onChain.toLowerCase() !== d.commitmentRoot.toLowerCase()) {
        return fail('on-chain-root', `DataNFT token ${d.tokenId} version ${d.version} stores another root`);
      }
    }
    for (const t of d.tables) {
      const table = c.tables.find((x) => x.name === t.table);
      if (!table) return fail('rows', `table ${t.table} is not committed`);
      let end = 0;
      let count = 0;
      const touched = new Set<number>();
      for (const [a, b] of t.ranges) {
        if (a < end || b <= a || b > table.rows) {
          return fail(
            'rows',
            `table ${t.table}: a range is out of order, empty or past the table's ${table.rows} rows`,
          );
        }
        for (let k = Math.floor(a / c.chunkSize); k <= Math.floor((b - 1) / c.chunkSize); k++) touched.add(k);
        count += b - a;
        end = b;
      }
      if (count !== t.rows)
        return fail('rows', `table ${t.table}: the ranges hold ${count} rows, not ${t.rows}`);
      total += count;
      chunks.push({ pledge: d.pledge, table: t.table, chunks: [...touched] });
    }
  }
  if (total !== p.job.rowsUsed) {
    return {
      ok: false,
      failed: 'rows',
      pledge: '(all)',
      reason: `the tables hold ${total} rows, not ${p.job.rowsUsed}`,
    };
  }
  return { ok: true, checks: JOB_CHECKS.filter((k) => k !== 'on-chain-root' || p.onChainRoot), chunks };
}
