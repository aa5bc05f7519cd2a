import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cidOfBytes } from '../../src/core/cid.js';
import { createRng } from '../../src/core/rng.js';
import { HeError } from '../../src/he/errors.js';
import type { HeTableManifest } from '../../src/he/heTable.js';
import { type HeMode, planQuery } from '../../src/he/plan.js';
import type { Released } from '../../src/he/release.js';
import { parseHeQuery } from '../../src/he/sql.js';
import { DuckDBSession } from '../../src/tables/adapters/DuckDBSession.js';
import {
  compute,
  encryptOwner,
  type HeRow,
  loadRows,
  makeKeySet,
  memoryKeyring,
  release,
  type TestKeySet,
  tenthsOf,
} from '../utils/he.js';
import { tempDir } from '../utils/tmp.js';

let root: string;
let bfv: TestKeySet;
let ckks: TestKeySet;
let duck: DuckDBSession;

beforeAll(async () => {
  root = await tempDir('sinso-he-query-');
  const keyring = memoryKeyring();
  // one BFV and one CKKS key set (N = 8192) for every test of this file
  bfv = await makeKeySet(join(root, 'keys'), 'bfv', keyring);
  ckks = await makeKeySet(join(root, 'keys'), 'ckks', keyring);
  duck = await DuckDBSession.open({ threads: 1 });
});

afterAll(async () => {
  duck?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the file's temp root. */
let folders = 0;
async function fresh(label: string): Promise<string> {
  const dir = join(root, `${label}-${++folders}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Encrypts each owner's rows into its own table folder. */
async function encryptOwners(keys: TestKeySet, owners: readonly (readonly HeRow[])[]) {
  const dir = await fresh(`tables-${keys.scheme}`);
  const tableDirs = owners.map((_, i) => join(dir, `owner-${i + 1}`));
  const tables: HeTableManifest[] = [];
  for (const [i, rows] of owners.entries()) {
    tables.push(await encryptOwner({ keys, rows, owner: i, out: tableDirs[i] as string }));
  }
  return { tables, tableDirs };
}

/** Computes and releases one query (the compute node, then the key holder). */
async function ask(
  keys: TestKeySet,
  enc: { tables: HeTableManifest[]; tableDirs: string[] },
  sql: string,
  mode: HeMode | 'auto',
  opts: { minCohort: number | number[]; ledgerDir: string } & Partial<Parameters<typeof release>[0]>,
): Promise<{ released: Released; out: string }> {
  const out = await fresh('result');
  await compute({ sql, mode, keys, tables: enc.tables, tableDirs: enc.tableDirs, out });
  const released = await release({ out, keys, tables: enc.tables, ...opts });
  return { released, out };
}

async function heCode(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof HeError) return err.code;
    throw err;
  }
  return undefined;
}

const row = (gender: string | null, tenths: number | null, age_band = '40', code = 'a'): HeRow => ({
  gender,
  age_band,
  code,
  tenths,
});

describe('SQL NULL', () => {
  it('SUM over a group without a non-NULL value is NULL, as in SQL (not 0), in both modes', async () => {
    // female: 12.5 + −0.5 + NULL; male: NULL, NULL
    const rows = [
      row('female', 125),
      row('female', -5),
      row('female', null),
      row('male', null),
      row('male', null),
    ];
    const enc = await encryptOwners(bfv, [rows]);
    for (const mode of ['public', 'private'] as const) {
      const { released } = await ask(
        bfv,
        enc,
        'SELECT gender, COUNT(*), COUNT(value), SUM(value), AVG(value) FROM t GROUP BY gender',
        mode,
        { minCohort: 1, ledgerDir: await fresh('ledger') },
      );
      expect(released.rows).toEqual([
        {
          suppressed: false,
          values: { gender: 'female', count: 3, count_value: 2, sum_value: '12', avg_value: 6 },
        },
        {
          suppressed: false,
          values: { gender: 'male', count: 2, count_value: 0, sum_value: null, avg_value: null },
        },
      ]);
    }
  });

  it('CKKS: COUNT(x) is a whole number, and a group without a value has SUM and AVG NULL', async () => {
    const rows = [
      row('female', 125),
      row('female', -5),
      row('female', null),
      row('male', null),
      row('male', null),
    ];
    const enc = await encryptOwners(ckks, [rows]);
    for (const mode of ['public', 'private'] as const) {
      const { released } = await ask(
        ckks,
        enc,
        'SELECT gender, COUNT(*), COUNT(value), SUM(value), AVG(value) FROM t GROUP BY gender',
        mode,
        { minCohort: 1, ledgerDir: await fresh('ledger') },
      );
      const [female, male] = released.rows;
      expect(female?.values).toMatchObject({ gender: 'female', count: 3, count_value: 2 });
      expect(female?.values.sum_value).toBeCloseTo(12, 4);
      expect(female?.values.avg_value).toBeCloseTo(6, 4);
      expect(male).toEqual({
        suppressed: false,
        values: { gender: 'male', count: 2, count_value: 0, sum_value: null, avg_value: null },
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the property: random rows, owners and queries, against DuckDB over the union of the rows

const GENDERS = ['female', 'male', null] as const;
const AGE_BANDS = ['20', '40', '60'] as const;
const CODES = ['a', 'b', 'c'] as const;

/** Picks by weights. */
const pick = <T>(r: () => number, values: readonly T[], weights: readonly number[]): T => {
  let u = r() * weights.reduce((a, w) => a + w, 0);
  for (const [i, w] of weights.entries()) {
    u -= w;
    if (u < 0) return values[i] as T;
  }
  return values.at(-1) as T;
};

type Nulls = 'none' | 'some' | 'all of code c' | 'all of gender NULL';

/**
 * Rows with skewed categories (small groups and empty combinations are common), values with
 * one decimal in [-20, 20]; NULL values: none, about one in eight, or every value of code c
 * or of the rows whose gender is NULL (so a group can have rows but no value: SUM NULL).
 */
function generateRows(n: number, seed: number, nulls: Nulls): HeRow[] {
  const g = createRng(seed, 'he-query-test');
  const r = () => g.float();
  return Array.from({ length: n }, () => {
    const code = pick(r, CODES, [6, 3, 1]);
    const tenths = Math.floor(r() * 401) - 200;
    const gender = pick(r, GENDERS, [10, 9, 1]);
    const isNull =
      nulls === 'some'
        ? r() < 0.125
        : nulls === 'all of code c'
          ? code === 'c'
          : nulls === 'all of gender NULL' && gender === null;
    return {
      gender,
      age_band: pick(r, AGE_BANDS, [5, 4, 1]),
      code,
      tenths: isNull ? null : tenths,
    };
  });
}

const AGGREGATES = [
  { he: 'COUNT(*)', duck: 'count(*)', alias: 'count' },
  { he: 'COUNT(value)', duck: 'count(value)', alias: 'count_value' },
  { he: 'SUM(value)', duck: 'sum(value)', alias: 'sum_value' },
  { he: 'AVG(value)', duck: 'avg(value)', alias: 'avg_value' },
  { he: 'VAR(value)', duck: 'var_samp(value)', alias: 'var_value' },
  { he: 'VAR_POP(value)', duck: 'var_pop(value)', alias: 'var_pop_value' },
] as const;
type Aggregate = (typeof AGGREGATES)[number];

type Query = {
  aggregates: Aggregate[];
  where: { code: string[] | null; gender: string | null; age_band: string[] | null };
  groupBy: ('gender' | 'age_band')[];
};

const quote = (s: string) => `'${s}'`;

/** The WHERE and GROUP BY of a query, the same text for sinso and for DuckDB. */
function tail(q: Query): string {
  const preds: string[] = [];
  if (q.where.code) preds.push(`code IN (${q.where.code.map(quote).join(', ')})`);
  if (q.where.gender) preds.push(`gender = ${quote(q.where.gender)}`);
  if (q.where.age_band) preds.push(`age_band IN (${q.where.age_band.map(quote).join(', ')})`);
  return [
    ...(preds.length ? [`WHERE ${preds.join(' AND ')}`] : []),
    ...(q.groupBy.length ? [`GROUP BY ${q.groupBy.join(', ')}`] : []),
  ].join(' ');
}

const heSql = (q: Query) =>
  `SELECT ${[...q.groupBy, ...q.aggregates.map((a) => a.he)].join(', ')} FROM t ${tail(q)}`;
/**
 * The same query for DuckDB (VAR is var_samp there), with the group's row and value counts, Σ|x|
 * and the mean of x² beside it: the scales the approximate comparisons are relative to.
 */
const duckSql = (q: Query) =>
  `SELECT ${[
    ...q.groupBy,
    ...q.aggregates.map((a) => `${a.duck} AS ${a.alias}`),
    'count(*) AS __rows',
    'count(value) AS __values',
    'sum(abs(value))::DOUBLE AS __abs',
    'avg(value * value)::DOUBLE AS __sq',
  ].join(', ')} FROM t ${tail(q)}`;

/** null two times in three. */
const sometimes = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: a, weight: 1 });

const queryArb: fc.Arbitrary<Query> = fc.record({
  aggregates: fc.shuffledSubarray([...AGGREGATES], { minLength: 1, maxLength: 4 }),
  where: fc.record({
    // 'z' and 'other' occur in no row: a WHERE matching nothing in some or every table
    code: sometimes(fc.subarray(['a', 'b', 'c', 'z'], { minLength: 1 })),
    gender: sometimes(fc.constantFrom('female', 'male', 'other')),
    age_band: sometimes(fc.subarray(['20', '40', '60'], { minLength: 1 })),
  }),
  groupBy: fc.shuffledSubarray(['gender', 'age_band'] as ('gender' | 'age_band')[], { maxLength: 2 }),
});

const caseArb = fc.record({
  rows: fc.integer({ min: 200, max: 3000 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  owners: fc.integer({ min: 1, max: 3 }),
  /** Where each owner's rows end, in percent (the rows are split in order). */
  cuts: fc.array(fc.integer({ min: 5, max: 95 }), { minLength: 2, maxLength: 2 }),
  nulls: fc.constantFrom<Nulls>('none', 'some', 'all of code c', 'all of gender NULL'),
  query: queryArb,
});

/** Which modes a query can run in, and what planQuery says to the others. */
function modesOf(q: Query): { mode: HeMode; valid: boolean }[] {
  const keyColumns =
    (q.where.code ? 1 : 0) + (q.where.gender ? 1 : 0) + (q.where.age_band ? 1 : 0) + q.groupBy.length;
  const values = q.aggregates.some((a) => a.he !== 'COUNT(*)');
  // BFV and CKKS at N = 8192 take 2 ciphertext products in a row
  const depth = values ? keyColumns : Math.max(0, keyColumns - 1);
  return [
    { mode: 'public', valid: q.where.code === null },
    { mode: 'private', valid: depth <= 2 },
  ];
}

/**
 * How close a released AVG, VAR (and CKKS SUM) must be to DuckDB's: |he − truth| ≤ rel ×
 * max(|truth|, the scale of its inputs) + abs, the scale being Σ|x| for a sum, the mean |x| for
 * a mean and the mean of x² for a variance (DuckDB computes a variance in doubles, whose
 * rounding is relative to that, not to the variance itself). BFV: rel 1e-12 and no absolute
 * slack. CKKS: rel 1e-6, and `abs` per kind, since its error is absolute rather than relative:
 * about 2e-6 per decrypted total whatever the total (measured; at most 6e-6), so a group of one
 * row of 0.1 has a relative error near 1e-5. The floors are ten times that (a variance combines
 * two totals and the square of a mean) and far below a row's 0.1; in 25 runs of another seed the worst
 * error used under 1% of what these allow.
 */
type Tolerance = { exact: boolean; rel: number; abs: { sum: number; avg: number; var: number } };
const BFV_TOLERANCE: Tolerance = { exact: true, rel: 1e-12, abs: { sum: 0, avg: 0, var: 0 } };
const CKKS_TOLERANCE: Tolerance = { exact: false, rel: 1e-6, abs: { sum: 2e-5, avg: 2e-5, var: 2e-4 } };

function expectClose(he: unknown, truth: number, scale: number, rel: number, abs: number, what: string) {
  expect(typeof he, what).toBe('number');
  const err = Math.abs((he as number) - truth);
  const allowed = rel * Math.max(Math.abs(truth), scale) + abs;
  expect(err, `${what}: ${he} vs ${truth}`).toBeLessThanOrEqual(allowed);
}

/** Checks a release against DuckDB's answer to the same query over all the rows. */
function expectMatches(released: Released, truth: Record<string, unknown>[], q: Query, tol: Tolerance) {
  const keyOf = (v: Record<string, unknown>) => JSON.stringify(q.groupBy.map((c) => v[c] ?? null));
  const byKey = new Map(truth.map((r) => [keyOf(r), r]));
  const nonEmpty = truth.filter((r) => Number(r.__rows) > 0);
  const shown = released.rows.filter((r) => !r.suppressed);
  // minCohort 1: every group with a row is released, and only the empty ones are suppressed
  expect(shown.map((r) => keyOf(r.values)).sort()).toEqual(nonEmpty.map(keyOf).sort());
  expect(released.suppressedGroups).toBe(released.rows.length - shown.length);
  expect(released.columns).toEqual([...q.groupBy, ...q.aggregates.map((a) => a.alias)]);
  for (const row of released.rows) {
    const t = byKey.get(keyOf(row.values));
    if (row.suppressed) {
      expect(t === undefined || Number(t.__rows) === 0).toBe(true);
      // a suppressed row holds its group keys only
      expect(Object.keys(row.values).sort()).toEqual([...q.groupBy].sort());
      continue;
    }
    if (!t) throw new Error('unreachable: a released group DuckDB does not have');
    const values = Number(t.__values);
    const absSum = Number(t.__abs ?? 0);
    const meanSq = Number(t.__sq ?? 0);
    for (const a of q.aggregates) {
      const he = row.values[a.alias];
      const want = t[a.alias];
      const what = `${a.he} of group ${keyOf(row.values)}`;
      if (a.alias === 'count' || a.alias === 'count_value') {
        expect(he, what).toBe(Number(want));
        continue;
      }
      if (want === null || want === undefined) {
        expect(he, what).toBeNull();
        continue;
      }
      if (a.alias === 'sum_value') {
        if (tol.exact) {
          // the exact decimal string of the sum
          expect(typeof he, what).toBe('string');
          expect(tenthsOf(he as string), what).toBe(tenthsOf(want as string));
        } else expectClose(he, Number(want), absSum, tol.rel, tol.abs.sum, what);
      } else if (a.alias === 'avg_value') {
        expectClose(he, Number(want), absSum / values, tol.rel, tol.abs.avg, what);
      } else expectClose(he, Number(want), meanSq, tol.rel, tol.abs.var, what);
    }
  }
}

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const agg = (alias: Aggregate['alias']) => AGGREGATES.find((a) => a.alias === alias) as Aggregate;
/** Cases every run tries first: groups that have rows but no value (SUM, AVG and VAR NULL). */
const EXAMPLES: [Case][] = [
  [
    {
      rows: 600,
      seed: 1,
      owners: 2,
      cuts: [50, 50],
      nulls: 'all of code c',
      query: {
        aggregates: [agg('sum_value'), agg('avg_value'), agg('count_value'), agg('var_value')],
        where: { code: ['c'], gender: null, age_band: null },
        groupBy: ['gender'],
      },
    },
  ],
  [
    {
      rows: 900,
      seed: 2,
      owners: 3,
      cuts: [30, 70],
      nulls: 'all of gender NULL',
      query: {
        aggregates: [agg('count'), agg('sum_value'), agg('var_pop_value')],
        where: { code: null, gender: null, age_band: null },
        groupBy: ['gender'],
      },
    },
  ],
];

/** Splits the rows in order over the case's owners at its cut points. */
function split(rows: readonly HeRow[], c: Case): HeRow[][] {
  const cuts = c.cuts
    .slice(0, c.owners - 1)
    .map((percent) => Math.floor((percent * rows.length) / 100))
    .sort((a, b) => a - b);
  const bounds = [0, ...cuts, rows.length];
  return Array.from({ length: c.owners }, (_, i) => rows.slice(bounds[i], bounds[i + 1]));
}

/**
 * Runs one case: encrypts the owners' rows, then asks the query in both modes where valid (and
 * expects the planner's error where not), each release against DuckDB over the union.
 */
async function checkCase(keys: TestKeySet, c: Case, tol: Tolerance): Promise<void> {
  const rows = generateRows(c.rows, c.seed, c.nulls);
  await loadRows(duck, rows);
  const truth = await duck.rows(duckSql(c.query));
  const enc = await encryptOwners(keys, split(rows, c));
  const sql = heSql(c.query);
  const parsed = parseHeQuery(sql);
  const modes = modesOf(c.query);
  // auto picks public-keys mode exactly when every WHERE and GROUP BY column is public
  const auto = modes[0]?.valid ? 'public' : 'private';
  if (modes.find((m) => m.mode === auto)?.valid)
    expect(planQuery(parsed, enc.tables, 'auto').mode).toBe(auto);
  for (const { mode, valid } of modes) {
    if (!valid) {
      expect(await heCode(() => planQuery(parsed, enc.tables, mode))).toBe(
        mode === 'public' ? 'HE_QUERY_INVALID' : 'HE_PARAMS',
      );
      continue;
    }
    const ledgerDir = await fresh('ledger');
    const { released } = await ask(keys, enc, sql, mode, { minCohort: 1, ledgerDir });
    expect(released.mode).toBe(mode);
    expect(released.query).toBe(parsed.canonical);
    expect(released.datasets.map((d) => d.rows)).toEqual(enc.tables.map((t) => t.rows));
    expectMatches(released, truth, c.query, tol);
  }
}

describe('HE queries against DuckDB', () => {
  it('BFV: counts and sums exactly, AVG and VAR to 1e-12, pooled over 1–3 owners, in both modes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, (c) => checkCase(bfv, c, BFV_TOLERANCE)),
      { numRuns: 8, seed: 20250301, endOnFailure: true, examples: EXAMPLES },
    );
  }, 600_000);

  it('CKKS: the same within 1e-6 relative', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, (c) => checkCase(ckks, c, CKKS_TOLERANCE)),
      { numRuns: 5, seed: 20250302, endOnFailure: true, examples: EXAMPLES },
    );
  }, 600_000);
});

// ---------------------------------------------------------------------------------------------
// the release policy on real ciphertexts

const MODES = ['public', 'private'] as const;

/** The bytes of every ledger file (owner-001.json, …) in a ledger folder. */
async function ledgerFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.json')).sort()) {
    out[f] = await readFile(join(dir, f), 'utf8');
  }
  return out;
}

describe('suppression', () => {
  it('releases a group of exactly the minimum cohort and suppresses one of a row fewer, sums and all, in both modes', async () => {
    // female: 5 rows over two owners, male: 4; the pledges ask 3 and 5, so the cohort is 5
    const owner1 = [
      row('female', 11),
      row('female', 22),
      row('female', 33),
      row('male', 10),
      row('male', 20),
    ];
    const owner2 = [row('female', -4), row('female', 5), row('male', 30), row('male', 40)];
    const enc = await encryptOwners(bfv, [owner1, owner2]);
    for (const mode of MODES) {
      const { released } = await ask(
        bfv,
        enc,
        'SELECT gender, COUNT(*), SUM(value), AVG(value) FROM t GROUP BY gender',
        mode,
        { minCohort: [3, 5], ledgerDir: await fresh('ledger') },
      );
      expect(released.minCohort).toBe(5);
      expect(released.rows).toEqual([
        {
          suppressed: false,
          values: { gender: 'female', count: 5, sum_value: '6.7', avg_value: 1.34 },
        },
        // the suppressed group's row holds its key only: no count, no sum
        { suppressed: true, values: { gender: 'male' } },
      ]);
      expect(released.suppressedGroups).toBe(1);
    }
  });
});

describe('differencing', () => {
  it('refuses a group nested in a released one by fewer rows than the minimum cohort, in both modes', async () => {
    // age band 20: 10 rows, 40: 3, 60: 7, over two owners
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => row(i % 2 ? 'female' : 'male', i, '20')),
      ...Array.from({ length: 3 }, (_, i) => row('female', 50 + i, '40')),
      ...Array.from({ length: 7 }, (_, i) => row('male', -i, '60')),
    ];
    const enc = await encryptOwners(bfv, [rows.filter((_, i) => i % 2 === 0), rows.filter((_, i) => i % 2)]);
    for (const mode of MODES) {
      const ledgerDir = await fresh('ledger');
      const opts = { minCohort: 5, ledgerDir };
      const count = async (where: string) =>
        (await ask(bfv, enc, `SELECT COUNT(*) FROM t WHERE ${where}`, mode, opts)).released.rows[0]?.values
          .count;
      expect(await count("age_band IN ('20', '40')")).toBe(13);
      // the same group again: the same rows, nothing new revealed
      expect(await count("age_band IN ('20', '40')")).toBe(13);
      // a group nested in it, or it in a group, by at least 5 rows
      expect(await count("age_band IN ('20', '40', '60')")).toBe(20);
      const before = await ledgerFiles(ledgerDir);
      // 10 rows inside the 13 released: the difference would single out the 3 rows of band 40
      const out = await fresh('result');
      await compute({
        sql: "SELECT COUNT(*) FROM t WHERE age_band IN ('20')",
        mode,
        keys: bfv,
        ...enc,
        out,
      });
      const refused = await release({ out, keys: bfv, tables: enc.tables, ...opts }).catch((e) => e);
      expect(refused).toBeInstanceOf(HeError);
      expect(refused).toMatchObject({ code: 'HE_DIFFERENCING' });
      // its message names the group's columns, never the values or the rows
      expect(String(refused.message)).toContain('age_band (1 value) over 2 datasets');
      expect(String(refused.message)).toContain('by 3 rows');
      expect(await ledgerFiles(ledgerDir)).toEqual(before);
    }
  });
});

describe('the privacy budget', () => {
  it('refuses a release that would spend past the budget, and leaves the ledger as it was', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i % 3 ? 'female' : 'male', i * 3 - 50));
    const enc = await encryptOwners(bfv, [rows.slice(0, 25), rows.slice(25)]);
    const ledgerDir = await fresh('ledger');
    const sql = 'SELECT gender, COUNT(*), SUM(value) FROM t GROUP BY gender';
    const opts = {
      minCohort: 1,
      ledgerDir,
      budget: { epsilon: 1, delta: 1e-6 },
      dp: { mechanism: 'laplace' as const, epsilon: 0.6, delta: 0, seed: 'he query test' },
    };
    const first = await ask(bfv, enc, sql, 'public', opts);
    expect(first.released.dp).toEqual({ mechanism: 'laplace', epsilon: 0.6, delta: 0 });
    const spent = await ledgerFiles(ledgerDir);
    expect(Object.keys(spent)).toEqual(['owner-001.json', 'owner-002.json']);
    for (const text of Object.values(spent)) {
      const l = JSON.parse(text);
      expect(l.budget).toEqual({ epsilon: 1, delta: 1e-6 });
      expect(l.entries.map((e: { epsilon: number }) => e.epsilon)).toEqual([0.6]);
    }
    // the same query computed again is the same result (evaluation adds no randomness): released
    // again, it spends nothing more and draws the same noise
    const same = await fresh('result');
    await compute({ sql, mode: 'public', keys: bfv, ...enc, out: same });
    expect(await release({ out: same, keys: bfv, tables: enc.tables, ...opts })).toEqual(first.released);
    expect(await ledgerFiles(ledgerDir)).toEqual(spent);
    // another query of ε 0.6: 1.2 in all
    const second = await fresh('result');
    await compute({
      sql: 'SELECT COUNT(*), SUM(value) FROM t',
      mode: 'public',
      keys: bfv,
      ...enc,
      out: second,
    });
    const refused = await release({ out: second, keys: bfv, tables: enc.tables, ...opts }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'HE_BUDGET_EXCEEDED' });
    expect(String(refused.message)).toContain('ε 0.6 spent, 0.6 asked, 1 in all');
    expect(await ledgerFiles(ledgerDir)).toEqual(spent);
    // and the first result released again likewise
    const again = await release({ out: first.out, keys: bfv, tables: enc.tables, ...opts });
    expect(again).toEqual(first.released);
    expect(await ledgerFiles(ledgerDir)).toEqual(spent);
  });
});

describe('a tampered result', () => {
  it('is HE_RESULT_INVALID: a changed ciphertext CID, a changed table copy, a changed group key, swapped ciphertexts', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(i % 2 ? 'female' : 'male', i));
    const enc = await encryptOwners(bfv, [rows]);
    const out = await fresh('result');
    await compute({
      sql: 'SELECT gender, COUNT(*), SUM(value) FROM t GROUP BY gender',
      mode: 'public',
      keys: bfv,
      ...enc,
      out,
    });
    const resultText = await readFile(join(out, 'result.json'), 'utf8');
    const result = JSON.parse(resultText);
    /** A copy of the result folder, changed by `edit`, released. */
    const tampered = async (edit: (dir: string) => Promise<void>) => {
      const dir = await fresh('tampered');
      await cp(out, dir, { recursive: true });
      await edit(dir);
      return heCode(
        release({ out: dir, keys: bfv, tables: enc.tables, minCohort: 1, ledgerDir: await fresh('ledger') }),
      );
    };
    const sumCid = result.groups[0].quantities['x:value'].cipher as string;
    const otherCid = result.groups[1].quantities['x:value'].cipher as string;
    expect(sumCid).toMatch(/^baf/);
    // a group's ciphertext CID changed (to one that names no file of the result)
    const unknown = (await cidOfBytes(Buffer.from('not a ciphertext of this result'))).toString();
    expect(
      await tampered((dir) => writeFile(join(dir, 'result.json'), resultText.replace(sumCid, unknown))),
    ).toBe('HE_RESULT_INVALID');
    // the copy of an encrypted table edited (here: one more row claimed)
    expect(
      await tampered(async (dir) => {
        const f = join(dir, 'tables', '0.json');
        await writeFile(f, (await readFile(f, 'utf8')).replace('"rows": 30', '"rows": 31'));
      }),
    ).toBe('HE_RESULT_INVALID');
    // a group's key changed
    expect(
      await tampered((dir) => writeFile(join(dir, 'result.json'), resultText.replace('"female"', '"other"'))),
    ).toBe('HE_RESULT_INVALID');
    // the ciphertext files of two groups swapped (each then names the other's bytes)
    expect(
      await tampered(async (dir) => {
        const a = join(dir, 'ct', `${sumCid}.seal`);
        const b = join(dir, 'ct', `${otherCid}.seal`);
        const [x, y] = [await readFile(a), await readFile(b)];
        await writeFile(a, y);
        await writeFile(b, x);
      }),
    ).toBe('HE_RESULT_INVALID');
    // untouched, it releases
    expect(await tampered(async () => {})).toBeUndefined();
  });
});
