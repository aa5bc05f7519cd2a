import { z } from 'zod';
import { OPERATIONS, type PledgeFacts } from '../chain/index.js';

export type { PledgeFacts };

import { HeError } from './errors.js';
import type { HeTableManifest } from './heTable.js';
import type { HeMode } from './plan.js';

const OP_HE_QUERY = OPERATIONS['he-query'];
const OP_HE_PUBLIC = OPERATIONS['he-public'];

/**
 * The pledge checks of a release, run where the secret key is: every pledge accepted, unexpired
 * and unrevoked, allowing `he-query` (and `he-public` for a public-keys query), all to one
 * consumer; every pooled table's commitment root is the root of exactly one pledged token
 * version. Returns the strictest minimum cohort and, per table, its pledge.
 *
 * @example
 * const { minCohort } = checkPledges(facts, tables, 'public', clock.now());
 */
export function checkPledges(
  pledges: readonly PledgeFacts[],
  tables: readonly HeTableManifest[],
  mode: HeMode,
  now: Date,
): { minCohort: number; consumer: string; pledgeOfTable: string[] } {
  if (pledges.length === 0)
    throw new HeError('HE_POLICY_REFUSED', { pledge: '(none)', reason: 'no pledge was given (--pledge ID)' });
  const nowS = BigInt(Math.floor(now.getTime() / 1000));
  for (const p of pledges) {
    const refuse = (reason: string) => new HeError('HE_POLICY_REFUSED', { pledge: p.id, reason });
    if (p.state === 'revoked') throw refuse('the owner revoked it');
    if (p.state !== 'accepted')
      throw refuse(p.state === 'none' ? 'there is no such pledge' : 'the consumer has not accepted it');
    if (nowS >= p.expiresAt) throw refuse('it has expired');
    if ((p.ops & OP_HE_QUERY) === 0) throw refuse('it does not allow he-query');
    if (mode === 'public' && (p.ops & OP_HE_PUBLIC) === 0) {
      throw refuse(
        'it allows only private-keys HE queries (he-public is not pledged); ask with --mode private',
      );
    }
  }
  const consumers = new Set(pledges.map((p) => p.consumer.toLowerCase()));
  if (consumers.size > 1) {
    throw new HeError('HE_POLICY_REFUSED', {
      pledge: pledges.map((p) => p.id).join(', '),
      reason: 'the pledges are to different consumers',
    });
  }
  const pledgeOfTable = tables.map((t) => {
    const matching = pledges.filter((p) => p.root.toLowerCase() === t.dataset.commitmentRoot.toLowerCase());
    if (matching.length === 0) {
      throw new HeError('HE_POLICY_REFUSED', {
        pledge: pledges.map((p) => p.id).join(', '),
        reason: `none of them pledges dataset ${t.dataset.id} (its commitment root is not a pledged token version's)`,
      });
    }
    return (matching[0] as PledgeFacts).id;
  });
  for (const p of pledges) {
    if (!pledgeOfTable.includes(p.id)) {
      throw new HeError('HE_POLICY_REFUSED', {
        pledge: p.id,
        reason: 'it pledges none of the datasets the result was computed over',
      });
    }
  }
  return {
    minCohort: Math.max(...pledges.map((p) => p.minCohort)),
    consumer: [...consumers][0] as string,
    pledgeOfTable,
  };
}

/** Differential privacy asked of a release. */
export const DpOptionsSchema = z.strictObject({
  mechanism: z.enum(['laplace', 'gaussian']),
  /** ε of the whole query, split evenly over the released quantities (groups are disjoint). */
  epsilon: z.number().positive(),
  /** δ (Gaussian only). */
  delta: z.number().min(0).lt(1),
  /** The noise seed (hex or text): the same seed, result and query give the same noise. */
  seed: z.string().min(1),
});
export type DpOptions = z.output<typeof DpOptionsSchema>;

/** `released.json`: what the key holder releases to the consumer. */
export const ReleasedSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-he-release'),
  query: z.string(),
  mode: z.enum(['public', 'private']),
  /** sha256 of the result.json released from (the job's result hash). */
  resultSha256: z.string(),
  pledges: z.array(z.string()),
  /** Rows each pooled dataset contributed to the evaluation (what a usage receipt counts). */
  datasets: z.array(z.strictObject({ id: z.string(), pledge: z.string(), rows: z.number().int() })),
  minCohort: z.number().int(),
  dp: z
    .strictObject({ mechanism: z.enum(['laplace', 'gaussian']), epsilon: z.number(), delta: z.number() })
    .nullable(),
  columns: z.array(z.string()),
  rows: z.array(
    z.strictObject({
      suppressed: z.boolean(),
      /** Column alias → value (group keys as text, counts as integers, the rest as numbers or exact decimals). */
      values: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    }),
  ),
  suppressedGroups: z.number().int(),
});
export type Released = z.output<typeof ReleasedSchema>;

/** An exact decimal string of n / 10^scale. */
export function scaledDecimal(n: bigint, scale: number): string {
  if (scale === 0) return n.toString();
  const neg = n < 0n;
  const a = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const int = a.slice(0, -scale);
  const frac = a.slice(-scale).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Sample and population variance from exact integer sums (scaled by 10^scale), as doubles. */
export function varianceOf(
  sum: bigint,
  sumSq: bigint,
  n: bigint,
  scale: number,
): { samp: number | null; pop: number | null } {
  if (n === 0n) return { samp: null, pop: null };
  // n·Σx² − (Σx)², exact, then one division each
  const num = n * sumSq - sum * sum;
  const unit = 10 ** (2 * scale);
  const pop = Number(num) / Number(n * n) / unit;
  const samp = n > 1n ? Number(num) / Number(n * (n - 1n)) / unit : null;
  return { samp, pop };
}
