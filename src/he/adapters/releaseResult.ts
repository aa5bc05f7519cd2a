import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cidOfBytes } from '../../core/cid.js';
import { createCsprng } from '../../core/csprng.js';
import { sha256Hex } from '../../core/hash.js';
import { HeError } from '../errors.js';
import { ctPath } from '../heTable.js';
import { groupScope, planQuery, quantitiesOf } from '../plan.js';
import { checkDifferencing } from '../policy/differencing.js';
import {
  gaussianSigma,
  laplaceScale,
  type Mechanism,
  noisy,
  openLedgers,
  type ReleasedGroup,
} from '../policy/index.js';
import {
  checkPledges,
  type DpOptions,
  type PledgeFacts,
  type Released,
  ReleasedSchema,
  scaledDecimal,
  varianceOf,
} from '../release.js';
import { parseHeQuery } from '../sql.js';
import { HE_RESULT_FILE, readHeResult } from './evaluate.js';
import { decryptor, heContext, loadSecretKey } from './seal.js';

export type ReleaseParameters = {
  /** The compute node's result folder (result.json, ct/, tables/). */
  dir: string;
  pledges: readonly PledgeFacts[];
  secretKey: Uint8Array;
  /** The key holder's budget ledgers (`<workspace>/store/he/ledger`). */
  ledgerDir: string;
  /** The budget of a dataset not yet in the ledger. */
  defaultBudget: { epsilon: number; delta: number };
  dp?: DpOptions | undefined;
  now: Date;
};

/** A decrypted count: BFV's as it is, CKKS's rounded (HE_RESULT_INVALID when it is not near a whole number). */
function wholeCount(c: bigint | number): bigint {
  if (typeof c === 'bigint') return c;
  if (Math.abs(c - Math.round(c)) > 0.01) {
    throw new HeError('HE_RESULT_INVALID', { problem: 'a decrypted count is not a whole number' });
  }
  return BigInt(Math.round(c));
}

/**
 * The key holder's side: checks the pledges on chain, re-plans the query from the encrypted
 * tables' manifests (so the groups and the public counts are its own, not the compute node's
 * word), decrypts every group's count first, suppresses groups below the minimum cohort, refuses
 * differencing, spends the privacy budget (written before any sum is decrypted, so a kill never
 * loses a spend), then decrypts only the released groups' sums and adds the seeded noise.
 *
 * @example
 * const released = await releaseResult({ dir: 'result/', pledges, secretKey, ledgerDir, defaultBudget: { epsilon: 10, delta: 1e-6 }, now: clock.now() });
 */
export async function releaseResult(p: ReleaseParameters): Promise<Released> {
  const { result, tables } = await readHeResult(p.dir);
  const resultSha256 = sha256Hex(await readFile(join(p.dir, HE_RESULT_FILE)));
  const query = parseHeQuery(result.query);
  const plan = planQuery(query, tables, result.mode);
  if (
    plan.groups.length !== result.groups.length ||
    plan.groups.some((g, i) => JSON.stringify(g.key) !== JSON.stringify(result.groups[i]?.key)) ||
    result.groups.some((g) => plan.quantities.some((q) => g.quantities[q] === undefined))
  ) {
    throw new HeError('HE_RESULT_INVALID', {
      problem: 'its groups or quantities are not those of its query over its tables',
    });
  }
  const { minCohort, consumer, pledgeOfTable } = checkPledges(p.pledges, tables, plan.mode, p.now);
  const first = tables[0] as (typeof tables)[number];
  if (result.keyFingerprint !== first.keys.fingerprint) {
    throw new HeError('HE_KEY_MISMATCH', { problem: 'the result was not computed under the tables’ key' });
  }
  const he = await heContext(first.keys.params);
  const sk = loadSecretKey(he, p.secretKey);
  const dec = decryptor(he, sk);
  const bfv = first.keys.params.scheme === 'bfv';
  /** Decrypts one group total: slot 0 of the rotate-summed ciphertext, plus the clear part. */
  const total = async (g: number, q: string): Promise<bigint | number> => {
    const c = result.groups[g]?.quantities[q] as { cipher: string | null; plain: string };
    let v: bigint | number = bfv ? BigInt(c.plain) : Number(c.plain);
    if (c.cipher !== null) {
      const bytes = await readFile(join(p.dir, ctPath(c.cipher))).catch(() => undefined);
      // content-addressed: a file that is not the bytes its CID names (swapped, edited) is refused
      if (!bytes || (await cidOfBytes(bytes)).toString() !== c.cipher) {
        throw new HeError('HE_RESULT_INVALID', {
          problem: `its ciphertext ${ctPath(c.cipher)} is missing or changed`,
        });
      }
      const ct = he.loadCipher(bytes);
      try {
        const { values, noiseBudget } = dec.decrypt(ct);
        if (noiseBudget !== undefined && noiseBudget <= 0) {
          throw new HeError('HE_RESULT_INVALID', {
            problem: 'its noise budget is exhausted (it would decrypt to garbage)',
          });
        }
        v = bfv ? (v as bigint) + (values[0] as bigint) : (v as number) + (values[0] as number);
      } finally {
        he.free(ct);
      }
    }
    return v;
  };
  try {
    // 1. counts: the key holder's own (public cells) or decrypted first
    const counts: bigint[] = [];
    for (let g = 0; g < plan.groups.length; g++) {
      if (plan.mode === 'public') {
        counts.push(BigInt(plan.tables.reduce((a, t) => a + (t.ranges[g]?.rows ?? 0), 0)));
      } else {
        counts.push(wholeCount(await total(g, 'count')));
      }
    }
    // 2. differential privacy: ε split evenly over the released quantities (groups are disjoint)
    const queryId = resultSha256;
    const rng = p.dp ? createCsprng(p.dp.seed, 'he-release', queryId) : undefined;
    const releasedQuantities = 1 + plan.quantities.filter((q) => q !== 'count').length;
    const mechanism = (sensitivity: number): Mechanism | undefined => {
      if (!p.dp) return undefined;
      const eps = p.dp.epsilon / releasedQuantities;
      return p.dp.mechanism === 'laplace'
        ? { kind: 'laplace', scale: laplaceScale(sensitivity, eps) }
        : { kind: 'gaussian', sigma: gaussianSigma(sensitivity, eps, p.dp.delta / releasedQuantities) };
    };
    const countMech = mechanism(1);
    const shownCount = counts.map((n) =>
      rng && countMech ? Math.max(0, noisy(Number(n), countMech, rng, 1)) : Number(n),
    );
    const released = shownCount.map((n) => n >= minCohort && n > 0);
    // 3. differencing, then the budget spent, before any sum is decrypted
    const datasets = [...new Set(tables.map((t) => t.dataset.id))].sort();
    const ledgers = await openLedgers(p.ledgerDir, datasets, p.defaultBudget);
    const groups: ReleasedGroup[] = [];
    const history = ledgers.history(datasets);
    plan.groups.forEach((g, i) => {
      if (!released[i]) return;
      const candidate = { scope: groupScope(plan, g), count: Number(counts[i]) };
      checkDifferencing([...history, ...groups], candidate, minCohort);
      groups.push(candidate);
    });
    await ledgers.reserve({
      queryId,
      consumer,
      epsilon: p.dp?.epsilon ?? 0,
      delta: p.dp?.mechanism === 'gaussian' ? p.dp.delta : 0,
      at: p.now.toISOString(),
      groups,
      minCohort,
    });
    // 4. the released groups' sums, and the aggregates asked
    const rows: Released['rows'] = [];
    const scaleOf = (c: string) => first.values.find((v) => v.column === c)?.scale ?? 0;
    const boundOf = (c: string) =>
      Math.max(...tables.map((t) => t.values.find((v) => v.column === c)?.bound ?? 0));
    for (const [g, group] of plan.groups.entries()) {
      const values: Record<string, string | number | null> = {};
      query.select.forEach((s) => {
        if (s.kind === 'group') values[s.alias] = group.key[query.groupBy.indexOf(s.column)] ?? null;
      });
      if (!released[g]) {
        rows.push({ suppressed: true, values });
        continue;
      }
      const sums = new Map<string, number>();
      const exact = new Map<string, bigint>();
      for (const q of plan.quantities) {
        if (q === 'count') continue;
        const [kind, column] = q.split(':') as [string, string];
        const decrypted = await total(g, q);
        // a CKKS count is a whole number only approximately (COUNT(x), AVG's divisor, SUM's NULL)
        const v = kind === 'n' && typeof decrypted === 'number' ? Number(wholeCount(decrypted)) : decrypted;
        const sensitivity = kind === 'n' ? 1 : kind === 'x' ? boundOf(column) : boundOf(column) ** 2;
        const scale = bfv && kind !== 'n' ? 10 ** (kind === 'x' ? scaleOf(column) : 2 * scaleOf(column)) : 1;
        const plain = typeof v === 'bigint' ? Number(v) / scale : v;
        const m = mechanism(sensitivity);
        if (typeof v === 'bigint') exact.set(q, v);
        sums.set(q, rng && m ? noisy(plain, m, rng, kind === 'n' ? 1 : 1 / 10 ** scaleOf(column)) : plain);
      }
      // COUNT(x) of a column without NULLs is the group's count (the plan did not compute it again)
      for (const [c, need] of quantitiesOf(query).columns) {
        if (!need.count || sums.has(`n:${c}`)) continue;
        sums.set(`n:${c}`, shownCount[g] as number);
        exact.set(`n:${c}`, counts[g] as bigint);
      }
      for (const s of query.select) {
        if (s.kind !== 'aggregate') continue;
        if (s.column === null) {
          values[s.alias] = shownCount[g] as number;
          continue;
        }
        const c = s.column;
        const n = sums.get(`n:${c}`) ?? 0;
        const sx = sums.get(`x:${c}`) ?? 0;
        if (s.fn === 'count') values[s.alias] = n;
        else if (s.fn === 'sum') {
          // SQL: the sum of no value is NULL
          const e = exact.get(`x:${c}`);
          values[s.alias] = n <= 0 ? null : !p.dp && e !== undefined ? scaledDecimal(e, scaleOf(c)) : sx;
        } else if (s.fn === 'avg') values[s.alias] = n > 0 ? sx / n : null;
        else {
          const ex = exact.get(`x:${c}`);
          const ex2 = exact.get(`x2:${c}`);
          const en = exact.get(`n:${c}`);
          let v: { samp: number | null; pop: number | null };
          if (!p.dp && ex !== undefined && ex2 !== undefined && en !== undefined)
            v = varianceOf(ex, ex2, en, scaleOf(c));
          else {
            const sx2 = sums.get(`x2:${c}`) ?? 0;
            const pop = n > 0 ? Math.max(0, sx2 / n - (sx / n) ** 2) : null;
            v = { pop, samp: pop !== null && n > 1 ? (pop * n) / (n - 1) : null };
          }
          values[s.alias] = s.fn === 'var_pop' ? v.pop : v.samp;
        }
      }
      rows.push({ suppressed: false, values });
    }
    return ReleasedSchema.parse({
      schema: '1',
      kind: 'sinso-he-release',
      query: query.canonical,
      mode: plan.mode,
      resultSha256,
      pledges: p.pledges.map((x) => x.id),
      datasets: tables.map((t, i) => ({
        id: t.dataset.id,
        pledge: pledgeOfTable[i] as string,
        rows: t.rows,
      })),
      minCohort,
      dp: p.dp
        ? {
            mechanism: p.dp.mechanism,
            epsilon: p.dp.epsilon,
            delta: p.dp.mechanism === 'gaussian' ? p.dp.delta : 0,
          }
        : null,
      columns: query.select.map((s) => s.alias),
      rows,
      suppressedGroups: released.filter((r) => !r).length,
    } satisfies Released);
  } finally {
    dec.close();
    he.free(sk);
  }
}
